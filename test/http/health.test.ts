/**
 * /metrics, /healthz and /readyz, and the in-process shutdown: /readyz turns 503 and new MCP
 * requests are refused while a call in flight still gets its answer.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callTool, type ServiceHarness, startService } from './helpers.js';

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/metrics, /healthz and /readyz', () => {
  it('counts a tool call, the Hub requests, open sessions and the Hub rate limit', async () => {
    h = await startService({
      agents: {
        reader: { credential: 'alice', grants: ['repo:library/*=read'] },
        watcher: { grants: ['repo:library/*=read'] },
      },
    });
    const service = h;
    const before = await (await fetch(`${service.url}/metrics`)).text();
    expect(before).not.toMatch(/^hubgate_tool_calls_total\{/m);
    expect(before).toContain('hubgate_sessions_open{transport="http"} 0');

    const reader = await service.connectHttp(service.keys.reader);
    await service.connectSse(service.keys.watcher);
    const result = await callTool(reader.client, 'get_tag', {
      namespace: 'library',
      repository: 'nginx',
      tag: 'latest',
    });
    expect(result.json).toMatchObject({ name: 'latest' });

    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain(
      'hubgate_tool_calls_total{agent="reader",tool="get_tag",outcome="ok"} 1\n',
    );
    expect(text.match(/^hubgate_tool_calls_total\{.*$/gm)).toHaveLength(1);
    // The token exchange and the tag: two answers of 200 from the Hub.
    expect(text).toContain('hubgate_hub_requests_total{status="200"} 2\n');
    expect(text).toContain('hubgate_sessions_open{transport="http"} 1\n');
    expect(text).toContain('hubgate_sessions_open{transport="sse"} 1\n');
    expect(text).toMatch(/^hubgate_hub_ratelimit_remaining\{credential="alice"\} \d+$/m);
    expect(text).toContain('hubgate_tool_call_duration_seconds_count{tool="get_tag"} 1\n');

    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

/** Sends the start of a request now and the rest later, so its connection is busy meanwhile. */
async function splitRequest(port: number, head: string) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return {
    async finish(rest: string): Promise<{ status: number; body: string }> {
      socket.write(rest);
      await expect.poll(() => /\r\n\r\n[\s\S]*\}/.test(received), { timeout: 3_000 }).toBe(true);
      socket.destroy();
      await ended;
      const [headers = '', body = ''] = received.split('\r\n\r\n');
      const chunked = /transfer-encoding: chunked/i.test(headers);
      return {
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1]),
        body: chunked ? (body.split('\r\n')[1] ?? '') : body,
      };
    },
  };
}

describe('shutdown', () => {
  it('turns /readyz 503 and refuses new MCP requests while a call in flight completes', async () => {
    h = await startService({
      agents: { reader: { credential: 'alice', grants: ['repo:library/*=read'] } },
    });
    const service = h;
    const reader = await service.connectHttp(service.keys.reader);
    const path = '/v2/namespaces/library/repositories/nginx/tags/1.27';
    service.hub.inject({ path, delayMs: 600 });
    const inFlight = callTool(reader.client, 'get_tag', {
      namespace: 'library',
      repository: 'nginx',
      tag: '1.27',
    });
    await expect
      .poll(() => service.hub.requests.some((request) => request.path === path))
      .toBe(true);

    // Two requests already under way on their connections when shutdown starts.
    const host = `Host: 127.0.0.1:${service.port}\r\n`;
    const readyz = await splitRequest(service.port, 'GET /readyz HTTP/1.1\r\n');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const mcp = await splitRequest(service.port, 'POST /mcp HTTP/1.1\r\n');
    const stopped = service.service.shutdown(5_000);
    const ready = await readyz.finish(`${host}\r\n`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting down' });
    const refused = await mcp.finish(
      `${host}Authorization: Bearer ${service.keys.reader}\r\n` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
        `Mcp-Session-Id: ${reader.sessionId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { message: 'hubgate is shutting down' },
    });

    // The call under way still completes, with its result and its audit record.
    const result = await inFlight;
    expect(result.isError).toBe(false);
    expect(result.json).toMatchObject({ name: '1.27' });
    await stopped;
    expect(service.audit).toEqual([
      expect.objectContaining({ tool: 'get_tag', outcome: 'ok', session: reader.sessionId }),
    ]);
    expect(service.service.sessions.size).toBe(0);
    // Nothing listens any more.
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});
