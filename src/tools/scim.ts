import type { ToolEntry } from './types.js';

export const scimTools: ToolEntry[] = [];
