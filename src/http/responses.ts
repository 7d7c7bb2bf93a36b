/** The service's own answers: JSON bodies, and the JSON-RPC errors MCP endpoints answer with. */
import type { ServerResponse } from 'node:http';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
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
