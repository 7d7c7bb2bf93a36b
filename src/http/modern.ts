/**
 * The 2026-07-28 era over HTTP, beside the 2025 sessions: a request that carries the per-request
 * `_meta` envelope is served on its own, statelessly, by a fresh server for the agent its key (or
 * token) names; there is no initialize, no Mcp-Session-Id and no stream to keep. 2025-era requests
 * (no envelope) keep their sessions in transports.ts.
 *
 * The SDK's `createMcpHandler` does the serving (era checks, standard headers, `server/discover`,
 * 404 with -32601 for unknown methods, as the spec requires); hubgate decides who is calling
 * before it runs and hands the caller to the factory through the request's pass-through auth.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  classifyInboundRequest,
  createMcpHandler,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { Gateway } from '../gateway/gateway.js';
import { CallRejected } from '../gateway/rejection.js';
import { isToolCallRequest } from '../lane.js';
import { createHubgateServer } from '../server.js';
import type { Caller } from './identify.js';
import { answerModernCall, laneTakes, plainModernCall } from './modern-lane.js';
import { sendError, sendJson } from './responses.js';

export interface ModernHttp {
  /** True for a POST whose body claims the 2026-07-28 era (or a later one). */
  claims(request: IncomingMessage, body: unknown): boolean;
  /** Serves the request for `caller`; the body is already read. */
  serve(
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
    caller: Caller,
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * The methods a 2026-era hubgate serves. Any other is answered HTTP 404 with -32601, as the spec
 * requires, here: hubgate's server takes every method itself (so that each counts against the
 * agent's rate limit), and an error a handler throws is answered in-band with 200.
 */
const SERVED = new Set([
  'server/discover',
  'ping',
  'tools/list',
  'tools/call',
  // The stream a 2026-era client listens on for list_changed, which the SDK serves.
  'subscriptions/listen',
]);

/** The first 2026-era revision: a version header at or after it claims the era. */
const FIRST_MODERN = '2026-07-28';

/**
 * A 2025 session's tools/call that the SDK's rule could only call legacy: a JSON-RPC request as
 * the lane takes it (isToolCallRequest), no _meta in its params (so no envelope claim), and no
 * version header, or one that names a revision before 2026-07-28 exactly (nothing for the SDK
 * to strip). The SDK's guards are then not run for every call. Anything else is the SDK's.
 */
export function plainLegacyCall(versionHeader: string | string[] | undefined, body: unknown) {
  if (!isToolCallRequest(body) || (body.params && '_meta' in body.params)) return false;
  return (
    versionHeader === undefined ||
    (typeof versionHeader === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(versionHeader) &&
      versionHeader < FIRST_MODERN)
  );
}

/** What rides on the SDK's pass-through auth to the factory: never a key or a token. */
type CarriedAuth = AuthInfo & { extra: { caller: Caller } };

export function createModernHttp(deps: {
  gateway: Gateway;
  logger: Logger;
  /** Counts a call in flight, so that shutdown gives it its grace; returns its end. */
  onCallStart: () => () => void;
  /** False: every request goes to the SDK's handler, plain calls too (modern-lane.ts). */
  lane?: boolean;
}): ModernHttp {
  const handler = createMcpHandler(
    (context) => {
      const caller = (context.authInfo as CarriedAuth | undefined)?.extra?.caller;
      // The router identified every request before it came here: none arrives without.
      if (!caller) throw new Error('a 2026-era request reached the MCP handler unidentified');
      return createHubgateServer(deps.gateway, {
        agentName: caller.agent,
        transport: 'http',
        session: null,
        ...(caller.principal ? { principal: caller.principal } : {}),
        onCallStart: deps.onCallStart,
      });
    },
    {
      legacy: 'reject',
      onerror: (error) => deps.logger.warn({ err: error }, 'a 2026-era request failed'),
    },
  );
  const node = toNodeHandler(handler, {
    onerror: (error) => deps.logger.error({ err: error }, 'a 2026-era request could not be served'),
  });

  return {
    claims(request, body) {
      if (request.method !== 'POST' || body === undefined) return false;
      if (plainLegacyCall(request.headers['mcp-protocol-version'], body)) return false;
      // The lane's calls are of the era by their shape: no need for the SDK's rule.
      if (deps.lane !== false && plainModernCall(request, body)) return true;
      // The SDK's own rule (what isLegacyRequest applies), on the parsed body and the three
      // standard headers as they are: no Request or Headers object is built for every POST.
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      };
      const protocolVersionHeader = header('mcp-protocol-version');
      const mcpMethodHeader = header('mcp-method');
      const mcpNameHeader = header('mcp-name');
      const outcome = classifyInboundRequest({
        httpMethod: 'POST',
        body,
        ...(protocolVersionHeader === undefined ? {} : { protocolVersionHeader }),
        ...(mcpMethodHeader === undefined ? {} : { mcpMethodHeader }),
        ...(mcpNameHeader === undefined ? {} : { mcpNameHeader }),
      });
      return outcome.kind !== 'legacy';
    },
    async serve(request, response, body, caller) {
      const plain = deps.lane === false ? undefined : plainModernCall(request, body);
      if (plain && laneTakes(deps.gateway, caller.agent)) {
        return answerModernCall(plain, response, caller, deps);
      }
      const method = (body as { method?: unknown }).method;
      if (
        typeof method === 'string' &&
        !SERVED.has(method) &&
        !method.startsWith('notifications/')
      ) {
        try {
          await deps.gateway.admit(caller.agent, method);
        } catch (error) {
          if (!(error instanceof CallRejected)) throw error;
          return sendError(response, 429, error.code, error.message);
        }
        // The answer names the request it answers, as the 2026-07-28 schema requires.
        const id = (body as { id?: unknown }).id;
        return sendJson(response, 404, {
          jsonrpc: '2.0',
          id: typeof id === 'string' || typeof id === 'number' ? id : null,
          error: { code: -32601, message: `Method not found: ${method.slice(0, 100)}` },
        });
      }
      const carried: CarriedAuth = {
        token: '',
        clientId: caller.principal?.client_id ?? '',
        scopes: [],
        extra: { caller },
      };
      (request as IncomingMessage & { auth?: AuthInfo }).auth = carried;
      await node(request, response, body);
    },
    close: () => handler.close(),
  };
}
