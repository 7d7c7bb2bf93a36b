import type { ToolEntry } from './types.js';

export const memberTools: ToolEntry[] = [];
