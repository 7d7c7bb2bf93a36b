/**
 * The Hub client against a misbehaving Hub: retries where they are safe, waits for 429 when the
 * wait fits, fails fast when the rate limit is spent, refuses oversized answers, never hangs, and
 * spends few Hub requests (single-flight, a short cache cleared by writes).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubClient, type HubClientOptions } from '../../src/hub/client.js';
import { HubConnection } from '../../src/hub/connection.js';
import {
  HubCancelledError,
  HubNetworkError,
  HubRateLimitedError,
  HubResponseError,
  HubResponseTooLargeError,
  HubTimeoutError,
} from '../../src/hub/errors.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';

let hub: FakeHub;
const connections: HubConnection[] = [];

const TAG = '/v2/namespaces/library/repositories/nginx/tags/latest';
const TAGS = '/v2/namespaces/library/repositories/nginx/tags';
const REPO = '/v2/namespaces/alice/repositories/tools';

function client(
  options: HubClientOptions & { timeoutMs?: number; maxResponseBytes?: number } = {},
): HubClient {
  const connection = new HubConnection({
    baseUrl: hub.url,
    timeoutMs: options.timeoutMs ?? 3_000,
    userAgent: 'hubgate-test',
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  connections.push(connection);
  return new HubClient(connection, { username: 'alice', secret: SEED.pats.aliceAdmin }, undefined, {
    cacheTtlMs: 0,
    ...options,
  });
}

const hits = (path: string) => hub.apiRequests().filter((r) => r.path === path).length;

beforeAll(async () => {
  hub = await startFakeHub({ rateLimit: 1_000_000 });
});
afterEach(async () => {
  hub.clearFaults();
  hub.clearRequests();
  await Promise.all(connections.splice(0).map((c) => c.close()));
});
afterAll(() => hub.close());

describe('retries', () => {
  it('a read that meets a 503 is tried again, and the caller sees one result', async () => {
    hub.inject({ method: 'GET', path: TAG, status: 503, times: 1 });
    const response = await client().request({ method: 'GET', path: TAG });
    expect(response.status).toBe(200);
    expect(hits(TAG)).toBe(2);
  });

  it('a read whose connection resets is tried again', async () => {
    hub.inject({ method: 'GET', path: TAG, reset: true, times: 1 });
    expect((await client().request({ method: 'GET', path: TAG })).status).toBe(200);
    expect(hits(TAG)).toBe(2);
  });

  it('a write whose connection resets is not tried again, and says so clearly', async () => {
    hub.inject({ method: 'PATCH', path: REPO, reset: true, times: 5 });
    const error = await client()
      .request({ method: 'PATCH', path: REPO, body: { description: 'x' } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubNetworkError);
    expect(error.message).toMatch(
      /^Could not reach Docker Hub for PATCH \/v2\/namespaces\/alice\/repositories\/tools: /,
    );
    expect(hits(REPO)).toBe(1);
  });

  it('a write that meets a 503 is not tried again', async () => {
    hub.inject({ method: 'PATCH', path: REPO, status: 503, times: 5 });
    const error = await client()
      .request({ method: 'PATCH', path: REPO, body: { description: 'x' } })
      .catch((e) => e);
    expect(error).toMatchObject({ status: 503 });
    expect(hits(REPO)).toBe(1);
  });

  it('gives up after the attempts allowed', async () => {
    hub.inject({ method: 'GET', path: TAG, status: 502, times: 10 });
    const error = await client({ attempts: 3 })
      .request({ method: 'GET', path: TAG })
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubResponseError);
    expect(error.status).toBe(502);
    expect(hits(TAG)).toBe(3);
  });

  it('a cancelled call stops between attempts', async () => {
    hub.inject({ method: 'GET', path: TAG, status: 503, times: 10 });
    const controller = new AbortController();
    const started = Date.now();
    const call = client({ attempts: 10, timeoutMs: 20_000 })
      .request({ method: 'GET', path: TAG, signal: controller.signal })
      .catch((e) => e);
    await expect.poll(() => hits(TAG)).toBeGreaterThanOrEqual(1);
    controller.abort();
    expect(await call).toBeInstanceOf(HubCancelledError);
    const seen = hits(TAG);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hits(TAG)).toBe(seen);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('429', () => {
  const inside = [
    ['Retry-After in seconds', () => ({ 'Retry-After': '1' })],
    [
      'Retry-After as an HTTP date',
      () => ({ 'Retry-After': new Date(Date.now() + 1_500).toUTCString() }),
    ],
    [
      'X-Retry-After as a unix time',
      () => ({ 'X-Retry-After': String(Math.ceil(Date.now() / 1000) + 1) }),
    ],
  ] as const;

  it.each(inside)('waits when %s fits the budget, then succeeds', async (_form, headers) => {
    hub.inject({ method: 'GET', path: TAG, status: 429, headers: headers(), times: 1 });
    const started = Date.now();
    const response = await client({ timeoutMs: 5_000 }).request({ method: 'GET', path: TAG });
    expect(response.status).toBe(200);
    expect(hits(TAG)).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it.each([
    ['Retry-After in seconds', () => ({ 'Retry-After': '120' })],
    [
      'Retry-After as an HTTP date',
      () => ({ 'Retry-After': new Date(Date.now() + 120_000).toUTCString() }),
    ],
    [
      'X-Retry-After as a unix time',
      () => ({ 'X-Retry-After': String(Math.ceil(Date.now() / 1000) + 120) }),
    ],
  ] as const)(
    'fails at once, saying when, when %s is beyond the budget',
    async (_form, headers) => {
      hub.inject({ method: 'GET', path: TAG, status: 429, headers: headers(), times: 1 });
      const started = Date.now();
      const error = await client({ timeoutMs: 3_000 })
        .request({ method: 'GET', path: TAG })
        .catch((e) => e);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(error).toBeInstanceOf(HubResponseError);
      expect(error.status).toBe(429);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(118);
      expect(error.message).toMatch(/Retry in 1[12]\d s/);
      expect(hits(TAG)).toBe(1);
    },
  );

  it('a spent rate-limit budget fails fast, without sending, until it resets', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 60;
    hub.inject({
      method: 'GET',
      path: TAG,
      status: 200,
      body: { name: 'latest' },
      headers: {
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(reset),
      },
    });
    const spent = client();
    expect((await spent.request({ method: 'GET', path: TAG })).status).toBe(200);
    const error = await spent.request({ method: 'GET', path: TAGS }).catch((e) => e);
    expect(error).toBeInstanceOf(HubRateLimitedError);
    expect(error.message).toMatch(
      /rate limit for this credential is spent .* resets in (59|60|61) s/,
    );
    expect(hits(TAGS)).toBe(0);
  });
});

describe('bounds', () => {
  it('refuses an answer over the size cap without buffering it', async () => {
    const error = await client({ maxResponseBytes: 2_000 })
      .request({ method: 'GET', path: TAGS, query: { page_size: 100 } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubResponseTooLargeError);
    expect(error.message).toMatch(/over hubgate's 0 MiB cap|over hubgate's/);
    // The Hub still answers afterwards: nothing is wedged.
    expect((await client().request({ method: 'GET', path: TAG })).status).toBe(200);
  });

  it('takes a HEAD whose Content-Length (what a GET would send) is over the cap', async () => {
    hub.inject({ method: 'HEAD', path: TAG, status: 200, body: { padding: 'x'.repeat(5_000) } });
    const capped = client({ maxResponseBytes: 2_000 });
    const head = await capped.request({ method: 'HEAD', path: TAG });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(2_000);
    expect(head.body).toBeUndefined();
  });

  it('a Hub that never answers fails the call at its budget and leaves no socket open', async () => {
    hub.inject({ method: 'GET', path: TAG, delayMs: 60_000 });
    const started = Date.now();
    const error = await client({ timeoutMs: 400 })
      .request({ method: 'GET', path: TAG })
      .catch((e) => e);
    expect(error).toBeInstanceOf(HubTimeoutError);
    expect(error.message).toBe(`Docker Hub did not answer GET ${TAG} within 400 ms.`);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The stalled request's connection was closed by the client, not left to the Hub.
    await expect.poll(() => hub.apiRequests().find((r) => r.path === TAG)?.aborted).toBe(true);
  });
});

describe('frugality', () => {
  it('identical concurrent reads share one Hub request', async () => {
    hub.inject({ method: 'GET', path: TAG, delayMs: 150 });
    const shared = client();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => shared.request({ method: 'GET', path: TAG })),
    );
    expect(answers.every((a) => (a.body as { name?: string }).name === 'latest')).toBe(true);
    expect(hits(TAG)).toBe(1);
  });

  it('one caller cancelling leaves the shared request to the others', async () => {
    hub.inject({ method: 'GET', path: TAG, delayMs: 200 });
    const shared = client();
    const controller = new AbortController();
    const quitter = shared
      .request({ method: 'GET', path: TAG, signal: controller.signal })
      .catch((e) => e);
    const stayer = shared.request({ method: 'GET', path: TAG });
    controller.abort();
    expect(await quitter).toBeInstanceOf(HubCancelledError);
    expect((await stayer).status).toBe(200);
    expect(hits(TAG)).toBe(1);
  });

  it('reuses a read for its time to live, then asks again', async () => {
    const cached = client({ cacheTtlMs: 300 });
    await cached.request({ method: 'GET', path: TAG });
    await cached.request({ method: 'GET', path: TAG });
    expect(hits(TAG)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await cached.request({ method: 'GET', path: TAG });
    expect(hits(TAG)).toBe(2);
  });

  it('skips the cache where freshness matters', async () => {
    const cached = client({ cacheTtlMs: 10_000 });
    await cached.request({ method: 'GET', path: TAG }, { cache: false });
    await cached.request({ method: 'GET', path: TAG }, { cache: false });
    expect(hits(TAG)).toBe(2);
  });

  it('a write clears the cached reads of its identity', async () => {
    const cached = client({ cacheTtlMs: 10_000 });
    const before = await cached.request({ method: 'GET', path: REPO });
    await cached.request({ method: 'GET', path: REPO });
    expect(hits(REPO)).toBe(1);
    await cached.request({ method: 'PATCH', path: REPO, body: { description: 'changed' } });
    const after = await cached.request({ method: 'GET', path: REPO });
    expect(hits(REPO)).toBe(3);
    expect((after.body as { description: string }).description).toBe('changed');
    expect((before.body as { description: string }).description).not.toBe('changed');
  });

  it('does not share a cache between identities', async () => {
    const one = client({ cacheTtlMs: 10_000 });
    const other = client({ cacheTtlMs: 10_000 });
    await one.request({ method: 'GET', path: TAG });
    await other.request({ method: 'GET', path: TAG });
    expect(hits(TAG)).toBe(2);
  });
});
