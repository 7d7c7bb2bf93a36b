/**
 * Where audit records go: a file (NDJSON, one synchronous write per record) or the log. Records
 * are written before the result goes back to the agent, so a crash after an answer cannot lose
 * the record of it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AuditRecord } from './record.js';

export interface AuditSink {
  record(record: AuditRecord): void;
  close?(): void;
}

/** The config's audit file when it names one, else the log. */
export function auditSinkFor(file: string | undefined, logger: Logger): AuditSink {
  return file ? fileAuditSink(file, logger) : loggerAuditSink(logger);
}

/**
 * The default sink: records go to stderr through the logger, tagged `"msg":"audit"`.
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

/**
 * Appends NDJSON to a file, one synchronous write per record. The file is opened at start-up so
 * an unwritable path stops hubgate before it serves anything.
 */
export function fileAuditSink(path: string, logger: Logger): AuditSink {
  const fd = openSync(path, 'a', 0o600);
  let open = true;
  return {
    record(record) {
      if (!open) return;
      try {
        writeSync(fd, `${JSON.stringify(record)}\n`);
      } catch (error) {
        logger.error({ err: error, path }, 'could not write the audit record');
      }
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** For commands that decide but never call (`hubgate explain`): nothing to record. */
export const NO_AUDIT: AuditSink = { record() {} };
