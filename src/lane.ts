/**
 * The call lane: a 2025-era session's tools/call answered by hubgate's own code, through the same
 * tool-call function the session's SDK server runs (server.ts: the Gateway, the call counted in
 * flight), with the message the SDK would send. What the lane skips is the SDK's handling around
 * the call: over stdio the schema check of the line and the protocol layer (zod parses that
 * classify every message, a context built for every request; stdio/wire.ts); over HTTP the
 * Web-standard transport too (http/call-lane.ts).
 *
 * Only tools/call requests take the lane. Everything else a session receives, the answers to
 * hubgate's own questions (an approval's elicitation) among them, goes to the SDK as before; a
 * notifications/cancelled for a call in the lane ends that call, as the SDK's would.
 */
import type { JSONRPCMessage, Server } from '@modelcontextprotocol/server';
import { type Cancellation, CancelSource } from './cancellation.js';
import { CallRejected } from './gateway/rejection.js';
import type { ToolCaller } from './server.js';
import type { StdioWire } from './stdio/wire.js';

/** JSON-RPC's internal error, answered for a failure that names no code of its own. */
const INTERNAL_ERROR = -32603;
/** The first revision of the 2026 era: its requests carry an envelope the lane does not read. */
const MODERN = '2026-07-28';

export interface ToolCallRequest {
  jsonrpc: '2.0';
  id: string | number;
  method: 'tools/call';
  params?: Record<string, unknown>;
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/** One JSON-RPC tools/call request, shaped as the SDK's message schema requires. */
export function isToolCallRequest(message: unknown): message is ToolCallRequest {
  if (!isPlainObject(message)) return false;
  const { jsonrpc, id, method, params } = message;
  return (
    jsonrpc === '2.0' &&
    method === 'tools/call' &&
    (typeof id === 'string' || Number.isSafeInteger(id)) &&
    (params === undefined || isPlainObject(params)) &&
    Object.keys(message).every((key) => REQUEST_KEYS.has(key))
  );
}

/** The answer to `request`, as the SDK's server writes it: its result, or the error it threw. */
async function answerToolCall(
  callTool: ToolCaller,
  request: ToolCallRequest,
  signal: Cancellation,
): Promise<JSONRPCMessage> {
  try {
    const result = await callTool(request.params, signal);
    return { result, jsonrpc: '2.0', id: request.id } as JSONRPCMessage;
  } catch (error) {
    return { jsonrpc: '2.0', id: request.id, error: jsonRpcErrorOf(error) };
  }
}

/** Calls in the lane that are running, by request id: what a cancellation can end. */
export class LaneCalls {
  private readonly running = new Map<string | number, CancelSource>();

  /** Runs `request` as a call that `cancel` and `abortAll` can end. */
  async answer(callTool: ToolCaller, request: ToolCallRequest) {
    const call = new CancelSource();
    this.running.set(request.id, call);
    try {
      const answer = await answerToolCall(callTool, request, call);
      return { answer, cancelled: call.aborted };
    } finally {
      if (this.running.get(request.id) === call) this.running.delete(request.id);
    }
  }

  /** Ends the calls that a notifications/cancelled in `message` (or its batch) names. */
  cancel(message: unknown): void {
    if (this.running.size === 0) return;
    for (const each of Array.isArray(message) ? message : [message]) {
      const { method, params } = (each ?? {}) as { method?: unknown; params?: unknown };
      if (method !== 'notifications/cancelled') continue;
      const { requestId } = (params ?? {}) as { requestId?: unknown };
      if (typeof requestId !== 'string' && typeof requestId !== 'number') continue;
      this.running.get(requestId)?.cancel();
    }
  }

  /** Ends them all: the session is over. */
  abortAll(): void {
    for (const call of this.running.values()) call.cancel();
  }
}

/**
 * Puts the lane on the stdio wire of `server`'s session: once the session has agreed on a
 * 2025-era version, its tools/call requests are answered through `callTool` as they are read,
 * before the SDK's handling. As the SDK does, a call that was cancelled is not answered.
 */
export function laneOnWire(wire: StdioWire, server: Server, callTool: ToolCaller): void {
  const calls = new LaneCalls();
  const onclose = wire.onclose;
  wire.onclose = () => {
    calls.abortAll();
    onclose?.();
  };
  wire.take = (message, checked) => {
    if (isToolCallRequest(message)) {
      // A call whose params carry _meta is taken once the schema has checked it.
      if (!checked && message.params?._meta !== undefined) return false;
      const version = server.getNegotiatedProtocolVersion();
      if (version === undefined || version >= MODERN) return false;
      void calls.answer(callTool, message).then(({ answer, cancelled }) => {
        if (cancelled) return;
        wire.send(answer).catch((error: Error) => wire.onerror?.(error));
      });
      return true;
    }
    if (checked) calls.cancel(message);
    return false;
  };
}

/** The error member of an answer, as the SDK's server writes it for a handler that threw. */
export function jsonRpcErrorOf(error: unknown): {
  code: number;
  message: string;
  data?: unknown;
} {
  const { code, message, data } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
  };
  const thrown = error instanceof CallRejected || Number.isSafeInteger(code) ? code : undefined;
  return {
    code: typeof thrown === 'number' ? thrown : INTERNAL_ERROR,
    message: typeof message === 'string' ? message : 'Internal error',
    ...(data !== undefined ? { data } : {}),
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
