import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type AuditRecord, redactArguments } from '../../src/audit/record.js';
import { fileAuditSink, loggerAuditSink } from '../../src/audit/sinks.js';
import { openAuditSink } from '../../src/gateway/gateway.js';
import { createLogger, type LogLevel } from '../../src/log.js';

const record: AuditRecord = {
  time: '2026-01-01T00:00:00.000Z',
  agent: 'local',
  transport: 'stdio',
  session: null,
  tool: 'get_tag',
  resources: ['repo:library/nginx'],
  access: 'read',
  decision: 'allow',
  reason: 'granted by repo:*/* (read)',
  outcome: 'ok',
  hub_status: 200,
  duration_ms: 3,
  arguments: { namespace: 'library', repository: 'nginx', tag: 'latest' },
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

describe('redactArguments', () => {
  it('replaces every secret-like field, at any depth, and keeps the rest', () => {
    expect(
      redactArguments({
        username: 'alice',
        password: 'canary-1',
        secret: 'canary-2',
        login_2fa_token: 'canary-3',
        code: '123456',
        token_label: 'ci token',
        scopes: ['repo:read'],
        nested: { scim_token: 'canary-4', items: [{ access_token: 'canary-5', name: 'x' }] },
      }),
    ).toEqual({
      username: 'alice',
      password: '[redacted]',
      secret: '[redacted]',
      login_2fa_token: '[redacted]',
      code: '[redacted]',
      token_label: 'ci token',
      scopes: ['repo:read'],
      nested: { scim_token: '[redacted]', items: [{ access_token: '[redacted]', name: 'x' }] },
    });
  });

  it('bounds long strings, long lists and deep nesting', () => {
    const redacted = redactArguments({
      text: 'x'.repeat(1000),
      list: Array.from({ length: 60 }, (_, i) => i),
      deep: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } },
    }) as Record<string, unknown>;
    expect(redacted.text).toBe(`${'x'.repeat(256)}…(1000 chars)`);
    expect(redacted.list).toHaveLength(51);
    expect((redacted.list as unknown[])[50]).toBe('…(10 more)');
    expect(JSON.stringify(redacted.deep)).toContain('[too deep]');
  });

  it('keeps the first 50 fields of an object, and a field named __proto__ as a field', () => {
    const wide = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, i]));
    expect(Object.keys(redactArguments(wide) as object)).toEqual(Object.keys(wide).slice(0, 50));

    const sent = JSON.parse('{"__proto__": {"password": "canary-6"}, "tag": "latest"}');
    const redacted = redactArguments(sent) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"password":"[redacted]"},"tag":"latest"}');
  });
});

describe('the audit file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'hubgate-audit-file-'));
  const silent = createLogger('silent');
  const config = (auditFile: string) => ({
    source: join(folder, 'hubgate.yaml'),
    credentials: new Map(),
    agents: new Map(),
    auditFile,
  });

  it('is created readable and writable by its owner only', () => {
    const path = join(folder, 'new.ndjson');
    fileAuditSink(path, silent).close?.();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('is refused when others may read or write it, saying which', () => {
    const path = join(folder, 'shared.ndjson');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    expect(() => openAuditSink(config(path), silent)).toThrow(
      `audit.file: ${path}: other users may read it (mode 644): chmod o-rw it, or 600`,
    );
    chmodSync(path, 0o602);
    expect(() => openAuditSink(config(path), silent)).toThrow(
      /other users may write it \(mode 602\)/,
    );
  });

  it('is not followed through a symbolic link', () => {
    const target = join(folder, 'elsewhere.ndjson');
    writeFileSync(target, '', { mode: 0o600 });
    const link = join(folder, 'link.ndjson');
    symlinkSync(target, link);
    expect(() => openAuditSink(config(link), silent)).toThrow(
      `audit.file: ${link}: it is a symbolic link, which hubgate does not follow`,
    );
    expect(readFileSync(target, 'utf8')).toBe('');
  });
});
