/**
 * One 2026-07-28 request by hand: the per-request `_meta` envelope in the body and the standard
 * headers (SEP-2243) that must agree with it. For tests and benchmarks that speak the era without
 * a client library.
 */

/** The headers of a 2026-07-28 POST to /mcp; `name` is the tool's, for tools/call. */
export function modernHeaders(method: string, name?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...(name ? { 'mcp-name': name } : {}),
  };
}

/** The JSON-RPC body, its params carrying the envelope (declaring `capabilities`). */
export function modernBody(
  method: string,
  params: Record<string, unknown> = {},
  id = 1,
  capabilities: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method,
    params: {
      ...params,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'hubgate-test', version: '0' },
        'io.modelcontextprotocol/clientCapabilities': capabilities,
      },
    },
  });
}

/** The JSON-RPC message of an answer, whether plain JSON or one SSE event. */
export function modernAnswer(text: string): unknown {
  const json = text.startsWith('{') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? text);
  return JSON.parse(json);
}
