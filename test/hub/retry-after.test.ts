/**
 * How long a 429 makes hubgate hold a credential's calls. The real Hub has sent Retry-After as a
 * unix time (`retry-after: 1746136938`); read as seconds, that locked every agent on the
 * credential out for 55 years. Any form is read for what it is, and no wait is longer than 15 min.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SELF_IMPOSED_WAIT_MS, retryAtMs } from '../../src/hub/client.js';
import { ADMIN_AGENT, ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const NOW = Date.UTC(2025, 4, 1, 20, 0, 0);
const nowSeconds = NOW / 1000;

describe('retryAtMs', () => {
  it.each([
    ['Retry-After in seconds', { 'retry-after': '7' }, NOW + 7_000],
    ['Retry-After as a unix time', { 'retry-after': String(nowSeconds + 38) }, NOW + 38_000],
    [
      'Retry-After as an HTTP date',
      { 'retry-after': new Date(NOW + 5_000).toUTCString() },
      NOW + 5_000,
    ],
    ['X-Retry-After (unix)', { 'x-retry-after': String(nowSeconds + 9) }, NOW + 9_000],
    [
      'X-RateLimit-Reset of a spent budget, preferred to Retry-After',
      {
        'x-ratelimit-reset': String(nowSeconds + 20),
        'x-ratelimit-remaining': '0',
        'retry-after': '3',
      },
      NOW + 20_000,
    ],
    [
      'Retry-After when the budget is not what is spent',
      {
        'x-ratelimit-reset': String(nowSeconds + 60),
        'x-ratelimit-remaining': '12',
        'retry-after': '3',
      },
      NOW + 3_000,
    ],
    [
      'an X-RateLimit-Reset already past: Retry-After then',
      {
        'x-ratelimit-reset': String(nowSeconds - 5),
        'x-ratelimit-remaining': '0',
        'retry-after': '3',
      },
      NOW + 3_000,
    ],
    ['a unix time already past: no wait', { 'retry-after': String(nowSeconds - 100) }, NOW],
  ])('%s', (_what, headers, expected) => {
    expect(retryAtMs(headers as Record<string, string>, NOW)).toBe(expected);
  });

  it.each([
    ['the real capture, read as seconds, would be 55 years', { 'retry-after': '1746136938' }],
    ['a day in seconds', { 'retry-after': '86400' }],
    [
      'a reset a year away',
      { 'x-ratelimit-reset': String(nowSeconds + 365 * 86_400), 'x-ratelimit-remaining': '0' },
    ],
  ])('caps %s at 15 minutes', (_what, headers) => {
    expect(retryAtMs(headers as Record<string, string>, NOW)).toBe(NOW + MAX_SELF_IMPOSED_WAIT_MS);
  });

  it('is undefined when nothing says when', () => {
    expect(retryAtMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
  });
});

describe('a 429 with Retry-After as a unix time, through a tool', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ agent: ADMIN_AGENT, credential: ALICE_ADMIN, timeoutMs: 1_000 });
  });
  afterAll(() => h.close());

  it('holds the credential for the seconds it means, says until when, then calls again', async () => {
    const args = { namespace: 'library', repository: 'nginx', tag: 'latest' };
    await h.call('get_tag', args);
    h.hub.inject({
      path: '/v2/namespaces/library/repositories/nginx/tags/latest',
      status: 429,
      retryAfterSeconds: 2,
      retryAfterForm: 'unix',
    });
    const limited = await h.call('get_tag', args);
    expect(limited.isError).toBe(true);
    expect(limited.text).toMatch(/^Docker Hub answered 429 .*Retry in [123] s/);
    const held = await h.call('get_tag', args);
    expect(held.text).toMatch(
      /resets in [123] s\. GET \S+ was not sent: retry at (\S+) or later\.$/,
    );
    const at = Date.parse(/retry at (\S+) or later/.exec(held.text)?.[1] ?? '');
    expect(at - Date.now()).toBeLessThanOrEqual(3_100);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()) + 50));
    expect((await h.call('get_tag', args)).isError).toBe(false);
  });
});
