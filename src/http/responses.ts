/** The service's own answers: JSON bodies, and the JSON-RPC errors MCP endpoints answer with. */
import type { ServerResponse } from 'node:http';

/** `body` as JSON, with its length (so in one write, not chunked), and any `headers` beside. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** MCP endpoints answer errors as JSON-RPC errors, with no id (no request was accepted). */
export function sendError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
): void {
  sendJson(response, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}
