import type { ToolCase } from './types.js';

export const accessTokenCases: ToolCase[] = [];
