import type { ToolCase } from './types.js';

export const scimCases: ToolCase[] = [];
