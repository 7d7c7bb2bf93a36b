import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubClient } from '../../src/hub/client.js';
import { HubConnection } from '../../src/hub/connection.js';
import {
  HubAuthError,
  HubResponseError,
  HubTimeoutError,
  hubMessageOf,
} from '../../src/hub/errors.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';
import { ALICE_READ, startHarness } from '../helpers/harness.js';

let hub: FakeHub;
const connections: HubConnection[] = [];

function clientFor(credential = ALICE_READ, timeoutMs = 5_000) {
  const connection = new HubConnection({ baseUrl: hub.url, timeoutMs, userAgent: 'hubgate-test' });
  connections.push(connection);
  return new HubClient(connection, credential, undefined, { cacheTtlMs: 0 });
}

const tagPath = '/v2/namespaces/library/repositories/nginx/tags/latest';
const privatePath = '/v2/namespaces/acme/repositories/app';

beforeAll(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  hub.clearFaults();
  hub.clearRequests();
  await Promise.all(connections.splice(0).map((c) => c.close()));
});
afterAll(() => hub.close());

describe('token exchange', () => {
  it('exchanges the credential once, then sends the bearer on every call', async () => {
    const client = clientFor();
    await client.request({ method: 'GET', path: privatePath });
    await client.request({ method: 'GET', path: privatePath });
    const [exchange, ...calls] = hub.requests;
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/v2/auth/token',
      body: { identifier: 'alice', secret: SEED.pats.aliceRead },
    });
    expect(exchange?.headers.authorization).toBeUndefined();
    expect(calls).toHaveLength(2);
    for (const call of calls)
      expect(call.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(hub.tokenExchanges()).toBe(1);
  });

  it('shares one exchange between concurrent calls', async () => {
    const client = clientFor();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.request({ method: 'GET', path: privatePath })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(hub.tokenExchanges()).toBe(1);
  });

  it('refreshes once after a 401 and retries the call once', async () => {
    const client = clientFor();
    await client.request({ method: 'GET', path: privatePath });
    hub.revokeTokens();
    const response = await client.request({ method: 'GET', path: privatePath });
    expect(response.status).toBe(200);
    expect(hub.tokenExchanges()).toBe(2);
    expect(hub.apiRequests().map((r) => r.path)).toEqual([privatePath, privatePath, privatePath]);
  });

  it('gives up after one refresh when the Hub keeps answering 401', async () => {
    const client = clientFor();
    hub.inject({ path: privatePath, status: 401, body: { detail: 'token expired' }, times: 5 });
    const error = await client.request({ method: 'GET', path: privatePath }).catch((e) => e);
    expect(error).toBeInstanceOf(HubResponseError);
    expect(error.status).toBe(401);
    expect(error.message).toContain('token expired');
    expect(hub.apiRequests()).toHaveLength(2);
    expect(hub.tokenExchanges()).toBe(2);
  });

  it('reports a refused credential without revealing the secret', async () => {
    const client = clientFor({ username: 'alice', secret: 'dckr_pat_wrong_canary' });
    const error = await client.request({ method: 'GET', path: privatePath }).catch((e) => e);
    expect(error).toBeInstanceOf(HubAuthError);
    expect(error.message).toMatch(/Docker Hub refused the credential for "alice" \(HTTP 401/);
    expect(error.message).not.toContain('dckr_pat_wrong_canary');
    expect(hub.apiRequests()).toEqual([]);
  });
});

describe('anonymous mode', () => {
  it('sends no Authorization and sees public data only', async () => {
    const connection = new HubConnection({ baseUrl: hub.url, timeoutMs: 5_000, userAgent: 't' });
    connections.push(connection);
    const client = new HubClient(connection);
    expect((await client.request({ method: 'GET', path: tagPath })).status).toBe(200);
    await expect(client.request({ method: 'GET', path: privatePath })).rejects.toMatchObject({
      status: 404,
    });
    expect(hub.tokenExchanges()).toBe(0);
    expect(hub.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('faults', () => {
  it('turns a 429 into an error that says when to retry', async () => {
    const client = clientFor();
    hub.inject({
      path: tagPath,
      status: 429,
      retryAfterSeconds: 30,
      body: { detail: 'Rate limit exceeded' },
    });
    const error = await client.request({ method: 'GET', path: tagPath }).catch((e) => e);
    expect(error).toBeInstanceOf(HubResponseError);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(error.message).toMatch(/answered 429 .*Rate limit exceeded\. Retry in (29|30) s/);
  });

  it('fails a call that outlasts its time budget, promptly', async () => {
    const client = clientFor(ALICE_READ, 300);
    await client.request({ method: 'GET', path: tagPath }); // token in hand
    hub.inject({ path: tagPath, delayMs: 5_000 });
    const started = Date.now();
    const error = await client.request({ method: 'GET', path: tagPath }).catch((e) => e);
    expect(error).toBeInstanceOf(HubTimeoutError);
    expect(error.message).toBe(`Docker Hub did not answer GET ${tagPath} within 300 ms.`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('notes the rate-limit headers of the last answer', async () => {
    const client = clientFor();
    await client.request({ method: 'GET', path: tagPath });
    const first = client.rateLimit.remaining as number;
    await client.request({ method: 'GET', path: tagPath });
    expect(client.rateLimit.limit).toBe(1000);
    expect(client.rateLimit.remaining).toBe(first - 1);
    expect(client.rateLimit.resetAt).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('cancellation', () => {
  it('a cancelled tool call aborts the Hub request', async () => {
    const h = await startHarness({ hub, credential: ALICE_READ });
    try {
      hub.inject({ path: tagPath, delayMs: 10_000 });
      const controller = new AbortController();
      const call = h.call(
        'get_tag',
        { namespace: 'library', repository: 'nginx', tag: 'latest' },
        controller.signal,
      );
      await expect.poll(() => hub.apiRequests().length).toBe(1);
      controller.abort();
      await expect(call).rejects.toThrow();
      await expect.poll(() => hub.apiRequests()[0]?.aborted).toBe(true);
      await expect.poll(() => h.audit.length).toBe(1);
      expect(h.audit[0]).toMatchObject({
        tool: 'get_tag',
        decision: 'allow',
        outcome: 'error',
        hub_status: null,
      });
    } finally {
      await h.close();
    }
  });
});

describe('hubMessageOf', () => {
  it('reads detail, message, errinfo and txnid', () => {
    expect(hubMessageOf({ detail: 'nope' })).toEqual({ message: 'nope' });
    expect(hubMessageOf({ message: 'bad', errinfo: { field: 'name' }, txnid: 'abc' })).toEqual({
      message: 'bad {"field":"name"}',
      txnid: 'abc',
    });
    expect(hubMessageOf('  plain text ')).toEqual({ message: 'plain text' });
    expect(hubMessageOf(undefined)).toEqual({});
  });
});
