/**
 * pino JSON logs on stderr only: stdout belongs to the stdio transport. Fields that could hold a
 * secret are censored as a second line of defence; the code does not log them in the first place.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SECRET_FIELDS = ['secret', 'password', 'token', 'access_token', 'authorization', 'key'];

export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ fd: 2, sync: true }),
): Logger {
  return pino(
    {
      name: 'hubgate',
      level,
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`), 'headers.*'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
