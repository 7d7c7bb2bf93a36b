/**
 * What stands in front of a session: the agent key (401), the session's owner (404, exactly as
 * for an unknown id), the Origin and Host guard (403) and the body cap (413). None of them may
 * open a session, leave an audit record or send anything to Docker Hub.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { newAgentKey } from '../../src/commands/key.js';
import {
  authorization,
  callTool,
  initializeBody,
  messagesOf,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startService,
} from './helpers.js';

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AGENTS = {
  alpha: { credential: 'alice' as const, grants: ['repo:*/*=read', 'repo:alice/*=admin'] },
  beta: { credential: 'bob' as const, grants: ['repo:*/*=read'] },
};

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** An answer without the headers that differ between any two answers (Date). */
async function answerOf(response: Response): Promise<Answer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'date') headers[name] = value;
  });
  return { status: response.status, headers, text: await response.text() };
}

/** A raw request with any Host header (fetch will not send a forged one). */
function rawRequest(
  port: number,
  options: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (name !== 'date' && value !== undefined) headers[name] = String(value);
          }
          resolve({ status: response.statusCode ?? 0, headers, text });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const toolCall = (id: number, args: Record<string, unknown>) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'get_repository', arguments: args },
  });

describe('agent keys', () => {
  it('answers 401 with WWW-Authenticate: Bearer on /mcp, /sse and /messages, opening nothing', async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    // One legitimate SSE session, whose id the keyless POSTs below try to use.
    const legit = await service.connectSse(service.keys.alpha);
    expect(service.service.sessions.size).toBe(1);
    service.hub.clearRequests();

    const stranger = newAgentKey().key;
    const badHeaders: [string, Record<string, string>][] = [
      ['no Authorization', {}],
      ['an unknown key', { authorization: `Bearer ${stranger}` }],
      ['a Basic header', { authorization: `Basic ${service.keys.alpha}` }],
      ['a bare Bearer', { authorization: 'Bearer' }],
      ['a key with no scheme', { authorization: service.keys.alpha ?? '' }],
      ['two tokens', { authorization: `Bearer ${service.keys.alpha} ${service.keys.beta}` }],
      ['a hash instead of the key', { authorization: `Bearer ${newAgentKey().hash}` }],
    ];
    for (const [why, headers] of badHeaders) {
      const attempts = [
        fetch(`${service.url}/mcp`, {
          method: 'POST',
          headers: { ...PROTOCOL_HEADERS, ...headers },
          body: JSON.stringify(initializeBody()),
        }),
        fetch(`${service.url}/sse`, { headers: { accept: 'text/event-stream', ...headers } }),
        fetch(`${service.url}/messages?sessionId=${legit.sessionId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: toolCall(7, { namespace: 'alice', repository: 'tools' }),
        }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status, `${why}: ${response.url}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await response.json()).toEqual({
          jsonrpc: '2.0',
          error: { code: expect.any(Number), message: expect.stringMatching(/Authorization/) },
          id: null,
        });
      }
      expect(service.service.sessions.size, why).toBe(1);
    }
    expect(service.audit).toEqual([]);
    expect(service.hub.requests).toEqual([]);

    // The SDK client without a key cannot connect either, over either transport.
    await expect(service.connectHttp(undefined)).rejects.toMatchObject({ code: 401 });
    await expect(service.connectSse(stranger)).rejects.toMatchObject({ code: 401 });
    expect(service.service.sessions.size).toBe(1);
    // And the legitimate session is untouched.
    expect(
      (await callTool(legit.client, 'get_repository', { namespace: 'alice', repository: 'tools' }))
        .isError,
    ).toBe(false);
  });
});

describe('sessions belong to the agent that opened them', () => {
  it("answers another agent's Streamable HTTP session id exactly like an unknown one", async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    const alpha = await service.connectHttp(service.keys.alpha);
    const beta = await service.connectHttp(service.keys.beta);
    expect(service.service.sessions.size).toBe(2);
    service.hub.clearRequests();
    const auditBefore = service.audit.length;

    const asBeta = (sessionId: string, init: RequestInit = {}) =>
      fetch(`${service.url}/mcp`, {
        method: 'POST',
        body: toolCall(9, { namespace: 'alice', repository: 'tools' }),
        ...init,
        headers: {
          ...PROTOCOL_HEADERS,
          'mcp-protocol-version': '2025-06-18',
          'mcp-session-id': sessionId,
          ...authorization(service.keys.beta),
        },
      });
    const unknown = randomUUID();
    for (const init of [{}, { method: 'GET', body: null }, { method: 'DELETE', body: null }]) {
      const hijack = await answerOf(await asBeta(alpha.sessionId, init));
      const missing = await answerOf(await asBeta(unknown, init));
      expect(hijack.status).toBe(404);
      expect(hijack).toEqual(missing);
      expect(JSON.parse(hijack.text)).toEqual({
        jsonrpc: '2.0',
        error: { code: -32001, message: 'Session not found' },
        id: null,
      });
    }

    // Nothing ran in alpha's session for beta, and alpha's session still works as alpha.
    expect(service.audit.length).toBe(auditBefore);
    expect(service.hub.requests).toEqual([]);
    expect(service.service.sessions.size).toBe(2);
    const mine = await callTool(alpha.client, 'get_repository', {
      namespace: 'alice',
      repository: 'tools',
    });
    expect(mine.json).toMatchObject({ namespace: 'alice', name: 'tools' });
    expect(service.audit.at(-1)).toMatchObject({ agent: 'alpha', session: alpha.sessionId });
    // Beta's own session is also fine: the refusal was about the session, not the key.
    expect(
      (await callTool(beta.client, 'list_tags', { namespace: 'library', repository: 'nginx' }))
        .isError,
    ).toBe(false);
  });

  it("answers another agent's SSE session id on /messages exactly like an unknown one", async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    const alpha = await service.connectSse(service.keys.alpha);
    expect(alpha.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    service.hub.clearRequests();
    const auditBefore = service.audit.length;

    const post = (sessionId: string, key: string | undefined) =>
      fetch(`${service.url}/messages?sessionId=${sessionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization(key) },
        body: toolCall(5, { namespace: 'alice', repository: 'tools' }),
      });
    const hijack = await answerOf(await post(alpha.sessionId, service.keys.beta));
    const missing = await answerOf(await post(randomUUID(), service.keys.beta));
    expect(hijack.status).toBe(404);
    expect(hijack).toEqual(missing);
    expect(JSON.parse(hijack.text)).toMatchObject({ error: { code: -32001 } });

    // An SSE session id is not a Streamable HTTP session id either, even for its own agent.
    const crossKind = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: {
        ...PROTOCOL_HEADERS,
        'mcp-session-id': alpha.sessionId,
        ...authorization(service.keys.alpha),
      },
      body: toolCall(6, { namespace: 'alice', repository: 'tools' }),
    });
    expect(crossKind.status).toBe(404);

    expect(service.audit.length).toBe(auditBefore);
    expect(service.hub.requests).toEqual([]);
    const mine = await callTool(alpha.client, 'get_repository', {
      namespace: 'alice',
      repository: 'tools',
    });
    expect(mine.json).toMatchObject({ name: 'tools' });
    expect(service.audit.at(-1)).toMatchObject({
      agent: 'alpha',
      transport: 'sse',
      session: alpha.sessionId,
    });
  });
});

describe('the Origin and Host guard', () => {
  it('refuses a foreign Origin or Host with 403 and lets its own and the allowed ones through', async () => {
    h = await startService({
      agents: AGENTS,
      options: {
        allowedOrigins: ['https://console.example'],
        allowedHosts: ['hubgate.internal'],
      },
    });
    const service = h;
    const { port } = service;
    const initialize = (headers: Record<string, string>) =>
      rawRequest(port, {
        method: 'POST',
        path: '/mcp',
        headers: {
          ...PROTOCOL_HEADERS,
          ...authorization(service.keys.alpha),
          host: `127.0.0.1:${port}`,
          ...headers,
        },
        body: JSON.stringify(initializeBody()),
      });

    const refused: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://evil.example:${port}` },
      { origin: 'null' },
      { origin: `https://127.0.0.1:${port}` },
      { origin: 'https://console.example.evil.example' },
      { host: 'evil.example' },
      { host: `evil.example:${port}` },
      { host: 'hubgate.internal.evil.example' },
    ];
    for (const headers of refused) {
      const answer = await initialize(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({
        jsonrpc: '2.0',
        error: { message: expect.stringMatching(/^Forbidden: /) },
        id: null,
      });
    }
    // The guard comes first: a foreign Host is 403 even without a key, on every MCP endpoint.
    for (const [method, path] of [
      ['GET', '/sse'],
      ['POST', '/messages?sessionId=x'],
      ['POST', '/mcp'],
    ] as const) {
      const answer = await rawRequest(port, {
        method,
        path,
        headers: { host: 'evil.example', 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(answer.status, path).toBe(403);
    }
    expect(service.service.sessions.size).toBe(0);

    const allowed: Record<string, string>[] = [
      {},
      { origin: `http://127.0.0.1:${port}` },
      { origin: `http://localhost:${port}` },
      { origin: 'https://console.example' },
      { host: `localhost:${port}` },
      { host: 'hubgate.internal' },
      { host: `hubgate.internal:${port}` },
      { host: 'HubGate.Internal', origin: 'https://console.example' },
    ];
    for (const headers of allowed) {
      const answer = await initialize(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(200);
      expect(answer.headers['mcp-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(service.service.sessions.size).toBe(allowed.length);
    expect(service.hub.requests).toEqual([]);
  });
});

describe('the body cap', () => {
  it('answers 413 to a body over maxBodyBytes, and nothing reaches Docker Hub', async () => {
    h = await startService({ agents: AGENTS, options: { maxBodyBytes: 2048 } });
    const service = h;
    const alpha = await service.connectHttp(service.keys.alpha);
    const sse = await service.connectSse(service.keys.alpha);
    service.hub.clearRequests();
    const big = 'x'.repeat(4096);

    // Through the SDK client: the call fails, the Hub sees nothing, no repository appears.
    await expect(
      callTool(alpha.client, 'create_repository', {
        namespace: 'alice',
        name: 'too-big',
        full_description: big,
      }),
    ).rejects.toMatchObject({ code: 413 });
    await expect(
      callTool(sse.client, 'create_repository', {
        namespace: 'alice',
        name: 'too-big',
        full_description: big,
      }),
    ).rejects.toThrow(/413/);
    expect(service.hub.requests).toEqual([]);
    expect(service.audit).toEqual([]);
    expect(service.hub.state.repos.some((repo) => repo.name === 'too-big')).toBe(false);

    // Raw: a declared Content-Length, and a chunked body with no length, both 413 as JSON-RPC.
    const oversized = JSON.stringify({ ...initializeBody(), padding: big });
    const declared = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.alpha) },
      body: oversized,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32700, message: expect.stringMatching(/Payload too large.*2048/) },
    });
    const chunked = await new Promise<Answer>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: service.port,
          method: 'POST',
          path: '/mcp',
          agent: false,
          headers: {
            ...PROTOCOL_HEADERS,
            ...authorization(service.keys.alpha),
            'transfer-encoding': 'chunked',
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: {}, text }),
          );
        },
      );
      request.on('error', reject);
      request.write(oversized.slice(0, 1500));
      setImmediate(() => request.end(oversized.slice(1500)));
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text)).toMatchObject({ error: { code: -32700 } });
    const onMessages = await fetch(`${service.url}/messages?sessionId=${sse.sessionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(service.keys.alpha) },
      body: oversized,
    });
    expect(onMessages.status).toBe(413);
    // No session was opened by the oversized initialize; the two sessions still work.
    expect(service.service.sessions.size).toBe(2);
    expect(service.hub.requests).toEqual([]);
    const small = await callTool(alpha.client, 'get_repository', {
      namespace: 'alice',
      repository: 'tools',
    });
    expect(small.isError).toBe(false);
    const viaSse = await callTool(sse.client, 'get_repository', {
      namespace: 'alice',
      repository: 'tools',
    });
    expect(viaSse.isError).toBe(false);
  });
});

describe('requests that are not MCP', () => {
  it('answers unknown paths 404 and wrong methods 405, without a session', async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    const key = authorization(service.keys.alpha);
    expect((await fetch(`${service.url}/nope`, { headers: key })).status).toBe(404);
    expect(
      (await fetch(`${service.url}/sse`, { method: 'POST', headers: key, body: '{}' })).status,
    ).toBe(405);
    expect((await fetch(`${service.url}/messages`, { headers: key })).status).toBe(405);
    const noSession = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...PROTOCOL_HEADERS, ...key },
      body: toolCall(1, {}),
    });
    expect(noSession.status).toBe(400);
    expect(await messagesOf(noSession)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: -32000 }) }),
    ]);
    expect(service.service.sessions.size).toBe(0);
  });
});
