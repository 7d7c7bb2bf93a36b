/**
 * Where audit records go: a file (NDJSON, one synchronous write per record) or the log. Records
 * are written before the result goes back to the agent, so a crash after an answer cannot lose
 * the record of it.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AuditRecord } from './record.js';

export interface AuditSink {
  /** Writes the record; throws when a sink that can fail could not write it. */
  record(record: AuditRecord): void;
  /**
   * Writes the intent record of an allowed call before it is sent, and throws when it cannot:
   * the call is then refused, so that nothing reaches the Hub without its record.
   */
  reserve?(record: AuditRecord): void;
  /** False while the last write failed (a full disk): not ready for calls. */
  healthy?(): boolean;
  close?(): void;
}

/** The audit record could not be written. */
export class AuditWriteError extends Error {
  override name = 'AuditWriteError';
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

/** Thrown when the audit file is not one hubgate may write its records to. */
export class AuditFileError extends Error {
  override name = 'AuditFileError';
}

/**
 * Appends NDJSON to a file, one synchronous write per record. The file is opened at start-up so
 * an unwritable path stops hubgate before it serves any call. It is opened without following a
 * symbolic link (someone who can write the folder must not redirect the records), and refused
 * when other users may read it (records name agents and repositories) or write it (they could
 * forge or erase records).
 */
export function fileAuditSink(path: string, logger: Logger): AuditSink {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o600,
  );
  const mode = fstatSync(fd).mode;
  if ((mode & 0o006) !== 0) {
    closeSync(fd);
    throw new AuditFileError(
      `other users may ${mode & 0o004 ? 'read' : 'write'} it (mode ${(mode & 0o777).toString(8)}): chmod o-rw it, or 600`,
    );
  }
  let open = true;
  let healthy = true;
  const write = (record: AuditRecord) => {
    if (!open) throw new AuditWriteError('the audit file is closed');
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    let written = 0;
    try {
      // A nearly full disk takes part of a record and refuses the rest.
      while (written < line.length) written += writeSync(fd, line, written);
      healthy = true;
    } catch (error) {
      healthy = false;
      // Take back the part that was written, so the file stays one whole record a line.
      if (written > 0) takeBack(fd, written, logger, path);
      logger.error({ err: error, path }, 'could not write the audit record');
      throw new AuditWriteError(
        `the audit record could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  return {
    record: write,
    reserve: (record) => write({ ...record, outcome: 'pending', hub_status: null }),
    healthy: () => healthy,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Cuts the last `bytes` off the file: a record's beginning, written when its end could not be. */
function takeBack(fd: number, bytes: number, logger: Logger, path: string): void {
  try {
    ftruncateSync(fd, Math.max(0, fstatSync(fd).size - bytes));
  } catch (error) {
    logger.error({ err: error, path }, 'could not take back a partly written audit record');
  }
}

/** For commands that decide but never call (`hubgate explain`): nothing to record. */
export const NO_AUDIT: AuditSink = { record() {} };
