/**
 * The call lane: the commonest request of a 2025-era Streamable HTTP session, a POST carrying one
 * tools/call, answered here in a session whose answers are JSON (its client cannot be asked
 * anything during a call). The call runs through the same function the session's server runs it
 * with (server.ts: the Gateway, the call counted in flight), and the answer is the message the SDK
 * would send; what is skipped is the SDK's Web-standard transport around it (a Request and a
 * Response built for every POST, zod parses of each message), which cost more than half of the
 * service's CPU per call.
 *
 * It takes a request only when the SDK's transport would have accepted it and answered with one
 * JSON body; anything else (another method, a batch, a notification, a header the SDK would
 * refuse, a session that answers in SSE) goes to the SDK as before, which answers it or says why
 * not. A notifications/cancelled for a call in the lane ends that call, as the SDK's would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallRejected } from '../gateway/rejection.js';
import type { Session } from './sessions.js';

/** JSON-RPC's internal error, answered for a failure that names no code of its own. */
const INTERNAL_ERROR = -32603;

interface ToolCallRequest {
  jsonrpc: '2.0';
  id: string | number;
  method: 'tools/call';
  params?: Record<string, unknown>;
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * Answers `body` in the lane and resolves true, or resolves false at once (nothing read, nothing
 * answered) when the request is not one for the lane.
 */
export async function answerInLane(
  session: Session,
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
): Promise<boolean> {
  const { lane } = session;
  if (!lane || !isToolCall(body) || !acceptedBySdk(request, session)) return false;
  const controller = new AbortController();
  lane.running.set(body.id, controller);
  session.lastActivity = Date.now();
  let answer: unknown;
  try {
    const result = await lane.callTool(body.params, controller.signal);
    answer = { result, jsonrpc: '2.0', id: body.id };
  } catch (error) {
    answer = { jsonrpc: '2.0', id: body.id, error: errorOf(error) };
  } finally {
    if (lane.running.get(body.id) === controller) lane.running.delete(body.id);
  }
  const text = JSON.stringify(answer);
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'mcp-session-id': session.id,
  });
  response.end(text);
  return true;
}

/** Ends the calls in the lane that a notifications/cancelled in `body` (or its batch) names. */
export function cancelInLane(session: Session, body: unknown): void {
  const running = session.lane?.running;
  if (!running?.size) return;
  for (const message of Array.isArray(body) ? body : [body]) {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: unknown };
    if (method !== 'notifications/cancelled') continue;
    const { requestId, reason } = (params ?? {}) as { requestId?: unknown; reason?: unknown };
    if (typeof requestId !== 'string' && typeof requestId !== 'number') continue;
    running.get(requestId)?.abort(typeof reason === 'string' ? reason : undefined);
  }
}

/** One JSON-RPC tools/call request, shaped as the SDK's message schema requires. */
function isToolCall(body: unknown): body is ToolCallRequest {
  if (!isPlainObject(body)) return false;
  const { jsonrpc, id, method, params } = body;
  return (
    jsonrpc === '2.0' &&
    method === 'tools/call' &&
    (typeof id === 'string' || Number.isSafeInteger(id)) &&
    (params === undefined || isPlainObject(params)) &&
    Object.keys(body).every((key) => REQUEST_KEYS.has(key))
  );
}

/**
 * The checks the SDK's transport makes of a POST in a session, here as a yes: a request failing
 * any of them goes to the SDK, which answers it with its own error.
 */
function acceptedBySdk(request: IncomingMessage, session: Session): boolean {
  const accept = request.headers.accept ?? '';
  const version = request.headers['mcp-protocol-version'];
  return (
    accept.includes('application/json') &&
    accept.includes('text/event-stream') &&
    isJsonContentType(request.headers['content-type']) &&
    // Absent, the SDK assumes its default; present, it must be what the session agreed on (a
    // version the SDK supports): another is the SDK's to judge.
    (version === undefined || version === session.server.getNegotiatedProtocolVersion())
  );
}

function isJsonContentType(value: string | undefined): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The error member of the answer, as the SDK's server writes it for a handler that threw. */
function errorOf(error: unknown): { code: number; message: string; data?: unknown } {
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
  const thrown = error instanceof CallRejected || Number.isSafeInteger(code) ? code : undefined;
  return {
    code: typeof thrown === 'number' ? thrown : INTERNAL_ERROR,
    message: typeof message === 'string' ? message : 'Internal error',
    ...(data !== undefined ? { data } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
