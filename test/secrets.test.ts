/**
 * One rule for secret fields, and the three places that apply it agree: the audit record's
 * arguments, the server log, and the Hub objects of a `detail: "full"` result.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactArguments } from '../src/audit/record.js';
import { createLogger } from '../src/log.js';
import { isSecretField, withoutSecrets } from '../src/secrets.js';

const SECRET = [
  'secret',
  'password',
  'passwd',
  'token',
  'Token',
  'access_token',
  'scim_token',
  'login_2fa_token',
  'code',
  'key',
  'api_key',
  'api_keys',
  'authorization',
  'Authorization',
  'credential',
  'credentials',
  'otp',
  'accessToken',
  'apiKey',
  'clientSecret',
];
const NOT_SECRET = [
  'token_label',
  'tokens',
  'username',
  'keyword',
  'hotkey',
  'barcode',
  'monkey',
  'description',
  'token_id',
  'scopes',
];

function logged(fields: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  createLogger('info', destination).info(fields, 'x');
  return JSON.parse(lines.join('')) as Record<string, unknown>;
}

describe('secret fields', () => {
  it.each(SECRET)('%s is secret', (name) => expect(isSecretField(name)).toBe(true));
  it.each(NOT_SECRET)('%s is not', (name) => expect(isSecretField(name)).toBe(false));

  it('the audit log, the server log and full results redact exactly the same fields', () => {
    const fields = Object.fromEntries(
      [...SECRET, ...NOT_SECRET].map((name) => [name, `value-of-${name}`]),
    );
    const redactedIn = (value: unknown) =>
      Object.entries(value as Record<string, unknown>)
        .filter(([name, item]) => name in fields && item !== fields[name])
        .map(([name]) => name)
        .sort();
    const expected = [...SECRET].sort();
    expect(redactedIn(redactArguments(fields))).toEqual(expected);
    expect(redactedIn(logged(fields))).toEqual(expected);
    expect(redactedIn(withoutSecrets(fields))).toEqual(expected);
  });

  it('at any depth, in objects and arrays alike', () => {
    const nested = { outer: { items: [{ name: 'a', clientSecret: 'canary-1' }] } };
    for (const copy of [redactArguments(nested), logged(nested), withoutSecrets(nested)]) {
      expect(JSON.stringify(copy)).not.toContain('canary-1');
      expect(JSON.stringify(copy)).toContain('"name":"a"');
    }
  });

  it('a result keeps empty, numeric and boolean secret fields, and hides what one holds', () => {
    expect(
      withoutSecrets({
        token: '',
        key: 42,
        secret: 'x',
        credentials: { user: 'a', password: 'b' },
        api_keys: ['k1'],
        tokens: [],
      }),
    ).toEqual({
      token: '',
      key: 42,
      secret: '[redacted]',
      credentials: '[redacted]',
      api_keys: '[redacted]',
      tokens: [],
    });
  });

  it('a result copies only the way to what it hides, and never changes the Hub answer', () => {
    const clean = { name: 'a', images: [{ os: 'linux' }] };
    expect(withoutSecrets(clean)).toBe(clean);

    const answer = { kept: { name: 'b' }, list: [{ id: 1 }, { id: 2, token: 'canary-3' }] };
    const before = JSON.stringify(answer);
    const result = withoutSecrets(answer) as typeof answer;
    expect(JSON.stringify(answer)).toBe(before);
    expect(result).not.toBe(answer);
    expect(result.kept).toBe(answer.kept);
    expect(result.list[0]).toBe(answer.list[0]);
    expect(result.list[1]).toEqual({ id: 2, token: '[redacted]' });
  });

  it('a result keeps a field named __proto__ as a field, its secrets hidden', () => {
    const answer = JSON.parse('{"__proto__": {"token": "canary-4"}, "name": "c"}');
    const result = withoutSecrets(answer) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"token":"[redacted]"},"name":"c"}');
  });

  it('the log keeps errors whole for its serializer, and censors headers whole', () => {
    const line = logged({ err: new Error('boom'), headers: { cookie: 'canary-2' } });
    expect(line.err).toMatchObject({ message: 'boom', type: 'Error' });
    expect(line.headers).toBe('[redacted]');
  });
});
