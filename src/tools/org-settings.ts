import type { ToolEntry } from './types.js';

export const orgSettingsTools: ToolEntry[] = [];
