import type { ToolEntry } from './types.js';

export const auditLogTools: ToolEntry[] = [];
