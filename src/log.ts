/**
 * pino JSON logs on stderr only: stdout belongs to the stdio transport. Fields that could hold a
 * secret (the one rule of ../secrets.ts) are censored as a second line of defence; the code does
 * not log them in the first place.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './log-levels.js';
import { isSecretField, REDACTED } from './secrets.js';

export { LOG_LEVELS, type LogLevel } from './log-levels.js';

export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ fd: 2, sync: true }),
): Logger {
  return pino({ name: 'hubgate', level, formatters: { log: censorSecrets } }, destination);
}

const MAX_DEPTH = 8;

/**
 * A log line's fields with secret-named ones censored, at any depth of plain objects. Headers go
 * whole (`authorization`, cookies, whatever a proxy adds). An audit record is already redacted by
 * the same rule when it is built: it is not walked again. Errors and other class instances pass
 * untouched, for pino's serializers.
 */
function censorSecrets(object: Record<string, unknown>): Record<string, unknown> {
  return censor(object, 0) as Record<string, unknown>;
}

function censor(value: unknown, depth: number): unknown {
  if (Array.isArray(value))
    return depth >= MAX_DEPTH ? value : value.map((v) => censor(v, depth + 1));
  if (!isPlainObject(value) || depth >= MAX_DEPTH) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (depth === 0 && key === 'audit') copy[key] = item;
    else if (key === 'headers' || isSecretField(key)) copy[key] = REDACTED;
    else copy[key] = censor(item, depth + 1);
  }
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
