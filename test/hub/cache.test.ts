/**
 * The read cache: bounded by entries and by bytes, least recently used out first, nothing kept
 * past its TTL, an answer too large for the bound not kept at all; and, through the client, what
 * an answer weighs and that a write clears its identity's reads.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReadCache, type ReadCacheOptions } from '../../src/hub/cache.js';
import { HubClient, type HubClientOptions } from '../../src/hub/client.js';
import { HubConnection, type HubRequest, type HubResponse } from '../../src/hub/connection.js';

const cache = (options: Partial<ReadCacheOptions<string>> = {}) =>
  new ReadCache<string>({ ttlMs: 10_000, sizeOf: (value) => value.length, ...options });

const bytes = (n: number, fill = 'x') => fill.repeat(n);

/** Closed after each test; they never open a socket, but they own an undici Agent. */
const opened: HubConnection[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

describe('ReadCache', () => {
  it('over its byte bound, drops the least recently used answers, not the oldest', () => {
    const c = cache({ maxBytes: 100 });
    c.set('a', bytes(40, 'a'));
    c.set('b', bytes(40, 'b'));
    expect(c.get('a')).toBe(bytes(40, 'a')); // a is now the more recently used
    c.set('c', bytes(40, 'c'));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(bytes(40, 'a'));
    expect(c.get('c')).toBe(bytes(40, 'c'));
    expect(c.bytes).toBe(80);
  });

  it('drops as many answers as it takes to make room for a big one', () => {
    const c = cache({ maxBytes: 100 });
    for (const key of ['a', 'b', 'c', 'd']) c.set(key, bytes(25));
    c.set('big', bytes(90));
    expect(['a', 'b', 'c', 'd'].map((key) => c.get(key))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(c.get('big')).toBe(bytes(90));
    expect(c.bytes).toBe(90);
  });

  it('does not keep an answer larger than its byte bound, and keeps the others', () => {
    const c = cache({ maxBytes: 100 });
    c.set('small', bytes(10));
    c.set('huge', bytes(101));
    expect(c.get('huge')).toBeUndefined();
    expect(c.get('small')).toBe(bytes(10));
    expect(c.size).toBe(1);
  });

  it('an oversized answer for a cached key drops the old answer rather than serving it', () => {
    const c = cache({ maxBytes: 100 });
    c.set('k', 'old');
    c.set('k', bytes(101));
    expect(c.get('k')).toBeUndefined();
  });

  it('over its entry bound, drops the least recently used entry', () => {
    const c = cache({ maxEntries: 2 });
    c.set('a', 'A');
    c.set('b', 'B');
    c.get('a');
    c.set('c', 'C');
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('does not serve an entry past its TTL', () => {
    let now = 1_000;
    const c = cache({ ttlMs: 500, now: () => now });
    c.set('k', 'v');
    now += 500;
    expect(c.get('k')).toBe('v');
    now += 1;
    expect(c.get('k')).toBeUndefined();
  });

  it('lets go of expired entries that nobody asks for again', () => {
    vi.useFakeTimers();
    const c = cache({ ttlMs: 500, now: () => Date.now() });
    c.set('a', bytes(40));
    c.set('b', bytes(40));
    vi.advanceTimersByTime(250);
    c.set('c', bytes(40));
    vi.advanceTimersByTime(300);
    // a and b expired and were purged without a look-up; c has 200 ms left.
    expect(c.size).toBe(1);
    expect(c.bytes).toBe(40);
    vi.advanceTimersByTime(300);
    expect(c.size).toBe(0);
    expect(c.bytes).toBe(0);
  });

  it('with a TTL of 0 keeps nothing', () => {
    const c = cache({ ttlMs: 0 });
    c.set('k', 'v');
    expect(c.get('k')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('clear() empties it', () => {
    const c = cache();
    c.set('a', 'A');
    c.set('b', 'B');
    c.clear();
    expect([c.size, c.bytes, c.get('a')]).toEqual([0, 0, undefined]);
  });
});

/** A connection that answers from a function and counts what it was asked, with no network. */
class ScriptedConnection extends HubConnection {
  readonly sent: string[] = [];
  constructor(private readonly answer: (request: HubRequest) => HubResponse) {
    super({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 1_000, userAgent: 'hubgate-test' });
    opened.push(this);
  }
  override async send(request: HubRequest): Promise<HubResponse> {
    this.sent.push(`${request.method} ${request.path}`);
    return this.answer(request);
  }
}

function scripted(answer: (request: HubRequest) => HubResponse, options: HubClientOptions = {}) {
  const connection = new ScriptedConnection(answer);
  const client = new HubClient(connection, undefined, undefined, {
    cacheTtlMs: 10_000,
    ...options,
  });
  const count = (call: string) => connection.sent.filter((s) => s === call).length;
  return { client, count };
}

const json = (body: unknown, headers: Record<string, string> = {}): HubResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

describe('the client and its cache', () => {
  it('weighs an answer without Content-Length by its JSON text', async () => {
    const { client, count } = scripted(
      (request) => json({ padding: bytes(request.path === '/big' ? 2_000 : 200) }),
      { cacheMaxBytes: 1_000 },
    );
    for (let i = 0; i < 2; i++) {
      await client.request({ method: 'GET', path: '/big' });
      await client.request({ method: 'GET', path: '/small' });
    }
    expect(count('GET /big')).toBe(2);
    expect(count('GET /small')).toBe(1);
  });

  it('weighs an answer by its Content-Length when it has one', async () => {
    // A body of the same size either way: only the Content-Length tells them apart.
    const { client, count } = scripted(
      (request) => json({ n: 1 }, { 'content-length': request.path === '/big' ? '2000' : '7' }),
      { cacheMaxBytes: 1_000 },
    );
    for (let i = 0; i < 2; i++) {
      await client.request({ method: 'GET', path: '/big' });
      await client.request({ method: 'GET', path: '/small' });
    }
    expect(count('GET /big')).toBe(2);
    expect(count('GET /small')).toBe(1);
  });

  it('caches an answer with no body and no headers', async () => {
    const { client, count } = scripted(() => ({ status: 200, headers: {}, body: undefined }));
    await client.request({ method: 'HEAD', path: '/thing' });
    await client.request({ method: 'HEAD', path: '/thing' });
    expect(count('HEAD /thing')).toBe(1);
  });

  it("a write clears the identity's cached reads", async () => {
    const { client, count } = scripted(() => json({ ok: true }));
    await client.request({ method: 'GET', path: '/a' });
    await client.request({ method: 'GET', path: '/b' });
    await client.request({ method: 'PATCH', path: '/a', body: {} });
    await client.request({ method: 'GET', path: '/a' });
    await client.request({ method: 'GET', path: '/b' });
    expect([count('GET /a'), count('GET /b')]).toEqual([2, 2]);
  });
});
