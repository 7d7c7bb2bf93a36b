import type { ToolCase } from './types.js';

export const memberCases: ToolCase[] = [];
