import type { ToolCase } from './types.js';

export const orgSettingsCases: ToolCase[] = [];
