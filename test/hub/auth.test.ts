import { describe, expect, it } from 'vitest';
import { type Credential, decodeJwtClaims, TokenSource } from '../../src/hub/auth.js';

function jwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256' })}.${encode(payload)}.signature`;
}

const credential: Credential = { username: 'alice', secret: 'dckr_pat_x' };

describe('TokenSource', () => {
  it('exchanges once for concurrent callers and caches until shortly before exp', async () => {
    let now = 1_000_000;
    let exchanges = 0;
    let release: (token: string) => void = () => {};
    const source = new TokenSource(
      credential,
      () => {
        exchanges += 1;
        return new Promise<string>((resolve) => {
          release = resolve;
        });
      },
      () => now,
    );
    const waiting = Promise.all([source.token(), source.token(), source.token()]);
    const token = jwt({ exp: now / 1000 + 3600 });
    release(token);
    expect(await waiting).toEqual([token, token, token]);
    expect(exchanges).toBe(1);

    now += 3600_000 - 61_000; // still more than a minute of life left
    expect(await source.token()).toBe(token);
    expect(exchanges).toBe(1);

    now += 2_000; // inside the refresh margin
    const second = source.token();
    release(jwt({ exp: now / 1000 + 3600, n: 2 }));
    expect(await second).not.toBe(token);
    expect(exchanges).toBe(2);
  });

  it('drops a refused token but not a newer one, and a failed exchange is not cached', async () => {
    let n = 0;
    let fail = true;
    const source = new TokenSource(credential, async () => {
      n += 1;
      if (fail) throw new Error('refused');
      return jwt({ exp: Date.now() / 1000 + 3600, n });
    });
    await expect(source.token()).rejects.toThrow('refused');
    fail = false;
    const first = await source.token();
    source.invalidate('some-older-token');
    expect(await source.token()).toBe(first);
    source.invalidate(first);
    const second = await source.token();
    expect(second).not.toBe(first);
    expect(n).toBe(3);
  });

  it('reads the username from the token, else the configured identifier', async () => {
    const withClaim = new TokenSource(credential, async () =>
      jwt({ exp: 9e9, 'https://hub.docker.com': { username: 'alice-real' } }),
    );
    expect(await withClaim.username()).toBe('alice-real');
    const opaque = new TokenSource(credential, async () => 'not-a-jwt');
    expect(await opaque.username()).toBe('alice');
  });
});

describe('decodeJwtClaims', () => {
  it('reads exp, sub and the Hub username; tolerates garbage', () => {
    expect(
      decodeJwtClaims(jwt({ exp: 5, sub: 'u1', 'https://hub.docker.com': { username: 'a' } })),
    ).toEqual({
      exp: 5,
      sub: 'u1',
      username: 'a',
    });
    expect(decodeJwtClaims('a.%%%.c')).toBeUndefined();
    expect(decodeJwtClaims('nodots')).toBeUndefined();
  });
});
