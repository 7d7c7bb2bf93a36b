import type { ToolEntry } from './types.js';

export const authTools: ToolEntry[] = [];
