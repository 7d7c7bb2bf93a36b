import type { ToolCase } from './types.js';

export const auditLogCases: ToolCase[] = [];
