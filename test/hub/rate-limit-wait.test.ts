/**
 * A call that waits for a 429's Retry-After waits for the credential's block, not only its own:
 * concurrent calls' 429s answered later move the block, and a timer may fire a millisecond before
 * the wall clock says the block is over. Either way the call waits on when that fits its budget,
 * and sends nothing while the block lasts. Fake timers and a scripted connection: no network, and
 * every time below is exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubClient } from '../../src/hub/client.js';
import { HubConnection, type HubRequest, type HubResponse } from '../../src/hub/connection.js';
import { HubRateLimitedError, HubResponseError } from '../../src/hub/errors.js';

interface Sent {
  path: string;
  at: number;
}

/** Closed after each test; they never open a socket, but they own an undici Agent. */
const opened: HubConnection[] = [];

/**
 * A connection whose n-th request to a path is answered by `answer(path, n)` after its delay; it
 * notes when each request was sent, in ms since T0 on `clock`.
 */
class ScriptedConnection extends HubConnection {
  readonly sent: Sent[] = [];
  constructor(
    timeoutMs: number,
    private readonly answer: (
      path: string,
      n: number,
    ) => { delayMs: number; response: HubResponse },
    private readonly clock: () => number = () => Date.now(),
  ) {
    super({ baseUrl: 'http://127.0.0.1:9', timeoutMs, userAgent: 'hubgate-test' });
    opened.push(this);
  }
  override async send(request: HubRequest): Promise<HubResponse> {
    const n = this.sent.filter((s) => s.path === request.path).length + 1;
    this.sent.push({ path: request.path, at: this.clock() - T0 });
    const { delayMs, response } = this.answer(request.path, n);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return response;
  }
}

const T0 = Date.UTC(2030, 0, 1);
const tooMany = (retryAfter: number): HubResponse => ({
  status: 429,
  headers: { 'retry-after': String(retryAfter) },
  body: { message: 'slow down' },
});
const ok: HubResponse = { status: 200, headers: {}, body: { ok: true } };

function client(connection: HubConnection, now: () => number = () => Date.now()): HubClient {
  return new HubClient(connection, undefined, undefined, { cacheTtlMs: 0, now });
}

/** Why a call failed, or undefined when it did not. */
const reason = (result: PromiseSettledResult<unknown> | undefined): unknown =>
  result?.status === 'rejected' ? result.reason : undefined;

/** Runs the calls to completion on fake time and says how each ended. */
async function settle<T>(calls: Promise<T>[], ms: number) {
  const settled = Promise.allSettled(calls);
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

describe('waiting out a 429', () => {
  it('a call whose wait ends while a later 429 still blocks the credential waits on, then sends', async () => {
    // /a is refused at once, /b 100 ms later: the block ends at 1100, not at /a's 1000.
    const connection = new ScriptedConnection(4_000, (path, n) =>
      n === 1
        ? { delayMs: path === '/a' ? 0 : 100, response: tooMany(1) }
        : { delayMs: 0, response: ok },
    );
    const hub = client(connection);
    const [a, b] = await settle(
      [hub.request({ method: 'GET', path: '/a' }), hub.request({ method: 'GET', path: '/b' })],
      3_000,
    );
    expect(a).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    const inOrder = (x: Sent, y: Sent) => x.at - y.at || x.path.localeCompare(y.path);
    expect(connection.sent.sort(inOrder)).toEqual([
      { path: '/a', at: 0 },
      { path: '/b', at: 0 },
      { path: '/a', at: 1_100 },
      { path: '/b', at: 1_100 },
    ]);
  });

  it('a timer that fires just before the wall clock reaches the end of the block is waited past', async () => {
    // A wall clock a little slower than the timers' (NTP slews it by up to 500 ppm; libuv's
    // cached loop time does the same by a millisecond or so): 1000 ms of timers read as 999.
    const clock = () => T0 + Math.floor((Date.now() - T0) * 0.999);
    const connection = new ScriptedConnection(
      4_000,
      (_path, n) => ({ delayMs: 0, response: n === 1 ? tooMany(1) : ok }),
      clock,
    );
    const [result] = await settle(
      [client(connection, clock).request({ method: 'GET', path: '/a' })],
      2_000,
    );
    expect(result).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(connection.sent).toHaveLength(2);
    // Sent again once the clock the block was set on had reached its end, and not much later.
    expect(connection.sent[1]?.at).toBeGreaterThanOrEqual(1_000);
    expect(connection.sent[1]?.at).toBeLessThan(1_005);
  });

  it('a block that moves beyond the budget while a call waits refuses it unsent, saying when', async () => {
    const connection = new ScriptedConnection(2_000, (path, n) =>
      n === 1
        ? { delayMs: path === '/a' ? 0 : 100, response: tooMany(path === '/a' ? 1 : 5) }
        : { delayMs: 0, response: ok },
    );
    const hub = client(connection);
    const [a, b] = await settle(
      [hub.request({ method: 'GET', path: '/a' }), hub.request({ method: 'GET', path: '/b' })],
      3_000,
    );
    expect(reason(a)).toBeInstanceOf(HubRateLimitedError);
    expect(String(reason(a))).toMatch(/resets in 5 s\. GET \/a was not sent/);
    // /b's own wait never fitted its budget: it answers the 429 it was given.
    expect(reason(b)).toBeInstanceOf(HubResponseError);
    expect(connection.sent).toEqual([
      { path: '/a', at: 0 },
      { path: '/b', at: 0 },
    ]);
  });

  it('a call that starts while the credential is blocked is refused at once, unsent', async () => {
    const connection = new ScriptedConnection(4_000, (path, n) => ({
      delayMs: 0,
      response: path === '/a' && n === 1 ? tooMany(1) : ok,
    }));
    const hub = client(connection);
    const a = hub.request({ method: 'GET', path: '/a' });
    await vi.advanceTimersByTimeAsync(10);
    const [late] = await settle([hub.request({ method: 'GET', path: '/late' })], 0);
    expect(reason(late)).toBeInstanceOf(HubRateLimitedError);
    const [first] = await settle([a], 2_000);
    expect(first).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(connection.sent.map((s) => s.path)).toEqual(['/a', '/a']);
  });
});
