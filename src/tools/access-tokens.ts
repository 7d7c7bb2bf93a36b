import type { ToolEntry } from './types.js';

export const accessTokenTools: ToolEntry[] = [];
