/**
 * One audit record per tool call, allowed or refused. Records hold the call's arguments with every
 * secret-like field replaced, and are written synchronously before the result goes back to the
 * agent, so a crash after an answer cannot lose the record of it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Access } from './types.js';

export type Transport = 'stdio' | 'http' | 'sse';

export interface AuditRecord {
  time: string;
  agent: string;
  transport: Transport;
  session: string | null;
  tool: string;
  resources: string[];
  access: Access | null;
  decision: 'allow' | 'deny';
  /** The grants that allowed the call, or what was missing or wrong. */
  reason: string;
  /** `denied`: refused by hubgate, nothing sent; `error`: sent, and the Hub call failed. */
  outcome: 'ok' | 'error' | 'denied';
  hub_status: number | null;
  duration_ms: number;
  arguments: unknown;
}

export interface AuditSink {
  record(record: AuditRecord): void;
  close?(): void;
}

/** Field names that hold secrets: `secret`, `password`, `scim_token`, `login_2fa_token`, `code`… */
const SECRET_NAME =
  /(?:^|_)(?:secret|password|passwd|token|code|key|authorization|credential|otp)$/i;
const MAX_STRING = 256;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/** A copy of the arguments fit for the audit log: secrets replaced, sizes bounded. */
export function redactArguments(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING
      ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)`
      : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redactArguments(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`…(${value.length - MAX_ITEMS} more)`);
    return items;
  }
  const entries = Object.entries(value).slice(0, MAX_ITEMS);
  return Object.fromEntries(
    entries.map(([key, item]) => [
      key.length > MAX_STRING ? `${key.slice(0, MAX_STRING)}…` : key,
      SECRET_NAME.test(key) ? '[redacted]' : redactArguments(item, depth + 1),
    ]),
  );
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
