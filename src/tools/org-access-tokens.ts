import type { ToolEntry } from './types.js';

export const orgAccessTokenTools: ToolEntry[] = [];
