/**
 * The 2026-07-28 call lane (src/http/modern-lane.ts) against the SDK's handler it stands in
 * for. Two services, the same agents, the same seeded Hub: one with the lane, one that sends
 * every request to createMcpHandler. Every request below gets the same answer from both (status,
 * media type, the JSON-RPC message, and the audit records it left); the lane takes the plain
 * calls and leaves everything else to the SDK. A lane answer says how long it is
 * (Content-Length); the SDK's is chunked: that is how the test tells who answered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { withoutTxnid } from '../helpers/harness.js';
import { modernHeaders } from '../helpers/modern-request.js';
import { authorization, type ServiceHarness, startService } from './helpers.js';

const agents = {
  reader: { credential: 'alice' as const, grants: ['repo:library/*=read'] },
  limited: { credential: 'alice' as const, grants: ['repo:library/*=read'], callsPerMinute: 1 },
  asker: { credential: 'alice' as const, grants: ['repo:library/*=read'], approve: 'always' },
};

let lane: ServiceHarness;
let sdk: ServiceHarness;
beforeAll(async () => {
  lane = await startService({ agents });
  sdk = await startService({ agents, options: { modernCallLane: false } });
});
afterAll(async () => {
  await lane?.close();
  await sdk?.close();
});
beforeEach(() => {
  for (const service of [lane, sdk]) service.audit.length = 0;
});

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'lane-test', version: '1.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const nginx = { namespace: 'library', repository: 'nginx', tag: '1.0' };

interface Case {
  name: string;
  /** The JSON-RPC message, or raw text. */
  body: unknown;
  headers?: Record<string, string | undefined>;
  agent?: keyof typeof agents;
  /** Whether the lane answers it (else the SDK does, on both services). */
  laned: boolean;
}

const call = (params: Record<string, unknown>, id: unknown = 1, more: object = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { _meta: ENVELOPE, ...params },
  ...more,
});
const getTag = (args: unknown = nginx, id: unknown = 1) =>
  call({ name: 'get_tag', arguments: args }, id);
const withEnvelope = (envelope: Record<string, unknown>) =>
  call({ name: 'get_tag', arguments: nginx, _meta: { ...ENVELOPE, ...envelope } });

const CASES: Case[] = [
  { name: 'a plain call', body: getTag(), laned: true },
  { name: 'a string id', body: getTag(nginx, 'call-7'), laned: true },
  { name: 'id 0', body: getTag(nginx, 0), laned: true },
  { name: 'a tag the Hub does not have', body: getTag({ ...nginx, tag: 'nope' }), laned: true },
  {
    name: 'a call the policy refuses',
    body: call({ name: 'get_repository', arguments: { namespace: 'bob', repository: 'x' } }),
    headers: { 'mcp-name': 'get_repository' },
    laned: true,
  },
  {
    name: 'invalid arguments',
    body: getTag({ namespace: 'library', repository: 'nginx' }),
    laned: true,
  },
  { name: 'no arguments', body: call({ name: 'get_tag' }), laned: true },
  {
    name: 'a client title in clientInfo',
    body: withEnvelope({
      'io.modelcontextprotocol/clientInfo': { name: 'x', version: '1', title: 'X' },
    }),
    laned: true,
  },
  {
    name: 'declared capabilities',
    body: withEnvelope({ 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } }),
    laned: true,
  },
  {
    name: 'a charset in Content-Type',
    body: getTag(),
    headers: { 'content-type': 'application/json; charset=utf-8' },
    laned: true,
  },
  // The SDK's: what the lane does not read, or what the SDK refuses.
  { name: 'an agent whose grants ask for approval', body: getTag(), agent: 'asker', laned: false },
  {
    name: 'an unknown tool',
    body: call({ name: 'no_such_tool', arguments: {} }),
    headers: { 'mcp-name': 'no_such_tool' },
    laned: false,
  },
  { name: 'arguments that are a list', body: getTag([1, 2]), laned: false },
  { name: 'a fractional id', body: getTag(nginx, 1.5), laned: false },
  { name: 'a null id', body: getTag(nginx, null), laned: false },
  { name: 'no Mcp-Name', body: getTag(), headers: { 'mcp-name': undefined }, laned: false },
  {
    name: 'an Mcp-Name of another tool',
    body: getTag(),
    headers: { 'mcp-name': 'get_repository' },
    laned: false,
  },
  {
    name: 'an Mcp-Method of another method',
    body: getTag(),
    headers: { 'mcp-method': 'tools/list' },
    laned: false,
  },
  {
    name: 'no MCP-Protocol-Version',
    body: getTag(),
    headers: { 'mcp-protocol-version': undefined },
    laned: false,
  },
  {
    name: 'a later MCP-Protocol-Version',
    body: getTag(),
    headers: { 'mcp-protocol-version': '2026-12-01' },
    laned: false,
  },
  {
    name: 'JSON only in Accept',
    body: getTag(),
    headers: { accept: 'application/json' },
    laned: false,
  },
  {
    name: 'SSE only in Accept',
    body: getTag(),
    headers: { accept: 'text/event-stream' },
    laned: false,
  },
  {
    name: 'a text Content-Type',
    body: getTag(),
    headers: { 'content-type': 'text/plain' },
    laned: false,
  },
  {
    name: 'another revision in the envelope',
    body: withEnvelope({ 'io.modelcontextprotocol/protocolVersion': '2025-06-18' }),
    laned: false,
  },
  {
    name: 'another field in the envelope',
    body: withEnvelope({ 'io.modelcontextprotocol/logLevel': 'debug' }),
    laned: false,
  },
  {
    name: 'a clientInfo without version',
    body: withEnvelope({ 'io.modelcontextprotocol/clientInfo': { name: 'x' } }),
    laned: false,
  },
  {
    name: 'a capability that is not an object',
    body: withEnvelope({ 'io.modelcontextprotocol/clientCapabilities': { sampling: 5 } }),
    laned: false,
  },
  {
    name: 'no capabilities',
    body: withEnvelope({ 'io.modelcontextprotocol/clientCapabilities': undefined }),
    laned: false,
  },
  {
    name: 'a retry carrying input responses',
    body: call({ name: 'get_tag', arguments: nginx, inputResponses: {}, requestState: 'x' }),
    laned: false,
  },
  {
    name: 'another member beside params',
    body: call({ name: 'get_tag', arguments: nginx }, 1, { extra: 1 }),
    laned: false,
  },
  { name: 'a batch', body: [getTag()], laned: false },
];

interface Answer {
  status: number;
  type: string;
  message: unknown;
  laned: boolean;
  records: Partial<AuditRecord>[];
}

/** POSTs the case to `service` as `agent`, and what came back and was recorded. */
async function send(service: ServiceHarness, test: Case): Promise<Answer> {
  const name = (test.body as { params?: { name?: string } }).params?.name ?? 'get_tag';
  const headers: Record<string, string> = {
    ...modernHeaders('tools/call', name),
    ...authorization(service.keys[test.agent ?? 'reader']),
  };
  for (const [header, value] of Object.entries(test.headers ?? {})) {
    if (value === undefined) delete headers[header];
    else headers[header] = value;
  }
  const response = await fetch(`${service.url}/mcp`, {
    method: 'POST',
    headers,
    body: JSON.stringify(test.body),
  });
  const text = await response.text();
  // Times differ between the two services; everything else a record says must not.
  const records = service.audit.map(({ time: _time, duration_ms: _duration, ...record }) =>
    record.approval ? { ...record, approval: { ...record.approval, at: 'T' } } : record,
  );
  service.audit.length = 0;
  return {
    status: response.status,
    type: (response.headers.get('content-type') ?? '').split(';')[0] as string,
    message: text.startsWith('{') || text.startsWith('[') ? withoutTxnid(JSON.parse(text)) : text,
    laned: response.headers.get('content-length') !== null,
    records: withoutTxnid(records) as Partial<AuditRecord>[],
  };
}

describe('HTTP: the 2026-07-28 call lane', () => {
  it.each(CASES)('answers $name as the SDK does', async (test) => {
    const fromSdk = await send(sdk, test);
    const fromLane = await send(lane, test);
    expect(fromSdk.laned).toBe(false);
    expect(fromLane.laned).toBe(test.laned);
    const { laned: _a, ...expected } = fromSdk;
    const { laned: _b, ...actual } = fromLane;
    expect(actual).toEqual(expected);
  });

  it('answers a rate-limited call as the SDK does', async () => {
    const test: Case = { name: 'rate-limited', body: getTag(), agent: 'limited', laned: true };
    for (const service of [lane, sdk]) await send(service, test);
    const fromSdk = await send(sdk, test);
    const fromLane = await send(lane, test);
    expect(fromLane.laned).toBe(true);
    const { laned: _a, ...expected } = fromSdk;
    const { laned: _b, ...actual } = fromLane;
    expect(actual).toEqual(expected);
    expect(JSON.stringify(actual.message)).toContain('rate limit');
  });

  it('ends a call whose client goes away, and records it as failed', async () => {
    const path = '/v2/namespaces/library/repositories/nginx/tags/1.20';
    lane.hub.inject({ path, delayMs: 5_000 });
    lane.hub.clearRequests();
    const gone = new AbortController();
    const began = Date.now();
    const posted = fetch(`${lane.url}/mcp`, {
      method: 'POST',
      headers: { ...modernHeaders('tools/call', 'get_tag'), ...authorization(lane.keys.reader) },
      body: JSON.stringify(getTag({ ...nginx, tag: '1.20' })),
      signal: gone.signal,
    });
    for (let i = 0; i < 200 && lane.hub.apiRequests().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(lane.hub.apiRequests()).toHaveLength(1);
    gone.abort();
    await expect(posted).rejects.toThrow();
    for (let i = 0; i < 200 && lane.audit.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Sent, and failed: the answer was not the Hub's.
    expect(lane.audit.map((record) => record.outcome)).toEqual(['error']);
    expect(Date.now() - began).toBeLessThan(4_000);
  });
});
