import type { ToolEntry } from './types.js';

export const groupTools: ToolEntry[] = [];
