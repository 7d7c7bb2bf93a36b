/**
 * Where audit records go: a file (NDJSON, appended with synchronous writes) or the log. Records
 * are written before the result goes back to the agent, so a crash after an answer cannot lose
 * the record of it.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AuditRecord } from './record.js';

export interface AuditSink {
  /** Writes the record now; throws when a sink that can fail could not write it. */
  record(record: AuditRecord): void;
  /**
   * Writes the record together with the others committed in the same turn of the event loop,
   * and settles once they are written (rejects when they could not be). A call waits for its
   * records this way: with many calls at once, one write carries the records of many.
   */
  commit?(record: AuditRecord): Promise<void>;
  /**
   * Writes the intent record of an allowed call before it is sent, and throws (or rejects) when
   * it cannot: the call is then refused, so that nothing reaches the Hub without its record.
   */
  reserve?(record: AuditRecord): void | Promise<void>;
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
 * Appends NDJSON to a file with synchronous writes: one per record(), one per turn of the event
 * loop for the records committed in it. The file is opened at start-up so
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
  /** Writes whole lines, or none of them: a failure takes back what part of them was written. */
  const write = (lines: string) => {
    if (!open) throw new AuditWriteError('the audit file is closed');
    let written = 0;
    try {
      // The string as it is: no Buffer made for every write, but for the rare one cut short.
      written = writeSync(fd, lines);
      const length = Buffer.byteLength(lines);
      if (written < length) {
        // A nearly full disk takes part of a record and refuses the rest.
        const bytes = Buffer.from(lines);
        while (written < length) written += writeSync(fd, bytes, written);
      }
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
  const line = (record: AuditRecord) => `${JSON.stringify(record)}\n`;

  // Records committed in this turn of the event loop, written together once I/O callbacks have
  // run (setImmediate): a write costs far more than its bytes, and calls in flight together
  // share it. Each call still waits for its own record before it goes on: they all wait on the
  // batch's one promise, settled once its write is made or has failed.
  let batch: { lines: string; written: Promise<void>; settle: (error?: Error) => void } | undefined;
  const flush = () => {
    const current = batch;
    batch = undefined;
    if (!current) return;
    let failure: Error | undefined;
    try {
      write(current.lines);
    } catch (error) {
      failure = error as Error;
    }
    current.settle(failure);
  };
  const commit = (record: AuditRecord): Promise<void> => {
    if (!open) return Promise.reject(new AuditWriteError('the audit file is closed'));
    if (!batch) {
      let settle: (error?: Error) => void = () => {};
      const written = new Promise<void>((resolve, reject) => {
        settle = (error) => (error ? reject(error) : resolve());
      });
      batch = { lines: '', written, settle };
      setImmediate(flush);
    }
    batch.lines += line(record);
    return batch.written;
  };
  const record = (record: AuditRecord) => {
    // After what was committed before it, so the file keeps the order records were made in.
    flush();
    write(line(record));
  };
  return {
    record,
    commit,
    reserve: (made) =>
      commit(
        made.outcome === 'pending' && made.hub_status === null
          ? made
          : { ...made, outcome: 'pending', hub_status: null },
      ),
    healthy: () => healthy,
    close() {
      flush();
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
