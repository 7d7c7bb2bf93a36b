/**
 * The service's limits: tool calls per minute per agent (across its sessions, never another
 * agent's), idle sessions closed and freed, and a cap on open sessions.
 */
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RATE_LIMITED } from '../../src/gateway/rejection.js';
import {
  authorization,
  callTool,
  initializeBody,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startService,
} from './helpers.js';

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const NGINX = { namespace: 'library', repository: 'nginx' };
const tagArgs = (tag: string) => ({ ...NGINX, tag });

describe('the per-agent rate limit', () => {
  it('refuses the 4th quick call of an agent limited to 3 a minute, with RATE_LIMITED and when to retry', async () => {
    h = await startService({
      agents: {
        limited: { grants: ['repo:library/*=read'] },
        other: { grants: ['repo:library/*=read'] },
      },
      options: { defaultCallsPerMinute: 3 },
    });
    const service = h;
    const first = await service.connectHttp(service.keys.limited);
    // A second session of the same agent shares its budget.
    const second = await service.connectSse(service.keys.limited);
    const bystander = await service.connectHttp(service.keys.other);
    service.hub.clearRequests();

    for (const tag of ['1.0', '1.1']) {
      expect((await callTool(first.client, 'get_tag', tagArgs(tag))).isError).toBe(false);
    }
    expect((await callTool(second.client, 'get_tag', tagArgs('1.2'))).isError).toBe(false);
    const refused = await callTool(first.client, 'get_tag', tagArgs('1.3')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(McpError);
    const error = refused as McpError;
    expect(error.code).toBe(RATE_LIMITED);
    expect(RATE_LIMITED).toBe(-32029);
    expect(error.message).toMatch(/Agent "limited" is over its rate limit/);
    const retry = Number(/retry in (\d+) s/.exec(error.message)?.[1]);
    expect(retry).toBeGreaterThanOrEqual(1);
    // A fixed one-minute window: the next call is at most a minute away.
    expect(retry).toBeLessThanOrEqual(60);
    expect(error.data).toEqual({ retry_after_seconds: retry });
    // The other session of the same agent is refused too.
    await expect(callTool(second.client, 'get_tag', tagArgs('1.4'))).rejects.toMatchObject({
      code: RATE_LIMITED,
    });

    // Recorded as denied, and nothing was sent for the refused calls. The first refusal of a
    // burst is recorded with its arguments; the ones within a second of it are counted into one
    // record when the second is up.
    const limitedRecords = () => service.audit.filter((record) => record.agent === 'limited');
    await expect.poll(limitedRecords, { timeout: 3_000 }).toHaveLength(5);
    const limited = limitedRecords();
    expect(limited.map((record) => [record.outcome, record.arguments])).toEqual([
      ['ok', tagArgs('1.0')],
      ['ok', tagArgs('1.1')],
      ['ok', tagArgs('1.2')],
      ['denied', tagArgs('1.3')],
      ['denied', {}],
    ]);
    expect(limited[3]).toMatchObject({
      decision: 'deny',
      tool: 'get_tag',
      session: first.sessionId,
      hub_status: null,
      reason: expect.stringMatching(/^rate limit: retry in \d+ s$/),
    });
    expect(limited[3]).not.toHaveProperty('count');
    expect(limited[4]).toMatchObject({
      decision: 'deny',
      tool: 'get_tag',
      session: second.sessionId,
      count: 1,
      tools: { get_tag: 1 },
      reason: expect.stringMatching(/^rate limit: 1 more call refused within 1000 ms/),
    });
    expect(service.hub.apiRequests().map((request) => request.path)).toEqual(
      ['1.0', '1.1', '1.2'].map((tag) => `/v2/namespaces/library/repositories/nginx/tags/${tag}`),
    );

    // Another agent has a budget of its own.
    for (const tag of ['1.5', '1.6', '1.7']) {
      expect((await callTool(bystander.client, 'get_tag', tagArgs(tag))).isError).toBe(false);
    }
    const metrics = await service.metrics.registry.metrics();
    expect(metrics).toContain(
      'hubgate_tool_calls_total{agent="limited",tool="get_tag",outcome="denied"} 2',
    );
    expect(metrics).toContain(
      'hubgate_tool_calls_total{agent="other",tool="get_tag",outcome="ok"} 3',
    );
  });

  it('records a batch of 20 rate-limited calls as two records, the second with a count of 19', async () => {
    h = await startService({
      agents: { limited: { grants: ['repo:library/*=read'], callsPerMinute: 1 } },
    });
    const service = h;
    const headers = { ...PROTOCOL_HEADERS, ...authorization(service.keys.limited) };
    const opened = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers,
      body: JSON.stringify(initializeBody(1)),
    });
    const session = opened.headers.get('mcp-session-id') ?? '';
    await opened.body?.cancel();
    // The agent's one call of the minute, from another session.
    const other = await service.connectHttp(service.keys.limited);
    expect((await callTool(other.client, 'get_tag', tagArgs('1.0'))).isError).toBe(false);
    service.hub.clearRequests();
    const batch = Array.from({ length: 20 }, (_, i) => ({
      jsonrpc: '2.0',
      id: i + 2,
      method: 'tools/call',
      params: { name: 'get_tag', arguments: tagArgs(`1.${i}`) },
    }));
    const answered = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify(batch),
    });
    const text = await answered.text();
    expect(text.match(/"code":-32029/g)).toHaveLength(20);
    const refusals = () => service.audit.filter((record) => record.outcome === 'denied');
    expect(service.audit).toHaveLength(2); // the allowed call's, and the batch's first refusal
    await expect.poll(refusals, { timeout: 3_000 }).toHaveLength(2);
    const [first, rest] = refusals();
    expect(first).toMatchObject({ tool: 'get_tag', arguments: tagArgs('1.0') });
    expect(first).not.toHaveProperty('count');
    expect(rest).toMatchObject({ tool: 'get_tag', count: 19, tools: { get_tag: 19 } });
    expect(service.hub.apiRequests()).toEqual([]);
  });

  it("takes an agent's rate_limit.calls_per_minute from the config over the default", async () => {
    h = await startService({
      agents: {
        capped: { grants: ['repo:library/*=read'], callsPerMinute: 3 },
        roomy: { grants: ['repo:library/*=read'] },
      },
      options: { defaultCallsPerMinute: 1000 },
    });
    const service = h;
    const capped = await service.connectHttp(service.keys.capped);
    const roomy = await service.connectHttp(service.keys.roomy);
    const outcomes = [];
    for (const tag of ['1.0', '1.1', '1.2', '1.3']) {
      outcomes.push(
        await callTool(capped.client, 'get_tag', tagArgs(tag)).then(
          () => 'ok',
          (error: McpError) => error.code,
        ),
      );
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', RATE_LIMITED]);
    const roomyCalls = await Promise.all(
      ['1.4', '1.5', '1.6', '1.7', '1.8'].map((tag) =>
        callTool(roomy.client, 'get_tag', tagArgs(tag)),
      ),
    );
    expect(roomyCalls.every((call) => !call.isError)).toBe(true);
    expect(service.audit.filter((record) => record.outcome === 'denied')).toEqual([
      expect.objectContaining({ agent: 'capped', arguments: tagArgs('1.3') }),
    ]);
  });
});

describe('idle sessions', () => {
  it('closes and frees a session left idle, keeps a busy one, and then answers its id 404', async () => {
    h = await startService({
      agents: { idler: { grants: ['repo:library/*=read'] } },
      options: { sessionIdleMs: 300 },
    });
    const service = h;
    const idleHttp = await service.connectHttp(service.keys.idler);
    const idleSse = await service.connectSse(service.keys.idler);
    const busy = await service.connectHttp(service.keys.idler);
    expect(service.service.sessions.size).toBe(3);

    // The busy session calls every 50 ms until both idle ones are gone.
    let stop = false;
    const calls = (async () => {
      let n = 0;
      while (!stop) {
        await callTool(busy.client, 'get_tag', tagArgs(`1.${n++ % 20}`));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return n;
    })();
    try {
      await expect
        .poll(() => service.service.sessions.all().map((session) => session.id), {
          timeout: 3_000,
          interval: 50,
        })
        .toEqual([busy.sessionId]);
    } finally {
      stop = true;
    }
    expect(await calls).toBeGreaterThanOrEqual(3);
    expect(service.service.sessions.count('sse')).toBe(0);
    // (An EventSource reconnects on its own after a closed stream: stop it doing so.)
    await idleSse.close();

    const stale = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: {
        ...PROTOCOL_HEADERS,
        'mcp-session-id': idleHttp.sessionId,
        ...authorization(service.keys.idler),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(stale.status).toBe(404);
    const staleSse = await fetch(`${service.url}/messages?sessionId=${idleSse.sessionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(service.keys.idler) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(staleSse.status).toBe(404);
    await expect(idleHttp.client.listTools()).rejects.toMatchObject({ code: 404 });

    // Once the busy one stops too, it goes the same way.
    await expect
      .poll(() => service.service.sessions.size, { timeout: 3_000, interval: 50 })
      .toBe(0);
  });

  it('does not close a session while one of its calls is in flight', async () => {
    h = await startService({
      agents: { slow: { grants: ['repo:library/*=read'] } },
      options: { sessionIdleMs: 300 },
    });
    const service = h;
    const viaHttp = await service.connectHttp(service.keys.slow);
    const viaSse = await service.connectSse(service.keys.slow);
    // Each call waits 0.8 s for Docker Hub: longer than the idle timeout, far shorter than a call's.
    for (const tag of ['1.20', '1.21']) {
      service.hub.inject({
        path: `/v2/namespaces/library/repositories/nginx/tags/${tag}`,
        delayMs: 800,
      });
    }
    const settled = await Promise.allSettled([
      callTool(viaHttp.client, 'get_tag', tagArgs('1.20'), { timeout: 2_500 }),
      callTool(viaSse.client, 'get_tag', tagArgs('1.21'), { timeout: 2_500 }),
    ]);
    expect(
      settled.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value.json?.name : String(outcome.reason),
      ),
    ).toEqual(['1.20', '1.21']);
    // The Hub answered both and the audit says so: the answers must have reached the agent too.
    expect(service.audit.map((record) => record.outcome)).toEqual(['ok', 'ok']);
  });
});

describe('the session cap', () => {
  it('answers a third initialize 503 when maxSessions is 2, and takes one again when a slot frees', async () => {
    h = await startService({
      agents: { a: { grants: ['repo:library/*=read'] }, b: { grants: ['repo:library/*=read'] } },
      options: { maxSessions: 2 },
    });
    const service = h;
    const first = await service.connectHttp(service.keys.a);
    await service.connectSse(service.keys.b);
    expect(service.service.sessions.size).toBe(2);

    const third = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.b) },
      body: JSON.stringify(initializeBody()),
    });
    expect(third.status).toBe(503);
    expect(third.headers.get('mcp-session-id')).toBeNull();
    expect(await third.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringMatching(/Too many sessions \(2\)/) },
    });
    const sse = await fetch(`${service.url}/sse`, { headers: authorization(service.keys.b) });
    expect(sse.status).toBe(503);
    await expect(service.connectHttp(service.keys.a)).rejects.toMatchObject({ code: 503 });
    expect(service.service.sessions.size).toBe(2);

    // Open sessions are unaffected by the cap.
    expect((await callTool(first.client, 'get_tag', tagArgs('latest'))).isError).toBe(false);

    // Ending one (DELETE) frees its slot.
    const transport = first.client.transport as { terminateSession(): Promise<void> } | undefined;
    await transport?.terminateSession();
    expect(service.service.sessions.size).toBe(1);
    const again = await service.connectHttp(service.keys.b);
    expect(again.sessionId).not.toBe(first.sessionId);
    expect(service.service.sessions.size).toBe(2);
  });

  it('holds one agent to its own cap, so it cannot take the slots of the others', async () => {
    h = await startService({
      agents: { a: { grants: ['repo:library/*=read'] }, b: { grants: ['repo:library/*=read'] } },
      options: { maxSessions: 10, maxSessionsPerAgent: 2 },
    });
    const service = h;
    await service.connectHttp(service.keys.a);
    await service.connectSse(service.keys.a);
    const third = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.a) },
      body: JSON.stringify(initializeBody()),
    });
    expect(third.status).toBe(503);
    expect(await third.json()).toMatchObject({
      error: { message: expect.stringMatching(/^Agent "a" has 2 sessions open, its limit/) },
    });
    expect(
      (await fetch(`${service.url}/sse`, { headers: authorization(service.keys.a) })).status,
    ).toBe(503);
    // The other agent still gets in.
    const other = await service.connectHttp(service.keys.b);
    expect((await callTool(other.client, 'get_tag', tagArgs('latest'))).isError).toBe(false);
    expect(service.service.sessions.size).toBe(3);
  });

  it('holds no slot for an initialize the transport refuses (406, 415)', async () => {
    h = await startService({
      agents: { a: { grants: ['repo:library/*=read'] } },
      options: { maxSessions: 2 },
    });
    const service = h;
    const refusals: [number, Record<string, string>][] = [
      // Not accepting text/event-stream: 406.
      [406, { 'content-type': 'application/json', accept: 'application/json' }],
      // Not sent as application/json: 415.
      [415, { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' }],
    ];
    for (const [status, headers] of refusals) {
      const response = await fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: { ...headers, ...authorization(service.keys.a) },
        body: JSON.stringify(initializeBody()),
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('mcp-session-id')).toBeNull();
    }
    // Nobody was given a session id, so no session may be held open for it.
    expect(service.service.sessions.size).toBe(0);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toContain(
      'hubgate_sessions_open{transport="http"} 0',
    );
    // And both slots are still there for clients that initialize properly.
    await service.connectHttp(service.keys.a);
    await service.connectHttp(service.keys.a);
    expect(service.service.sessions.size).toBe(2);
  });
});
