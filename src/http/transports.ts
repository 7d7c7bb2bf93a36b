/**
 * The two MCP transports over HTTP, for an agent whose key was already checked. Streamable HTTP
 * at /mcp: a POST initialize opens a session, every other request names its session in
 * Mcp-Session-Id. The older HTTP+SSE: GET /sse opens a session and streams its answers, POST
 * /messages?sessionId=… carries the requests.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest } from '@modelcontextprotocol/server';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import { readJsonBody } from './body.js';
import { answerInLane } from './call-lane.js';
import type { Caller } from './identify.js';
import type { ModernHttp } from './modern.js';
import { sendError } from './responses.js';
import type { SessionLifecycle } from './session-lifecycle.js';
import { boundUnread } from './unread.js';

/** Answers one request on behalf of `caller`. */
export type AgentHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  caller: Caller,
) => Promise<void>;

export interface McpTransports {
  /** /mcp, any method: the transport answers the methods it does not support itself. */
  streamable: AgentHandler;
  /** GET /sse. */
  openSse: AgentHandler;
  /** POST /messages. */
  sseMessage: AgentHandler;
}

/**
 * JSON-RPC messages one POST may carry. A batch is answered whole, and 5 KB of tools/list can ask
 * for megabytes of answers: past this, it is refused unread.
 */
export const MAX_BATCH = 20;

export function createMcpTransports(
  sessions: SessionLifecycle,
  options: { maxBodyBytes: number; unreadStallMs?: number },
  modern?: ModernHttp,
): McpTransports {
  const limits = { stallMs: options.unreadStallMs };

  /** The request's JSON body, or undefined once the error is answered. */
  async function bodyOf(request: IncomingMessage, response: ServerResponse) {
    const body = await readJsonBody(request, options.maxBodyBytes);
    if (body.ok && Array.isArray(body.value) && body.value.length > MAX_BATCH) {
      sendError(
        response,
        400,
        -32600,
        `Invalid Request: a batch of ${body.value.length} messages; at most ${MAX_BATCH}`,
      );
      return undefined;
    }
    if (!body.ok) {
      // The unread rest of an oversized body is dropped with the connection.
      if (body.status === 413) response.setHeader('connection', 'close');
      sendError(
        response,
        body.status,
        -32700,
        body.status === 413 ? `Payload too large: ${body.message}` : `Parse error: ${body.message}`,
      );
      return undefined;
    }
    return body;
  }

  async function streamable(request: IncomingMessage, response: ServerResponse, caller: Caller) {
    const { agent, principal } = caller;
    const owner = principal ? { agent, principal } : { agent };
    let body: unknown;
    if (request.method === 'POST') {
      const read = await bodyOf(request, response);
      if (!read) return;
      body = read.value;
      // The 2026-07-28 era: served on its own, no session.
      if (modern?.claims(request, body)) {
        boundUnread(response, limits, () => {});
        return modern.serve(request, response, body, caller);
      }
    }
    const id = request.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const session = sessions.find({ id, ...owner, kind: 'http' });
      if (session) boundUnread(response, limits, () => void sessions.close(session));
      if (session && request.method === 'POST') {
        session.lane?.calls.cancel(body);
        if (await answerInLane(session, request, response, body)) return;
      }
      return sessions.handOff({ id, ...owner, kind: 'http' }, request, response, body);
    }
    if (request.method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(
        response,
        400,
        -32000,
        'Bad Request: no Mcp-Session-Id; start a session with initialize',
      );
    }
    const full = sessions.whyFull(agent);
    if (full) return sendError(response, 503, -32000, full);
    const sessionId = randomUUID();
    // A call's answer is an SSE stream only so that hubgate can ask the client something before
    // it (an approval, by elicitation). A client that declared it cannot be asked gets each
    // answer as one JSON body. Its capabilities are the session's for good, and hubgate sends
    // nothing else during a call. Either way its tool calls may take the call lane.
    const answers = declaresElicitation(body) ? 'sse' : 'json';
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      enableJsonResponse: answers === 'json',
    });
    const session = await sessions.open({
      id: sessionId,
      ...owner,
      kind: 'http',
      transport,
      deliver: transport.handleRequest.bind(transport),
      answers,
    });
    await transport.handleRequest(request, response, body);
    // The transport refused the initialize (406, 415…) and gave out no id: nobody can use or end
    // this session, so it must not hold a slot.
    if (transport.sessionId === undefined) await sessions.close(session);
  }

  async function openSse(_request: IncomingMessage, response: ServerResponse, caller: Caller) {
    const { agent, principal } = caller;
    const full = sessions.whyFull(agent);
    if (full) return sendError(response, 503, -32000, full);
    const transport = new SSEServerTransport('/messages', response);
    boundUnread(response, limits, () => void transport.close());
    await sessions.open({
      id: transport.sessionId,
      agent,
      ...(principal ? { principal } : {}),
      kind: 'sse',
      transport,
      deliver: transport.handlePostMessage.bind(transport),
    });
  }

  async function sseMessage(request: IncomingMessage, response: ServerResponse, caller: Caller) {
    const read = await bodyOf(request, response);
    if (!read) return;
    const id = new URL(request.url ?? '/', 'http://hubgate').searchParams.get('sessionId') ?? '';
    const owner = caller.principal
      ? { agent: caller.agent, principal: caller.principal }
      : { agent: caller.agent };
    return sessions.handOff({ id, ...owner, kind: 'sse' }, request, response, read.value);
  }

  return { streamable, openSse, sseMessage };
}

/** Whether an initialize request declares the elicitation capability (the rule elicit.ts applies). */
function declaresElicitation(initialize: unknown): boolean {
  const params = (initialize as { params?: { capabilities?: { elicitation?: unknown } } }).params;
  return !!params?.capabilities?.elicitation;
}
