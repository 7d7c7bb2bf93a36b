/**
 * The shortcut in front of the SDK's era rule (http/modern.ts, plainLegacyCall): whatever it
 * calls a plain 2025 tools/call, the SDK's classifyInboundRequest calls legacy too, across bodies
 * and version headers near the edges of the rule.
 */
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { plainLegacyCall } from '../../src/http/modern.js';

const envelope = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 't', version: '0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const params = [
  undefined,
  { name: 'get_tag', arguments: { namespace: 'library', repository: 'nginx', tag: 'latest' } },
  { name: 'get_tag', _meta: { progressToken: 1 } },
  { name: 'get_tag', _meta: envelope },
  { name: 'get_tag', _meta: { 'io.modelcontextprotocol/protocolVersion': 'not a version' } },
];
const bodies: unknown[] = [
  ...params.map((p) => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    ...(p ? { params: p } : {}),
  })),
  { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: params[1] },
  { jsonrpc: '2.0', id: 1.5, method: 'tools/call', params: params[1] },
  { jsonrpc: '2.0', id: null, method: 'tools/call', params: params[1] },
  { jsonrpc: '2.0', method: 'tools/call', params: params[1] },
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: params[1], result: {} },
  { jsonrpc: '1.0', id: 1, method: 'tools/call', params: params[1] },
  { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } },
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: [] },
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: params[1] }],
];
const headers = [
  undefined,
  '2025-06-18',
  '2025-11-25',
  '2026-07-28',
  '2027-01-01',
  ' 2026-07-28',
  '2026-07-28 ',
  '\t2025-06-18',
  'garbage',
  ['2025-06-18', '2026-07-28'],
];

describe('plainLegacyCall', () => {
  it('calls legacy only what the SDK calls legacy', () => {
    let plain = 0;
    for (const body of bodies) {
      for (const header of headers) {
        if (!plainLegacyCall(header, body)) continue;
        plain += 1;
        const outcome = classifyInboundRequest({
          httpMethod: 'POST',
          body,
          ...(header === undefined
            ? {}
            : { protocolVersionHeader: Array.isArray(header) ? header.join(', ') : header }),
        });
        expect(outcome.kind, `${JSON.stringify(body)} with ${JSON.stringify(header)}`).toBe(
          'legacy',
        );
      }
    }
    // The shortcut is taken where it should be: plain calls with no header or a 2025 one.
    expect(plain).toBe(3 * 3);
  });
});
