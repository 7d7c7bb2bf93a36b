import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../src/log.js';
import { type AuditRecord, loggerAuditSink } from '../../src/policy/audit.js';

const record: AuditRecord = {
  time: '2026-01-01T00:00:00.000Z',
  agent: 'local',
  tool: 'get_tag',
  access: 'read',
  resources: ['repo:library/nginx'],
  decision: 'allowed',
  outcome: 'ok',
  status: 200,
  duration_ms: 3,
};

function linesAt(level: LogLevel, write: (sink: ReturnType<typeof loggerAuditSink>) => void) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  const logger = createLogger(level, destination);
  write(loggerAuditSink(logger));
  logger.info('an ordinary log line');
  return lines.map((line) => JSON.parse(line));
}

describe('loggerAuditSink', () => {
  it('writes audit records even when the log level hides info logs', () => {
    const lines = linesAt('warn', (sink) => sink.record(record));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'audit', audit: record });
  });

  it('writes nothing at all when silent', () => {
    expect(linesAt('silent', (sink) => sink.record(record))).toEqual([]);
  });
});

describe('createLogger', () => {
  it('censors fields that could hold secrets', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', destination);
    logger.info(
      {
        secret: 'canary-1',
        credential: { token: 'canary-2' },
        headers: { authorization: 'canary-3' },
      },
      'x',
    );
    expect(lines.join('')).not.toMatch(/canary/);
    expect(lines.join('')).toContain('[redacted]');
  });
});
