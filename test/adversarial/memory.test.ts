/**
 * One key must not make the service hold memory without bound: every request counts against the
 * agent's rate limit (tools/list too), a JSON-RPC batch is capped, and an answer stream whose
 * client never reads is closed past a byte budget, its session with it.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../../src/http/transports.js';
import { MAX_UNREAD_BYTES } from '../../src/http/unread.js';
import {
  initializeBody,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startService,
} from '../http/helpers.js';

const ALL = ['repo:*/*=admin', 'org:*=admin', 'account=admin', 'catalog=read', 'auth=admin'];
let service: ServiceHarness | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

const toolsList = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

async function post(url: string, key: string, body: unknown, session?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...PROTOCOL_HEADERS };
  if (session) headers['mcp-session-id'] = session;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('memory a single key can make the service hold', () => {
  it(`refuses a batch of more than ${MAX_BATCH} messages, unread`, async () => {
    service = await startService({ agents: { bot: { grants: ALL } } });
    const key = service.keys.bot as string;
    const opened = await post(`${service.url}/mcp`, key, initializeBody(1));
    const session = opened.headers.get('mcp-session-id') ?? '';
    expect(session).not.toBe('');
    const batch = Array.from({ length: MAX_BATCH + 1 }, (_, i) => toolsList(i + 2));
    const refused = await post(`${service.url}/mcp`, key, batch, session);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: {
        code: -32600,
        message: `Invalid Request: a batch of ${MAX_BATCH + 1} messages; at most ${MAX_BATCH}`,
      },
    });
  });

  it('counts tools/list against the rate limit, as tool calls are', async () => {
    service = await startService({ agents: { bot: { grants: ALL, callsPerMinute: 3 } } });
    const { client } = await service.connectHttp(service.keys.bot);
    for (let i = 0; i < 3; i += 1)
      expect((await client.listTools()).tools.length).toBeGreaterThan(50);
    await expect(client.listTools()).rejects.toMatchObject({ code: -32029 });
    await expect(
      client.callTool({ name: 'search_catalog', arguments: { query: 'x' } }),
    ).rejects.toMatchObject({
      code: -32029,
    });
  });

  it('closes an SSE stream its client does not read, and the session with it', async () => {
    service = await startService({ agents: { bot: { grants: ALL } } });
    const running = service;
    const stream = await openUnreadSse(running, running.keys.bot as string);
    expect((await stream.send(initializeBody(1))).status).toBe(202);
    // Each tools/list answer (~48 KB) waits in the stream's buffer: far past the budget.
    const answers = Math.ceil((MAX_UNREAD_BYTES * 4) / 48_000);
    let accepted = 0;
    for (let i = 0; i < answers; i += 1) {
      const response = await stream.send(toolsList(i + 2));
      if (response.status !== 202) break;
      accepted += 1;
    }
    expect(accepted).toBeLessThan(answers);
    await expect.poll(() => running.service.sessions.count('sse')).toBe(0);
    expect((await stream.send(toolsList(9_999))).status).toBe(404);
    stream.socket.destroy();
    await expect.poll(() => stream.closed()).toBe(true);
  });

  it('keeps an idle stream open however long it waits', async () => {
    service = await startService({
      agents: { bot: { grants: ALL } },
      options: { unreadStallMs: 200 },
    });
    const running = service;
    const stream = await openUnreadSse(running, running.keys.bot as string);
    expect((await stream.send(initializeBody(1))).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(running.service.sessions.count('sse')).toBe(1);
    expect(stream.closed()).toBe(false);
    stream.socket.destroy();
  });
});

/**
 * GET /sse on a raw socket, read until the endpoint event names the session, then never read
 * again; `send` posts a message to that session.
 */
async function openUnreadSse(running: ServiceHarness, key: string) {
  const socket: Socket = connect(running.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET /sse HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nAuthorization: Bearer ${key}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  let received = '';
  const sessionId = await new Promise<string>((resolve) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      const match = /sessionId=([0-9a-f-]+)/.exec(received);
      if (match) {
        socket.pause();
        resolve(match[1] as string);
      }
    });
  });
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  const messages = `${running.url}/messages?sessionId=${sessionId}`;
  const send = (body: unknown) =>
    fetch(messages, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { socket, send, closed: () => closed };
}
