import type { ToolCase } from './types.js';

export const groupCases: ToolCase[] = [];
