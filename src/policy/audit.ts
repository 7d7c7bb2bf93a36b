/**
 * One audit record per tool call, allowed or not. Records name the agent, the tool, the resources
 * and the decision; they never hold argument values, tokens or secrets.
 */
import type { Logger } from 'pino';
import type { Access } from './types.js';

export interface AuditRecord {
  time: string;
  agent: string;
  tool: string;
  access?: Access;
  resources: string[];
  /** `invalid`: refused before the policy ran because the arguments broke the schema. */
  decision: 'allowed' | 'denied' | 'invalid';
  reason?: string;
  /** For allowed calls: how the Hub call ended. */
  outcome?: 'ok' | 'error';
  /** The Hub's HTTP status, when it answered. */
  status?: number;
  duration_ms: number;
}

export interface AuditSink {
  record(record: AuditRecord): void;
}

/**
 * The default sink: records go to stderr through the logger, tagged so they can be filtered.
 * They are written whatever the log level (`--log-level warn` quiets logs, not the audit trail);
 * only `silent`, which asks for no output at all, stops them.
 */
export function loggerAuditSink(logger: Logger): AuditSink {
  const auditLogger = logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
  return {
    record(record) {
      auditLogger.info({ audit: record }, 'audit');
    },
  };
}
