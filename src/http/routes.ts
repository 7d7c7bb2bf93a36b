/**
 * Which method and path go to which handler, and what a request passes before its handler runs.
 * Each path has an access level, and the checks run in this order: probes answer anyone; then the
 * Origin/Host guard; /metrics and /approvals (an operator's key); then the agent's key; then, unless the service is shutting down,
 * the MCP transports.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApprovalsEndpoint } from './approvals-endpoint.js';
import { type Identity, isMetadataPath } from './identify.js';
import type { HubgateMetrics } from './metrics.js';
import { sendError, sendJson } from './responses.js';
import type { AgentHandler, McpTransports } from './transports.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/** Handlers by HTTP method; `ANY_METHOD` takes every method the route does not name. */
type Methods<H> = Readonly<Record<string, H>>;

const ANY_METHOD = '*';

/**
 * `probe`: carries nothing, answers anyone, before the guard; on a method it does not name it is
 * not found, like an unknown path. `guarded`: past the Origin/Host guard, needs no key. `agent`:
 * past the guard, for the agent of the request's key, refused while shutting down.
 */
type Route =
  | { access: 'probe'; methods: Methods<Handler> }
  | { access: 'guarded'; methods: Methods<Handler> }
  | { access: 'agent'; methods: Methods<AgentHandler> };

export interface RouterDeps {
  transports: McpTransports;
  metrics: HubgateMetrics;
  /** Why the Origin/Host guard refuses the request, or undefined when it may go on. */
  guard(request: IncomingMessage): string | undefined;
  /** Who the request acts as, or why it may not go on (401, 403, 503). */
  identify(request: IncomingMessage): Promise<Identity>;
  /** The OAuth protected-resource metadata at this path, if any. */
  resourceMetadata(path: string): Record<string, unknown> | undefined;
  /** False turns off /sse and /messages. */
  sse?: boolean;
  /** False once shutdown has begun. */
  isReady(): boolean;
  /** False while audit records cannot be written: calls are refused, so not ready. */
  auditHealthy(): boolean;
  /** The operator's endpoint for out-of-band approvals; it checks the operator's key itself. */
  approvals: ApprovalsEndpoint;
}

export type Router = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export function createRouter(deps: RouterDeps): Router {
  const routes: Readonly<Record<string, Route>> = {
    '/mcp': { access: 'agent', methods: { [ANY_METHOD]: deps.transports.streamable } },
    // The deprecated HTTP+SSE transport, for hosts that speak only it, unless turned off.
    ...(deps.sse === false
      ? {}
      : {
          '/sse': { access: 'agent', methods: { GET: deps.transports.openSse } } as Route,
          '/messages': { access: 'agent', methods: { POST: deps.transports.sseMessage } } as Route,
        }),
    '/healthz': {
      access: 'probe',
      methods: { GET: (_request, response) => sendJson(response, 200, { status: 'ok' }) },
    },
    '/readyz': {
      access: 'probe',
      methods: {
        GET: (_request, response) => {
          if (!deps.isReady()) return sendJson(response, 503, { status: 'shutting down' });
          if (!deps.auditHealthy()) {
            return sendJson(response, 503, { status: 'audit records cannot be written' });
          }
          sendJson(response, 200, { status: 'ready' });
        },
      },
    },
    // Past the guard; the handlers take only an operator's key, never an agent's.
    '/approvals': {
      access: 'guarded',
      methods: { GET: deps.approvals.list, POST: deps.approvals.decide },
    },
    '/metrics': {
      access: 'guarded',
      methods: {
        GET: async (_request, response) => {
          response.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
          response.end(await deps.metrics.registry.metrics());
        },
      },
    },
  };
  const endpoints = Object.keys(routes);

  return async function route(request, response) {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? '';
    if (isMetadataPath(path) && method === 'GET') {
      // Public by design (RFC 9728): how an OAuth client finds the identity provider.
      const metadata = deps.resourceMetadata(path);
      if (metadata) return sendJson(response, 200, metadata);
    }
    const found = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (found?.access === 'probe') {
      const probe = handlerFor(found.methods, method);
      if (probe) return probe(request, response);
    }
    if (!found || found.access === 'probe') {
      return sendJson(response, 404, { error: 'not found', endpoints });
    }

    // Probes above carry nothing; everything from here (metrics name agents and tools) is guarded.
    const refused = deps.guard(request);
    if (refused) return sendError(response, 403, -32000, `Forbidden: ${refused}`);
    if (found.access === 'guarded') {
      const handler = handlerFor(found.methods, method);
      if (!handler) return sendError(response, 405, -32000, 'Method not allowed');
      return handler(request, response);
    }

    const identity = await deps.identify(request);
    if (!identity.ok) {
      if (identity.challenge) response.setHeader('www-authenticate', identity.challenge);
      return sendError(response, identity.status, -32000, identity.message);
    }
    if (!deps.isReady()) return sendError(response, 503, -32000, 'hubgate is shutting down');
    const handler = handlerFor(found.methods, method);
    if (!handler) {
      return sendError(response, 405, -32000, `Method ${request.method} not allowed on ${path}`);
    }
    return handler(request, response, identity.caller);
  };
}

function handlerFor<H>(methods: Methods<H>, method: string): H | undefined {
  if (Object.hasOwn(methods, method)) return methods[method];
  return Object.hasOwn(methods, ANY_METHOD) ? methods[ANY_METHOD] : undefined;
}
