/**
 * The shared HTTP service under attack, from a hostile client on the same machine: keys that are
 * almost right, session ids it chose or stole, forged Origin and Host headers, bodies over the cap
 * or dribbled in, thousands of session opens, and bytes that are not HTTP at all. Throughout, an
 * honest agent with a Streamable HTTP and an SSE session keeps getting exactly its own answers:
 * checked after every attack, and continuously while the storms run.
 *
 * test/http/ covers the plain cases (no key, a foreign key, POST/GET/DELETE with another agent's
 * id, a foreign Origin or Host, a body over the cap, a third session over a cap of two); this file
 * goes where an attacker goes next.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { newAgentKey } from '../../src/commands/key.js';
import {
  authorization,
  type ConnectedClient,
  callTool,
  initializeBody,
  messagesOf,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startService,
} from '../http/helpers.js';

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AGENTS = {
  alpha: { credential: 'alice' as const, grants: ['repo:*/*=read', 'repo:alice/*=admin'] },
  beta: { credential: 'bob' as const, grants: ['repo:*/*=read'] },
  honest: { credential: 'alice' as const, grants: ['repo:library/*=read'] },
  guest: { grants: ['repo:library/*=read'], key: false },
};

/** Tags of library/nginx in the fake Hub's seed: each honest call asks for one and must get it. */
const TAGS = Array.from({ length: 22 }, (_, minor) => `1.${minor}`);
let honestCalls = 0;

interface Honest {
  sessions: ConnectedClient[];
  ids: Set<string>;
}

/** The honest agent's two sessions, one per transport. */
async function openHonest(service: ServiceHarness): Promise<Honest> {
  const sessions = [
    await service.connectHttp(service.keys.honest),
    await service.connectSse(service.keys.honest),
  ];
  return { sessions, ids: new Set(sessions.map((session) => session.sessionId)) };
}

/** One call on each honest session: each must answer with exactly the tag it asked for. */
async function expectHonestServed(honest: Honest): Promise<void> {
  await Promise.all(
    honest.sessions.map(async (session) => {
      const tag = TAGS[honestCalls++ % TAGS.length] as string;
      const result = await callTool(
        session.client,
        'get_tag',
        { namespace: 'library', repository: 'nginx', tag },
        { timeout: 5_000 },
      );
      expect(result.isError, result.text).toBe(false);
      expect(result.json).toMatchObject({ name: tag });
    }),
  );
}

/** Honest calls in a loop until stopped; stop() rethrows the first wrong answer and counts calls. */
function honestLoop(honest: Honest) {
  let stopped = false;
  let rounds = 0;
  const running = (async () => {
    while (!stopped) {
      await expectHonestServed(honest);
      rounds += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  // Reported by stop(); meanwhile, do not let it count as unhandled.
  running.catch(() => {});
  return {
    async stop(): Promise<number> {
      stopped = true;
      await running;
      return rounds;
    },
  };
}

/**
 * No attack left a trace outside the honest agent: every audit record is one of its calls in one
 * of its sessions, and everything Docker Hub saw was one of its tag reads.
 */
function expectOnlyHonestTraces(service: ServiceHarness, honest: Honest): void {
  for (const record of service.audit) {
    expect(record).toMatchObject({ agent: 'honest', tool: 'get_tag', decision: 'allow' });
    expect(honest.ids.has(record.session ?? '')).toBe(true);
  }
  for (const request of service.hub.apiRequests()) {
    expect(request.path).toMatch(/^\/v2\/namespaces\/library\/repositories\/nginx\/tags\/1\.\d+$/);
  }
}

interface RawAnswer {
  /** 0 when nothing that looks like an HTTP status line came back. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, as latin1. */
  text: string;
  /** The server ended or reset the connection (rather than this side giving up). */
  closedByServer: boolean;
  ms: number;
}

/**
 * Writes `parts` on a fresh socket and collects the answer until the server closes the connection,
 * `waitMs` pass, or (with `untilAnswered`) one whole response has come back.
 */
function rawExchange(
  port: number,
  parts: string | Buffer | (string | Buffer)[],
  options: { waitMs?: number; untilAnswered?: boolean } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 3_000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.untilAnswered && isWholeAnswer(Buffer.concat(chunks).toString('latin1'))) {
        socket.destroy();
      }
    });
    socket.on('end', () => {
      closedByServer = true;
    });
    // A reset, or a write after the server closed (EPIPE): either way the server ended it.
    socket.on('error', () => {
      closedByServer = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ ...parseAnswer(text), text, closedByServer, ms: Date.now() - started });
    });
    socket.once('connect', () => {
      for (const part of [parts].flat()) socket.write(part);
    });
  });
}

/** One whole response: headers, and a body of its Content-Length or a last chunk. */
function isWholeAnswer(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1];
  if (length !== undefined) return text.length - split - 4 >= Number(length);
  return text.endsWith('\r\n0\r\n\r\n');
}

function parseAnswer(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? '' : text.slice(split + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    let plain = '';
    let rest = body;
    for (;;) {
      const eol = rest.indexOf('\r\n');
      const size = Number.parseInt(rest.slice(0, eol), 16);
      if (eol < 0 || !(size > 0)) break;
      plain += rest.slice(eol + 2, eol + 2 + size);
      rest = rest.slice(eol + 2 + size + 2);
    }
    body = plain;
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body };
}

/** A request as raw text: any Host (or none, or two), any header twice, HTTP/1.0 or 1.1. */
function rawRequest(spec: {
  method?: string;
  path?: string;
  version?: '1.0' | '1.1';
  headers: [string, string][];
  body?: string;
}): string {
  const lines = [`${spec.method ?? 'POST'} ${spec.path ?? '/mcp'} HTTP/${spec.version ?? '1.1'}`];
  for (const [name, value] of spec.headers) lines.push(`${name}: ${value}`);
  if (spec.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(spec.body)}`);
  lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${spec.body ?? ''}`;
}

const toolCall = (id: number, name: string, args: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

const ALICE_TOOLS = { namespace: 'alice', repository: 'tools' };

/** Headers of a request in an existing Streamable HTTP session. */
function inSession(sessionId: string, key: string | undefined): Record<string, string> {
  return {
    ...PROTOCOL_HEADERS,
    'mcp-protocol-version': '2025-06-18',
    'mcp-session-id': sessionId,
    ...authorization(key),
  };
}

describe('agent keys an attacker might try', () => {
  it('refuses near-miss keys, other schemes, keys in other places and huge headers, never falling back to the anonymous agent', async () => {
    h = await startService({ agents: AGENTS, options: { allowAnonymous: 'guest' } });
    const service = h;
    const honest = await openHonest(service);
    const alpha = await service.connectHttp(service.keys.alpha);
    const alphaSse = await service.connectSse(service.keys.alpha);
    const key = service.keys.alpha as string;
    expect(key).toMatch(/^hgk_[A-Za-z0-9_-]{43}$/);
    const body = key.slice(4);
    /** The key with one character replaced by another of the same alphabet. */
    const flip = (at: number) =>
      `${key.slice(0, at)}${key[at] === 'A' ? 'B' : 'A'}${key.slice(at + 1)}`;
    const sessionsBefore = service.service.sessions.size;
    service.hub.clearRequests();

    const refused: [string, [string, string][], string?][] = [
      ['the first character after the prefix changed', [['Authorization', `Bearer ${flip(4)}`]]],
      ['a middle character changed', [['Authorization', `Bearer ${flip(24)}`]]],
      ['the last character changed', [['Authorization', `Bearer ${flip(key.length - 1)}`]]],
      ['one character short', [['Authorization', `Bearer ${key.slice(0, -1)}`]]],
      ['one character more', [['Authorization', `Bearer ${key}A`]]],
      ['without its hgk_ prefix', [['Authorization', `Bearer ${body}`]]],
      ['the prefix alone', [['Authorization', 'Bearer hgk_']]],
      ['upper-cased', [['Authorization', `Bearer ${key.toUpperCase()}`]]],
      ['quoted', [['Authorization', `Bearer "${key}"`]]],
      ['with a trailing comma', [['Authorization', `Bearer ${key},`]]],
      ['followed by a second token', [['Authorization', `Bearer ${key} ${key}`]]],
      ['split by a space', [['Authorization', `Bearer ${key.slice(0, 20)} ${key.slice(20)}`]]],
      ['with no space after Bearer', [['Authorization', `Bearer${key}`]]],
      ['as "Bearer: key"', [['Authorization', `Bearer: ${key}`]]],
      ['as "Bearer=key"', [['Authorization', `Bearer=${key}`]]],
      ['as Token', [['Authorization', `Token ${key}`]]],
      [
        'as Basic user:key',
        [['Authorization', `Basic ${Buffer.from(`alpha:${key}`).toString('base64')}`]],
      ],
      ['as Digest', [['Authorization', `Digest username="alpha", response="${key}"`]]],
      ['base64-encoded', [['Authorization', `Bearer ${Buffer.from(key).toString('base64')}`]]],
      ['an empty header', [['Authorization', '']]],
      ['blank Bearer', [['Authorization', 'Bearer    ']]],
      ['8 KB of token', [['Authorization', `Bearer ${'A'.repeat(8_000)}`]]],
      ['8 KB of key repeated', [['Authorization', `Bearer ${key.repeat(160)}`]]],
      [
        'a wrong key before the right one',
        [
          ['Authorization', `Bearer ${flip(10)}`],
          ['Authorization', `Bearer ${key}`],
        ],
      ],
      ['in Proxy-Authorization', [['Proxy-Authorization', `Bearer ${key}`]], 'anonymous'],
      ['in X-Api-Key', [['X-Api-Key', key]], 'anonymous'],
      ['in a cookie', [['Cookie', `token=${key}; key=${key}`]], 'anonymous'],
      ['in the query string', [], 'anonymous'],
    ];
    const host: [string, string] = ['Host', `127.0.0.1:${service.port}`];
    for (const [why, headers, mode] of refused) {
      const query = mode === 'anonymous' ? `?access_token=${key}&key=${key}` : '';
      const attempts = await Promise.all([
        // A new session…
        rawExchange(
          service.port,
          rawRequest({
            path: `/mcp${query}`,
            headers: [
              host,
              ...headers,
              ['Content-Type', 'application/json'],
              ['Accept', PROTOCOL_HEADERS.accept],
            ],
            body: JSON.stringify(initializeBody()),
          }),
          { untilAnswered: true },
        ),
        // …alpha's Streamable HTTP session…
        rawExchange(
          service.port,
          rawRequest({
            path: `/mcp${query}`,
            headers: [
              host,
              ...headers,
              ['Content-Type', 'application/json'],
              ['Accept', PROTOCOL_HEADERS.accept],
              ['Mcp-Session-Id', alpha.sessionId],
            ],
            body: toolCall(7, 'get_repository', ALICE_TOOLS),
          }),
          { untilAnswered: true },
        ),
        // …and alpha's SSE session.
        rawExchange(
          service.port,
          rawRequest({
            path: `/messages?sessionId=${alphaSse.sessionId}${query.replace('?', '&')}`,
            headers: [host, ...headers, ['Content-Type', 'application/json']],
            body: toolCall(8, 'get_repository', ALICE_TOOLS),
          }),
          { untilAnswered: true },
        ),
      ]);
      const [open, onAlpha, onAlphaSse] = attempts;
      if (mode === 'anonymous') {
        // No Authorization header: the request acts as the anonymous agent, which may open a
        // session of its own but finds none of alpha's.
        expect(open?.status, why).toBe(200);
        expect(onAlpha?.status, why).toBe(404);
        expect(onAlphaSse?.status, why).toBe(404);
        const opened = open?.headers['mcp-session-id'] ?? '';
        expect(service.service.sessions.find(opened, 'guest', 'http'), why).toBeDefined();
        const ended = await fetch(`${service.url}/mcp`, {
          method: 'DELETE',
          headers: inSession(opened, undefined),
        });
        expect(ended.status, why).toBe(200);
        await ended.text();
      } else {
        for (const answer of attempts) {
          expect(answer.status, why).toBe(401);
          expect(answer.headers['www-authenticate'], why).toMatch(/^Bearer\b/);
          expect(JSON.parse(answer.body), why).toMatchObject({ error: { code: -32000 }, id: null });
        }
      }
      expect(service.service.sessions.size, why).toBe(sessionsBefore);
      await expectHonestServed(honest);
    }

    // Headers past Node's limit are cut off before hubgate sees them: 431, and the socket closes.
    for (const huge of [`Bearer ${'A'.repeat(20_000)}`, `Bearer ${key}`]) {
      const answer = await rawExchange(
        service.port,
        rawRequest({
          headers: [
            host,
            ['Authorization', huge],
            ['X-Padding', 'p'.repeat(20_000)],
            ['Content-Type', 'application/json'],
            ['Accept', PROTOCOL_HEADERS.accept],
          ],
          body: JSON.stringify(initializeBody()),
        }),
      );
      expect(answer.status).toBe(431);
      expect(answer.closedByServer).toBe(true);
    }

    // Nothing ran for any of them: no audit record, no Hub request, no extra session (only the
    // honest agent's checks in between).
    expectOnlyHonestTraces(service, honest);
    expect(service.service.sessions.size).toBe(sessionsBefore);

    // The scheme is case-insensitive (RFC 9110): "bearer" and "BEARER" are alpha. Extra
    // whitespace may be refused or taken, but it never makes a key someone else's.
    const variants: [string, 'alpha' | 'alpha or 401'][] = [
      [`bearer ${key}`, 'alpha'],
      [`BEARER ${key}`, 'alpha'],
      [`Bearer  ${key}`, 'alpha or 401'],
      [`Bearer\t${key}`, 'alpha or 401'],
    ];
    for (const [variant, expected] of variants) {
      const response = await fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: { ...inSession(alpha.sessionId, undefined), authorization: variant },
        body: toolCall(9, 'get_repository', ALICE_TOOLS),
      });
      if (expected === 'alpha') expect(response.status, variant).toBe(200);
      if (response.status !== 200) {
        expect(response.status, variant).toBe(401);
        await response.text();
        continue;
      }
      const [message] = (await messagesOf(response)) as { result: { isError?: boolean } }[];
      expect(message?.result.isError, variant).not.toBe(true);
      expect(service.audit.at(-1)).toMatchObject({ agent: 'alpha', session: alpha.sessionId });
    }
    // On alpha's session, a key nobody holds is 401 and another agent's key finds no session.
    const stranger = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: inSession(alpha.sessionId, newAgentKey().key),
      body: toolCall(10, 'get_repository', ALICE_TOOLS),
    });
    expect(stranger.status).toBe(401);
    const neighbour = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: inSession(alpha.sessionId, service.keys.honest),
      body: toolCall(10, 'get_repository', ALICE_TOOLS),
    });
    expect(neighbour.status).toBe(404);
    await expectHonestServed(honest);
    // The only records: the honest agent's calls, and alpha's own in alpha's session.
    for (const record of service.audit) {
      if (record.agent === 'honest') expect(honest.ids.has(record.session ?? '')).toBe(true);
      else expect(record).toMatchObject({ agent: 'alpha', session: alpha.sessionId });
    }
  });
});

describe('session fixation and hijacking', () => {
  it('never hands out or accepts a session id the client chose', async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    const honest = await openHonest(service);
    const before = service.service.sessions.size;
    const chosen = randomUUID();
    const initialize = (headers: Record<string, string>) =>
      fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.alpha), ...headers },
        body: JSON.stringify(initializeBody()),
      });

    // Initialize carrying its own id: that id does not exist, so it is refused, and no session
    // is made under it (nor under any other id).
    for (const fixed of [chosen, honest.sessions[0]?.sessionId ?? '', '', 'x'.repeat(200)]) {
      const response = await initialize({ 'mcp-session-id': fixed });
      expect(response.status, fixed).toBe(404);
      expect(response.headers.get('mcp-session-id')).toBeNull();
      expect(await response.json()).toMatchObject({ error: { code: -32001 } });
    }
    expect(service.service.sessions.size).toBe(before);

    // Initialize without one: the id is the service's, fresh and random.
    const given = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const response = await initialize({});
      expect(response.status).toBe(200);
      await response.text();
      const id = response.headers.get('mcp-session-id') ?? '';
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(id).not.toBe(chosen);
      given.add(id);
    }
    expect(given.size).toBe(20);

    // The made-up id is unknown on every method; so is a real one re-cased or padded.
    const real = [...given][0] as string;
    const forged = [
      chosen,
      real.toUpperCase(),
      `${real}0`,
      real.slice(0, -1),
      `${real}, ${real}`,
      real.replaceAll('-', ''),
    ];
    for (const id of forged) {
      for (const method of ['POST', 'GET', 'DELETE']) {
        const response = await fetch(`${service.url}/mcp`, {
          method,
          headers: inSession(id, service.keys.alpha),
          ...(method === 'POST'
            ? { body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) }
            : {}),
        });
        expect(response.status, `${method} ${id}`).toBe(404);
        await response.text();
      }
    }
    // And a second initialize inside an existing session does not re-key or fork it.
    const again = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: inSession(real, service.keys.alpha),
      body: JSON.stringify(initializeBody(3)),
    });
    expect(again.status).toBe(400);
    expect(again.headers.get('mcp-session-id')).toBeNull();
    await again.text();
    expect(service.service.sessions.size).toBe(before + 20);

    // The SSE transport: a chosen sessionId on /messages finds nothing, and /sse ignores one.
    const posted = await fetch(`${service.url}/messages?sessionId=${chosen}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(service.keys.alpha) },
      body: toolCall(4, 'get_repository', ALICE_TOOLS),
    });
    expect(posted.status).toBe(404);
    const controller = new AbortController();
    const stream = await fetch(`${service.url}/sse?sessionId=${chosen}`, {
      headers: { accept: 'text/event-stream', ...authorization(service.keys.alpha) },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    let endpoint = '';
    while (reader && !/sessionId=[0-9a-f-]{36}/.test(endpoint)) {
      const { value, done } = await reader.read();
      if (done) break;
      endpoint += Buffer.from(value).toString('utf8');
    }
    const sseId = /sessionId=([0-9a-f-]{36})/.exec(endpoint)?.[1];
    expect(sseId).toBeDefined();
    expect(sseId).not.toBe(chosen);
    expect(service.service.sessions.find(chosen, 'alpha', 'sse')).toBeUndefined();
    controller.abort();

    await expectHonestServed(honest);
    expectOnlyHonestTraces(service, honest);
  });

  it("answers every method on another agent's session, from any agent (anonymous too), exactly like an unknown id", async () => {
    h = await startService({ agents: AGENTS, options: { allowAnonymous: 'guest' } });
    const service = h;
    const honest = await openHonest(service);
    const [httpId, sseId] = [...honest.ids] as [string, string];
    const sessionsBefore = service.service.sessions.size;
    service.hub.clearRequests();
    const auditBefore = service.audit.length;
    const unknown = randomUUID();

    const attackers: [string, string | undefined][] = [
      ['beta', service.keys.beta],
      ['alpha', service.keys.alpha],
      ['anonymous (guest)', undefined],
    ];
    const shape = async (response: Response) => {
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (name !== 'date') headers[name] = value;
      });
      return { status: response.status, headers, text: await response.text() };
    };
    for (const [who, key] of attackers) {
      for (const method of ['POST', 'GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']) {
        const attempt = (id: string) =>
          fetch(`${service.url}/mcp`, {
            method,
            headers: inSession(id, key),
            ...(['POST', 'PUT', 'PATCH'].includes(method)
              ? {
                  body: toolCall(11, 'get_tag', {
                    namespace: 'library',
                    repository: 'nginx',
                    tag: '1.1',
                  }),
                }
              : {}),
          }).then(shape);
        const [hijack, missing] = [await attempt(httpId), await attempt(unknown)];
        expect(hijack.status, `${who} ${method}`).toBe(404);
        expect(hijack, `${who} ${method}`).toEqual(missing);
      }
      // The SSE session through /messages, through the id repeated in the query, and through
      // /mcp; and the Streamable HTTP session's id through /messages.
      const sse = [
        `/messages?sessionId=${sseId}`,
        `/messages?sessionId=${sseId}&sessionId=${unknown}`,
        `/messages?sessionId=${unknown}&sessionId=${sseId}`,
        `/messages?sessionid=${sseId}`,
        `/messages?sessionId=${httpId}`,
      ];
      for (const path of sse) {
        const response = await fetch(`${service.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authorization(key) },
          body: toolCall(12, 'get_tag', { namespace: 'library', repository: 'nginx', tag: '1.2' }),
        });
        expect(response.status, `${who} ${path}`).toBe(404);
        await response.text();
      }
      const crossKind = await fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: inSession(sseId, key),
        body: toolCall(13, 'get_tag', { namespace: 'library', repository: 'nginx', tag: '1.3' }),
      });
      expect(crossKind.status).toBe(404);
      await crossKind.text();
    }

    // Even the honest agent cannot use its SSE id as a Streamable HTTP one, or the reverse.
    const ownCross = await fetch(`${service.url}/messages?sessionId=${httpId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(service.keys.honest) },
      body: toolCall(14, 'get_tag', { namespace: 'library', repository: 'nginx', tag: '1.4' }),
    });
    expect(ownCross.status).toBe(404);
    await ownCross.text();

    // Nothing ran, nothing closed: the DELETEs did not end the honest session.
    expect(service.audit.length).toBe(auditBefore);
    expect(service.hub.apiRequests()).toEqual([]);
    expect(service.service.sessions.size).toBe(sessionsBefore);
    expect(service.service.sessions.find(httpId, 'honest', 'http')).toBeDefined();
    expect(service.service.sessions.find(sseId, 'honest', 'sse')).toBeDefined();
    await expectHonestServed(honest);
    expectOnlyHonestTraces(service, honest);
  });
});

describe('Origin and Host tricks', () => {
  it('refuses look-alike hosts and origins, and lets only this service through', async () => {
    h = await startService({
      agents: AGENTS,
      options: { allowedHosts: ['hubgate.internal'], allowedOrigins: ['https://console.example'] },
    });
    const service = h;
    const honest = await openHonest(service);
    const { port } = service;
    const own = `127.0.0.1:${port}`;
    const initialize = (headers: [string, string][], version: '1.0' | '1.1' = '1.1') =>
      rawExchange(
        port,
        rawRequest({
          version,
          headers: [
            ...headers,
            ['Authorization', `Bearer ${service.keys.alpha}`],
            ['Content-Type', 'application/json'],
            ['Accept', PROTOCOL_HEADERS.accept],
          ],
          body: JSON.stringify(initializeBody()),
        }),
        { untilAnswered: true },
      );
    const before = service.service.sessions.size;

    const forbidden: [string, [string, string][], ('1.0' | '1.1')?][] = [
      ['Host with a trailing dot', [['Host', `localhost.:${port}`]]],
      ['IP Host with a trailing dot', [['Host', `127.0.0.1.:${port}`]]],
      ['allowed host with a trailing dot', [['Host', 'hubgate.internal.']]],
      ['localhost as a subdomain', [['Host', `localhost.evil.example:${port}`]]],
      ['loopback IP as a subdomain', [['Host', `127.0.0.1.nip.io:${port}`]]],
      ['allowed host as a subdomain', [['Host', 'hubgate.internal.evil.example']]],
      ['allowed host as a suffix', [['Host', 'evilhubgate.internal']]],
      ['userinfo before loopback', [['Host', `evil.example@127.0.0.1:${port}`]]],
      ['userinfo after loopback', [['Host', `127.0.0.1@evil.example:${port}`]]],
      ['IPv6 loopback unbracketed', [['Host', '::1']]],
      ['IPv6 loopback spelt out', [['Host', `[0:0:0:0:0:0:0:1]:${port}`]]],
      ['IPv4-mapped IPv6 loopback', [['Host', `[::ffff:127.0.0.1]:${port}`]]],
      ['IPv6 loopback with a zone', [['Host', `[::1%25lo]:${port}`]]],
      ['a bracketed name', [['Host', `[evil.example]:${port}`]]],
      ['0.0.0.0', [['Host', `0.0.0.0:${port}`]]],
      ['decimal 127.0.0.1', [['Host', `2130706433:${port}`]]],
      ['an empty Host', [['Host', '']]],
      ['no Host over HTTP/1.0', [], '1.0'],
      [
        'a foreign Host first of two',
        [
          ['Host', 'evil.example'],
          ['Host', own],
        ],
      ],
      [
        'Origin null',
        [
          ['Host', own],
          ['Origin', 'null'],
        ],
      ],
      [
        'own Origin on another port',
        [
          ['Host', own],
          ['Origin', `http://127.0.0.1:${port + 1}`],
        ],
      ],
      [
        'own Origin without a port',
        [
          ['Host', own],
          ['Origin', 'http://127.0.0.1'],
        ],
      ],
      [
        'own Origin with a path',
        [
          ['Host', own],
          ['Origin', `http://127.0.0.1:${port}/`],
        ],
      ],
      [
        'own Origin upper-cased',
        [
          ['Host', own],
          ['Origin', `HTTP://LOCALHOST:${port}`],
        ],
      ],
      [
        'Origin with userinfo',
        [
          ['Host', own],
          ['Origin', `http://evil@127.0.0.1:${port}`],
        ],
      ],
      [
        'own Origin as a prefix',
        [
          ['Host', own],
          ['Origin', `http://127.0.0.1:${port}.evil.example`],
        ],
      ],
      [
        'allowed Origin over http',
        [
          ['Host', own],
          ['Origin', 'http://console.example'],
        ],
      ],
      [
        'allowed Origin with a port',
        [
          ['Host', own],
          ['Origin', 'https://console.example:443'],
        ],
      ],
      [
        'two Origins, allowed first',
        [
          ['Host', own],
          ['Origin', `http://127.0.0.1:${port}`],
          ['Origin', 'http://evil.example'],
        ],
      ],
      [
        'two Origins, foreign first',
        [
          ['Host', own],
          ['Origin', 'http://evil.example'],
          ['Origin', `http://127.0.0.1:${port}`],
        ],
      ],
      [
        'the same allowed Origin twice',
        [
          ['Host', own],
          ['Origin', 'https://console.example'],
          ['Origin', 'https://console.example'],
        ],
      ],
    ];
    for (const [why, headers, version] of forbidden) {
      const answer = await initialize(headers, version);
      expect(answer.status, why).toBe(403);
      expect(JSON.parse(answer.body), why).toMatchObject({
        error: { message: expect.stringMatching(/^Forbidden: /) },
        id: null,
      });
      await expectHonestServed(honest);
    }
    expect(service.service.sessions.size).toBe(before);

    // HTTP/1.1 without Host is refused by Node itself; values that are no host at all never
    // reach a session either (the transport refuses what the guard lets by).
    for (const [why, headers] of [
      ['no Host over HTTP/1.1', []],
      ['a port that is a name', [['Host', 'localhost:evil.example']]],
      ['a name glued to IPv6 loopback', [['Host', `[::1]evil.example:${port}`]]],
      ['two ports', [['Host', `localhost:${port}:80`]]],
    ] as [string, [string, string][]][]) {
      const answer = await initialize(headers);
      expect(answer.status, why).toBeGreaterThanOrEqual(400);
      expect(answer.status, why).toBeLessThan(500);
      expect(answer.headers['mcp-session-id'], why).toBeUndefined();
    }
    expect(service.service.sessions.size).toBe(before);

    // /metrics names agents and tools: it is behind the same guard.
    const metrics = await rawExchange(
      port,
      rawRequest({
        method: 'GET',
        path: '/metrics',
        headers: [['Host', `localhost.evil.example:${port}`]],
      }),
      { untilAnswered: true },
    );
    expect(metrics.status).toBe(403);
    expect(metrics.body).not.toContain('hubgate_');

    // What is this service, however it is spelt: names are case-insensitive, IPv6 loopback
    // bracketed is loopback, and the guard checks names, not ports (a port cannot make a foreign
    // name this service). Each opens a session as alpha.
    const allowed: [string, [string, string][]][] = [
      ['upper-case localhost', [['Host', `LOCALHOST:${port}`]]],
      ['bracketed IPv6 loopback', [['Host', `[::1]:${port}`]]],
      ['IPv6 loopback, no port', [['Host', '[::1]']]],
      ['an allowed host upper-cased', [['Host', 'HUBGATE.INTERNAL']]],
      ['loopback on another port', [['Host', 'localhost:1']]],
      [
        'own Origin over IPv6',
        [
          ['Host', own],
          ['Origin', `http://[::1]:${port}`],
        ],
      ],
    ];
    for (const [why, headers] of allowed) {
      const answer = await initialize(headers);
      expect(answer.status, why).toBe(200);
      expect(answer.headers['mcp-session-id'], why).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(service.service.sessions.size).toBe(before + allowed.length);
    // The probes stay open to anything: they carry nothing.
    const probe = await rawExchange(
      port,
      rawRequest({ method: 'GET', path: '/healthz', version: '1.0', headers: [] }),
      { untilAnswered: true },
    );
    expect(probe.status).toBe(200);

    await expectHonestServed(honest);
    expectOnlyHonestTraces(service, honest);
  });
});

describe('bodies over the cap, lying about their size, or too slow', () => {
  it('takes a body of exactly the cap and refuses one byte more, however it is framed', async () => {
    const CAP = 2048;
    h = await startService({ agents: AGENTS, options: { maxBodyBytes: CAP } });
    const service = h;
    const honest = await openHonest(service);
    const [httpId, sseId] = [...honest.ids] as [string, string];
    service.hub.clearRequests();
    /** A tools/list of exactly `size` bytes (the padding rides in _meta, which servers ignore). */
    const sized = (size: number, id: number) => {
      const message = { jsonrpc: '2.0', id, method: 'tools/list', params: { _meta: { pad: '' } } };
      message.params._meta.pad = 'p'.repeat(size - JSON.stringify(message).length);
      const text = JSON.stringify(message);
      expect(Buffer.byteLength(text)).toBe(size);
      return text;
    };

    const exact = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: inSession(httpId, service.keys.honest),
      body: sized(CAP, 1),
    });
    expect(exact.status).toBe(200);
    expect(
      ((await messagesOf(exact))[0] as { result: { tools: unknown[] } }).result.tools.length,
    ).toBeGreaterThan(0);
    const over = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: inSession(httpId, service.keys.honest),
      body: sized(CAP + 1, 2),
    });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: -32700 } });
    // Multi-byte characters count as bytes, not characters.
    const wide = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: inSession(httpId, service.keys.honest),
      body: sized(CAP - 5, 3).replace('pppppp', 'éééééé'),
    });
    expect(wide.status).toBe(413);
    await wide.text();
    const sseOver = await fetch(`${service.url}/messages?sessionId=${sseId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(service.keys.honest) },
      body: sized(CAP + 1, 4),
    });
    expect(sseOver.status).toBe(413);
    await sseOver.text();

    const head = (extra: [string, string][]) =>
      [
        'POST /mcp HTTP/1.1',
        `Host: 127.0.0.1:${service.port}`,
        `Authorization: Bearer ${service.keys.honest}`,
        'Content-Type: application/json',
        `Accept: ${PROTOCOL_HEADERS.accept}`,
        `Mcp-Session-Id: ${httpId}`,
        ...extra.map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n');
    // Chunked, one byte more than the cap in chunks of 100: 413.
    const overBody = sized(CAP + 1, 5);
    const chunks = overBody.match(/[\s\S]{1,100}/g) ?? [];
    const chunked = await rawExchange(service.port, [
      head([['Transfer-Encoding', 'chunked']]),
      ...chunks.map((chunk) => `${chunk.length.toString(16)}\r\n${chunk}\r\n`),
      '0\r\n\r\n',
    ]);
    expect(chunked.status).toBe(413);
    // A Content-Length under the cap with far more sent: only the declared bytes are the body
    // (not JSON here: 400), and the rest is not a request.
    const lying = await rawExchange(service.port, [
      head([['Content-Length', '100']]),
      `${sized(CAP * 4, 6)}\r\n\r\n`,
    ]);
    expect(lying.status).toBe(400);
    expect(lying.text.match(/HTTP\/1\.1 200/g)).toBeNull();
    expect(lying.closedByServer).toBe(true);

    // 100 MB declared: 413 at once, nothing buffered, and the connection is dropped while the
    // client is still sending.
    const huge = await new Promise<{ status: number; ms: number; sent: number }>((resolve) => {
      const started = Date.now();
      const socket = connect(service.port, '127.0.0.1');
      let text = '';
      let sent = 0;
      // The body is pumped only once the head is written: a socket takes writes before it is
      // connected, and bytes queued ahead of the head are no request at all (a 400).
      let pump: NodeJS.Timeout | undefined;
      const giveUp = setTimeout(() => socket.destroy(), 5_000);
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(pump);
        clearTimeout(giveUp);
        resolve({ status: parseAnswer(text).status, ms: Date.now() - started, sent });
      });
      socket.once('connect', () => {
        socket.write(head([['Content-Length', String(100 * 1024 * 1024)]]));
        pump = setInterval(() => {
          if (!socket.writable) return;
          socket.write(randomBytes(16 * 1024));
          sent += 16 * 1024;
        }, 5);
      });
    });
    expect(huge.status).toBe(413);
    expect(huge.ms).toBeLessThan(4_000);
    expect(huge.sent).toBeLessThan(100 * 1024 * 1024);

    // An initialize one byte over opens nothing.
    const sessions = service.service.sessions.size;
    const initOver = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.alpha) },
      body: JSON.stringify({
        ...initializeBody(),
        params: { ...initializeBody().params, pad: 'p'.repeat(CAP) },
      }),
    });
    expect(initOver.status).toBe(413);
    expect(initOver.headers.get('mcp-session-id')).toBeNull();
    expect(service.service.sessions.size).toBe(sessions);

    await expectHonestServed(honest);
    expectOnlyHonestTraces(service, honest);
  });

  it('cuts off slowloris clients, dribbling a header block or sending nothing, within headersTimeout (10 s)', async () => {
    // service.ts sets headersTimeout to 10 s: a client that never finishes its headers must be
    // gone by then (plus scheduling slack), not hold its socket for as long as it likes.
    const HEADERS_TIMEOUT = 10_000;
    const SLACK = 2_500;
    h = await startService({ agents: AGENTS });
    const service = h;
    const honest = await openHonest(service);
    const loop = honestLoop(honest);

    const slowloris = (mode: 'drip' | 'silent') =>
      new Promise<{ closedByServer: boolean; ms: number; text: string }>((resolve) => {
        const started = Date.now();
        const socket = connect(service.port, '127.0.0.1');
        let text = '';
        let closedByServer = false;
        let drip: NodeJS.Timeout | undefined;
        const giveUp = setTimeout(() => socket.destroy(), HEADERS_TIMEOUT + SLACK);
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
        });
        socket.on('end', () => {
          closedByServer = true;
        });
        socket.on('error', () => {
          closedByServer = true;
        });
        socket.on('close', () => {
          clearInterval(drip);
          clearTimeout(giveUp);
          resolve({ closedByServer, ms: Date.now() - started, text });
        });
        socket.once('connect', () => {
          if (mode === 'silent') return;
          socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${service.port}\r\nX-Slow: `);
          // One more header byte a second, never the blank line that ends the block.
          drip = setInterval(() => {
            if (socket.writable) socket.write('s');
          }, 1_000);
        });
      });
    const outcomes = await Promise.all([
      ...Array.from({ length: 20 }, () => slowloris('drip')),
      ...Array.from({ length: 5 }, () => slowloris('silent')),
    ]);
    const rounds = await loop.stop();
    expect(rounds).toBeGreaterThan(10);
    for (const outcome of outcomes) {
      expect(outcome.closedByServer, `still open after ${outcome.ms} ms`).toBe(true);
      expect(outcome.ms).toBeLessThanOrEqual(HEADERS_TIMEOUT + SLACK);
      expect(outcome.text === '' || /^HTTP\/1\.1 408 /.test(outcome.text)).toBe(true);
    }
    await expectHonestServed(honest);
    expectOnlyHonestTraces(service, honest);
  }, 25_000);
});

/** Runs `work` for 0..count-1 with at most `width` at a time. */
async function pool(count: number, width: number, work: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

describe('a storm of session opens', () => {
  it('holds 2,000 opens to maxSessions (100): the rest get 503, the service keeps answering, and memory stays bounded', async () => {
    const CAP = 100;
    const OPENS = 2_000;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    h = await startService({ agents: AGENTS, options: { maxSessions: CAP } });
    const service = h;
    const honest = await openHonest(service);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, service.service.sessions.size);
    }, 2);
    const loop = honestLoop(honest);
    const statuses: Record<number, number> = {};
    const openedHttp: string[] = [];
    // The open SSE answers are kept: an unreferenced fetch Response may be collected, and its
    // stream (and so its session) closed under the test's feet.
    const openedSse: { controller: AbortController; response: Response }[] = [];
    await pool(OPENS, 64, async (index) => {
      let status: number;
      if (index % 20 === 19) {
        // Keyless and wrong-key opens: refused before they could take a slot.
        const response = await fetch(`${service.url}/mcp`, {
          method: 'POST',
          headers: {
            ...PROTOCOL_HEADERS,
            ...(index % 40 === 39 ? authorization(newAgentKey().key) : {}),
          },
          body: JSON.stringify(initializeBody()),
        });
        status = response.status;
        await response.text();
      } else if (index % 10 === 0) {
        const controller = new AbortController();
        const response = await fetch(`${service.url}/sse`, {
          headers: { accept: 'text/event-stream', ...authorization(service.keys.beta) },
          signal: controller.signal,
        });
        status = response.status;
        if (status === 200) openedSse.push({ controller, response });
        else await response.text();
      } else {
        const response = await fetch(`${service.url}/mcp`, {
          method: 'POST',
          headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.alpha) },
          body: JSON.stringify(initializeBody(index)),
        });
        status = response.status;
        const id = response.headers.get('mcp-session-id');
        if (status === 200 && id) openedHttp.push(id);
        else expect(id).toBeNull();
        await response.text();
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    clearInterval(sampler);
    most = Math.max(most, service.service.sessions.size);
    const rounds = await loop.stop();

    // Exactly the free slots were taken (the honest agent holds two), never one more.
    const keyless = OPENS / 20;
    expect(statuses).toEqual({ 200: CAP - 2, 401: keyless, 503: OPENS - keyless - (CAP - 2) });
    expect(openedHttp.length + openedSse.length).toBe(CAP - 2);
    expect(most).toBe(CAP);
    expect(rounds).toBeGreaterThan(3);

    // Full, it keeps answering: probes, a refusal, and the honest agent's calls.
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const full = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...PROTOCOL_HEADERS, ...authorization(service.keys.beta) },
      body: JSON.stringify(initializeBody()),
    });
    expect(full.status).toBe(503);
    await full.text();
    await expectHonestServed(honest);
    // Memory: a hundred live sessions and nothing kept for the 1,900 refused opens.
    gc();
    const heapFull = process.memoryUsage().heapUsed - heapBefore;

    // Close what was opened: every slot comes back.
    await pool(openedHttp.length, 32, async (index) => {
      const response = await fetch(`${service.url}/mcp`, {
        method: 'DELETE',
        headers: inSession(openedHttp[index] as string, service.keys.alpha),
      });
      expect(response.status).toBe(200);
      await response.text();
    });
    for (const { controller } of openedSse) controller.abort();
    await expect
      .poll(() => service.service.sessions.size, { timeout: 5_000, interval: 20 })
      .toBe(2);
    gc();
    const heapAfter = process.memoryUsage().heapUsed - heapBefore;
    // (About 8 MB full and 6 MB after here: a session costs some 25 KB, so keeping anything of
    // the 1,900 refused opens, or of the closed sessions, would pass these bounds.)
    expect(heapFull).toBeLessThan(24 * 1024 * 1024);
    expect(heapAfter).toBeLessThan(16 * 1024 * 1024);
    const again = await service.connectHttp(service.keys.beta);
    expect(service.service.sessions.size).toBe(3);
    await again.close();
    await expectHonestServed(honest);
    expect(service.audit.every((record) => record.agent === 'honest')).toBe(true);
  }, 30_000);
});

describe('bytes that are not HTTP', () => {
  it('answers pipelined garbage, binary noise and smuggling attempts with 400 and a closed socket, running none of it', async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    const honest = await openHonest(service);
    const alpha = await service.connectHttp(service.keys.alpha);
    service.hub.clearRequests();
    const auditBefore = service.audit.length;
    const sessionsBefore = service.service.sessions.size;
    const host = `Host: 127.0.0.1:${service.port}\r\n`;
    const auth = `Authorization: Bearer ${service.keys.alpha}\r\n`;
    const mcp =
      `${host}${auth}Content-Type: application/json\r\nAccept: ${PROTOCOL_HEADERS.accept}\r\n` +
      `Mcp-Session-Id: ${alpha.sessionId}\r\nMcp-Protocol-Version: 2025-06-18\r\n`;
    // An authenticated call on alpha's session: if any framing below let it through, it would
    // leave an audit record and a Hub request.
    const call = toolCall(20, 'get_repository', ALICE_TOOLS);
    const chunked = `${call.length.toString(16)}\r\n${call}\r\n0\r\n\r\n`;
    const smuggled = `POST /mcp HTTP/1.1\r\n${mcp}Content-Length: ${call.length}\r\n\r\n${call}`;

    const attacks: [string, string | Buffer][] = [
      [
        'three invalid requests in one write',
        'GARBAGE\r\n\r\nGET\r\n\r\nPOST /mcp HTTP/9.9\r\n\r\n',
      ],
      ['binary noise', randomBytes(4096)],
      ['NUL bytes in the request line', Buffer.from('GET /he\0althz HTTP/1.1\r\n\r\n')],
      ['a TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex')],
      [
        'a header line without a colon',
        `POST /mcp HTTP/1.1\r\n${mcp}NoColonHere\r\nContent-Length: ${call.length}\r\n\r\n${call}`,
      ],
      [
        'a space before the colon',
        `POST /mcp HTTP/1.1\r\n${mcp}Content-Length : ${call.length}\r\n\r\n${call}`,
      ],
      [
        'Content-Length and Transfer-Encoding (CL.TE), smuggling a second call',
        `POST /mcp HTTP/1.1\r\n${mcp}Content-Length: ${chunked.length}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}${smuggled}`,
      ],
      [
        'Transfer-Encoding then Content-Length (TE.CL)',
        `POST /mcp HTTP/1.1\r\n${mcp}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${chunked}${smuggled}`,
      ],
      [
        'Transfer-Encoding: chunked, identity',
        `POST /mcp HTTP/1.1\r\n${mcp}Transfer-Encoding: chunked, identity\r\n\r\n${chunked}`,
      ],
      [
        'an unknown Transfer-Encoding',
        `POST /mcp HTTP/1.1\r\n${mcp}Transfer-Encoding: xchunked\r\n\r\n${chunked}`,
      ],
      [
        'two different Content-Lengths',
        `POST /mcp HTTP/1.1\r\n${mcp}Content-Length: ${call.length}\r\nContent-Length: 5\r\n\r\n${call}`,
      ],
      [
        'a negative Content-Length',
        `POST /mcp HTTP/1.1\r\n${mcp}Content-Length: -1\r\n\r\n${call}`,
      ],
      [
        'a folded header line',
        `POST /mcp HTTP/1.1\r\n${mcp}X-Folded: a\r\n b\r\nContent-Length: ${call.length}\r\n\r\n${call}`,
      ],
      [
        'a bare LF in a header value',
        `POST /mcp HTTP/1.1\r\n${mcp}X-Bad: a\nContent-Length: ${call.length}\r\n\r\n${call}`,
      ],
      [
        'a bad chunk size',
        `POST /mcp HTTP/1.1\r\n${mcp}Transfer-Encoding: chunked\r\n\r\nzz\r\n${call}\r\n0\r\n\r\n`,
      ],
    ];
    for (const [why, bytes] of attacks) {
      const answer = await rawExchange(service.port, bytes);
      expect(answer.status, why).toBe(400);
      expect(answer.closedByServer, why).toBe(true);
      expect(answer.text.match(/HTTP\/1\.1 /g), why).toHaveLength(1);
    }
    expect(service.audit.length).toBe(auditBefore);
    expect(service.hub.apiRequests()).toEqual([]);
    expect(service.service.sessions.size).toBe(sessionsBefore);
    await expectHonestServed(honest);

    // And a storm of it on 200 sockets at once, while the honest agent keeps calling.
    const loop = honestLoop(honest);
    const storm = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        rawExchange(
          service.port,
          (attacks[index % attacks.length] as [string, string | Buffer])[1],
        ),
      ),
    );
    const rounds = await loop.stop();
    expect(storm.every((answer) => answer.status === 400 && answer.closedByServer)).toBe(true);
    expect(rounds).toBeGreaterThan(0);
    expect(service.audit.filter((record) => record.agent !== 'honest')).toEqual([]);
    expect(service.service.sessions.size).toBe(sessionsBefore);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    await expectHonestServed(honest);
    // Alpha's own session was never touched by any of it.
    const mine = await callTool(alpha.client, 'get_repository', ALICE_TOOLS);
    expect(mine.json).toMatchObject({ namespace: 'alice', name: 'tools' });
  });
});
