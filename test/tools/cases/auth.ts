import type { ToolCase } from './types.js';

export const authCases: ToolCase[] = [];
