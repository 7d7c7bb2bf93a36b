/**
 * Both protocol eras on one HTTP port. 2025-era clients keep their sessions (initialize,
 * Mcp-Session-Id); 2026-07-28 clients are served request by request, the agent taken from the key
 * on each, with no session at all. Either way calls go through the same Gateway and leave their
 * audit records, and the agent sees only its own tools.
 */
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttp,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { modernAnswer, modernBody, modernHeaders } from '../helpers/modern-request.js';
import { authorization, callTool, type ServiceHarness, startService } from './helpers.js';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startService({
    agents: {
      reader: { grants: ['repo:library/*=read'] },
      writer: { grants: ['repo:library/*=read', 'repo:bob/*=write'] },
    },
  });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.audit.length = 0;
  h.hub.clearRequests();
});

async function modernClient(key: string | undefined, mode: 'auto' | { pin: '2026-07-28' }) {
  const transport = new ModernHttp(new URL(`${h.url}/mcp`), {
    requestInit: { headers: authorization(key) },
  });
  const client = new ModernClient(
    { name: 'modern', version: '0' },
    { versionNegotiation: { mode } },
  );
  await client.connect(transport);
  return client;
}

const nginxTag = { namespace: 'library', repository: 'nginx', tag: '1.0' };

describe('HTTP: the 2026-07-28 era beside 2025 sessions', () => {
  it.each([
    ['pinned', { pin: '2026-07-28' } as const],
    ['auto', 'auto' as const],
  ])('serves a 2026-07-28 client (%s) statelessly, as the agent of its key', async (_how, mode) => {
    const client = await modernClient(h.keys.reader, mode);
    try {
      expect(client.getProtocolEra()).toBe('modern');
      const listed = await client.listTools();
      expect(listed.cacheScope).toBe('private');
      expect(listed.tools.map((tool) => tool.name)).not.toContain('create_repository');
      const result = await client.callTool({ name: 'get_tag', arguments: nginxTag });
      expect(result.isError ?? false).toBe(false);
      const refused = await client.callTool({
        name: 'create_repository',
        arguments: { namespace: 'bob', name: 'x' },
      });
      expect(refused.isError).toBe(true);
    } finally {
      await client.close();
    }
    expect(h.service.sessions.count('http')).toBe(0);
    expect(
      h.audit.map((record) => [record.agent, record.tool, record.outcome, record.session]),
    ).toEqual([
      ['reader', 'get_tag', 'ok', null],
      ['reader', 'create_repository', 'denied', null],
    ]);
  });

  it('keeps 2025-era sessions working on the same port', async () => {
    const legacy = await h.connectHttp(h.keys.writer);
    try {
      expect(legacy.sessionId).not.toBe('');
      expect((await callTool(legacy.client, 'get_tag', nginxTag)).isError).toBe(false);
    } finally {
      await legacy.close();
    }
    expect(h.audit[0]).toMatchObject({ agent: 'writer', session: legacy.sessionId });
  });

  it('refuses a 2026-era request without a key, with nothing sent', async () => {
    await expect(modernClient(undefined, { pin: '2026-07-28' })).rejects.toThrow();
    expect(h.hub.apiRequests()).toEqual([]);
  });

  it('answers an unknown method 404 with -32601, and records a malformed call', async () => {
    const unknown = await modernPost(h.keys.reader, 'no/such/method', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: -32601 } });
    const malformed = await modernPost(h.keys.reader, 'tools/call', { name: 42, arguments: [] });
    expect(malformed.json).toHaveProperty('error');
    expect(h.audit).toHaveLength(1);
    expect(h.audit[0]).toMatchObject({
      agent: 'reader',
      tool: '(not a string)',
      decision: 'deny',
      reason: 'malformed tools/call',
    });
    expect(h.hub.apiRequests()).toEqual([]);
  });

  it('refuses a request whose standard headers disagree with its body', async () => {
    const answer = await modernPost(
      h.keys.reader,
      'tools/list',
      {},
      { 'mcp-method': 'tools/call' },
    );
    expect(answer.status).toBe(400);
    expect(h.audit).toEqual([]);
  });
});

/** One 2026-07-28 request, by hand: the per-request envelope and the standard headers. */
async function modernPost(
  key: string | undefined,
  method: string,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${h.url}/mcp`, {
    method: 'POST',
    headers: { ...modernHeaders(method), ...authorization(key), ...headers },
    body: modernBody(method, params),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = modernAnswer(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

describe('--no-sse', () => {
  it('turns off /sse and /messages (404), and leaves /mcp as it was', async () => {
    const off = await startService({
      agents: { reader: { grants: ['repo:library/*=read'] } },
      options: { noSse: true },
    });
    try {
      const sse = await fetch(`${off.url}/sse`, { headers: authorization(off.keys.reader) });
      expect(sse.status).toBe(404);
      const messages = await fetch(`${off.url}/messages?sessionId=x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization(off.keys.reader) },
        body: '{}',
      });
      expect(messages.status).toBe(404);
      const legacy = await off.connectHttp(off.keys.reader);
      expect((await callTool(legacy.client, 'get_tag', nginxTag)).isError).toBe(false);
      await legacy.close();
    } finally {
      await off.close();
    }
  });
});
