import type { ToolCase } from './types.js';

export const orgAccessTokenCases: ToolCase[] = [];
