/**
 * `hubgate http`: one port, many agents. Streamable HTTP at /mcp, the older HTTP+SSE transport at
 * /sse + /messages, and /healthz, /readyz, /metrics. Every MCP request passes, in order: the
 * Origin/Host guard, the agent's key, the body cap, then the session that agent opened. Each
 * session has its own McpServer built for its agent, never shared.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { Gateway } from '../gateway/gateway.js';
import { createHubgateServer } from '../server.js';
import { readJsonBody } from './body.js';
import { guardRequest } from './guard.js';
import { agentForAuthorization } from './keys.js';
import type { HubgateMetrics } from './metrics.js';
import { type Session, type SessionKind, SessionRegistry } from './sessions.js';

export interface HttpServiceOptions {
  host: string;
  port: number;
  /** The agent that requests without a key act as; none means every request needs a key. */
  allowAnonymous?: string;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
  maxBodyBytes: number;
  maxSessions: number;
  /** So that one agent (or a stolen key) cannot take every slot from the others. */
  maxSessionsPerAgent: number;
  sessionIdleMs: number;
}

export interface HttpServiceDeps {
  gateway: Gateway;
  metrics: HubgateMetrics;
  logger: Logger;
}

export interface HttpService {
  server: Server;
  sessions: SessionRegistry;
  listen(): Promise<AddressInfo>;
  /** Stops accepting, lets calls in flight finish (up to `graceMs`), then closes every session. */
  shutdown(graceMs: number): Promise<void>;
}

const SESSION_NOT_FOUND = -32001;

export function createHttpService(options: HttpServiceOptions, deps: HttpServiceDeps): HttpService {
  const { gateway, logger } = deps;
  const sessions = new SessionRegistry();
  let callsInFlight = 0;
  let ready = true;
  let port = options.port;

  // A slow or stalled client cannot hold a connection: headers, then the whole request, are
  // bounded (long answers such as SSE streams are responses, which these do not limit). Node
  // checks these bounds every 30 s by default, which would let a stalled client stay up to 40 s:
  // check every second so the bounds mean what they say.
  const server = createServer(
    {
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      route(request, response).catch((error: unknown) => {
        logger.error({ err: error, url: request.url?.slice(0, 200) }, 'request failed');
        if (!response.headersSent) sendError(response, 500, -32603, 'internal error');
        else response.end();
      });
    },
  );

  const sweeper = setInterval(
    () => {
      for (const session of sessions.idleSince(Date.now() - options.sessionIdleMs)) {
        logger.info({ session: session.id, agent: session.agent }, 'closing an idle session');
        void closeSession(session);
      }
    },
    Math.min(60_000, Math.max(250, options.sessionIdleMs / 4)),
  );
  sweeper.unref();

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz')
      return sendJson(response, 200, { status: 'ok' });
    if (request.method === 'GET' && path === '/readyz') {
      return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'shutting down' });
    }
    if (path !== '/mcp' && path !== '/sse' && path !== '/messages' && path !== '/metrics') {
      return sendJson(response, 404, {
        error: 'not found',
        endpoints: ['/mcp', '/sse', '/messages', '/healthz', '/readyz', '/metrics'],
      });
    }

    // Probes above carry nothing; everything from here (metrics name agents and tools) is guarded.
    const refused = guardRequest(request, { ...options, port });
    if (refused) return sendError(response, 403, -32000, `Forbidden: ${refused}`);
    if (path === '/metrics') {
      if (request.method !== 'GET') return sendError(response, 405, -32000, 'Method not allowed');
      response.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      response.end(await deps.metrics.registry.metrics());
      return;
    }
    const agent = identify(request);
    if (!agent) {
      response.setHeader('www-authenticate', 'Bearer realm="hubgate"');
      return sendError(
        response,
        401,
        -32000,
        'Unauthorized: send "Authorization: Bearer <agent key>" (hubgate key makes one)',
      );
    }
    if (!ready) return sendError(response, 503, -32000, 'hubgate is shutting down');

    if (path === '/mcp') return streamable(request, response, agent);
    if (path === '/sse' && request.method === 'GET') return openSse(response, agent);
    if (path === '/messages' && request.method === 'POST')
      return sseMessage(request, response, agent);
    return sendError(response, 405, -32000, `Method ${request.method} not allowed on ${path}`);
  }

  /** The agent of the request's key; without a key, the anonymous agent if one is allowed. */
  function identify(request: IncomingMessage): string | undefined {
    const header = request.headers.authorization;
    if (header === undefined) return options.allowAnonymous;
    return agentForAuthorization(gateway.store.config, header);
  }

  async function bodyOf(request: IncomingMessage, response: ServerResponse) {
    const body = await readJsonBody(request, options.maxBodyBytes);
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

  async function streamable(request: IncomingMessage, response: ServerResponse, agent: string) {
    let body: unknown;
    if (request.method === 'POST') {
      const read = await bodyOf(request, response);
      if (!read) return;
      body = read.value;
    }
    const id = request.headers['mcp-session-id'];
    if (typeof id === 'string') {
      // Another agent's session id is answered exactly like an unknown one.
      const session = sessions.find(id, agent, 'http');
      if (!session) return sendError(response, 404, SESSION_NOT_FOUND, 'Session not found');
      session.lastActivity = Date.now();
      await (session.transport as StreamableHTTPServerTransport).handleRequest(
        request,
        response,
        body,
      );
      return;
    }
    if (request.method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(
        response,
        400,
        -32000,
        'Bad Request: no Mcp-Session-Id; start a session with initialize',
      );
    }
    const full = sessionsFull(agent);
    if (full) return sendError(response, 503, -32000, full);
    const sessionId = randomUUID();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => sessionId });
    const session = await open({ id: sessionId, agent, kind: 'http', transport });
    await transport.handleRequest(request, response, body);
    // The transport refused the initialize (406, 415…) and gave out no id: nobody can use or end
    // this session, so it must not hold a slot.
    if (transport.sessionId === undefined) await closeSession(session);
  }

  async function openSse(response: ServerResponse, agent: string) {
    const full = sessionsFull(agent);
    if (full) return sendError(response, 503, -32000, full);
    const transport = new SSEServerTransport('/messages', response);
    await open({ id: transport.sessionId, agent, kind: 'sse', transport });
  }

  async function sseMessage(request: IncomingMessage, response: ServerResponse, agent: string) {
    const read = await bodyOf(request, response);
    if (!read) return;
    const id = new URL(request.url ?? '/', 'http://hubgate').searchParams.get('sessionId') ?? '';
    const session = sessions.find(id, agent, 'sse');
    if (!session) return sendError(response, 404, SESSION_NOT_FOUND, 'Session not found');
    session.lastActivity = Date.now();
    await (session.transport as SSEServerTransport).handlePostMessage(
      request,
      response,
      read.value,
    );
  }

  /** Why a new session for `agent` cannot open, or undefined when it can. */
  function sessionsFull(agent: string): string | undefined {
    if (sessions.size >= options.maxSessions) {
      return `Too many sessions (${options.maxSessions}); try again later`;
    }
    if (sessions.countOf(agent) >= options.maxSessionsPerAgent) {
      return `Agent "${agent}" has ${options.maxSessionsPerAgent} sessions open, its limit; end one (DELETE /mcp) or wait for idle ones to close`;
    }
    return undefined;
  }

  async function open(spec: {
    id: string;
    agent: string;
    kind: SessionKind;
    transport: StreamableHTTPServerTransport | SSEServerTransport;
  }): Promise<Session> {
    const mcp = createHubgateServer(gateway, {
      agentName: spec.agent,
      transport: spec.kind,
      session: spec.id,
      onCallStart: () => {
        callsInFlight += 1;
        session.callsInFlight += 1;
        return () => {
          callsInFlight -= 1;
          session.callsInFlight -= 1;
          session.lastActivity = Date.now();
        };
      },
    });
    const session: Session = { ...spec, server: mcp, lastActivity: Date.now(), callsInFlight: 0 };
    sessions.add(session);
    spec.transport.onclose = () => sessions.remove(spec.id);
    await mcp.connect(spec.transport);
    logger.info({ session: spec.id, agent: spec.agent, transport: spec.kind }, 'session opened');
    return session;
  }

  async function closeSession(session: Session): Promise<void> {
    sessions.remove(session.id);
    await session.server.close().catch(() => {});
  }

  return {
    server,
    sessions,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        // `[::1]` is how a URL writes an IPv6 address; listen() wants it bare.
        server.listen(options.port, options.host.replace(/^\[(.*)\]$/, '$1'), () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          port = address.port;
          resolve(address);
        });
      });
    },
    async shutdown(graceMs) {
      ready = false;
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (callsInFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (callsInFlight > 0)
        logger.warn({ callsInFlight }, 'shutdown grace over: closing calls still running');
      await Promise.all(sessions.all().map(closeSession));
      server.closeAllConnections();
      await closed;
    },
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** MCP endpoints answer errors as JSON-RPC errors, with no id (no request was accepted). */
function sendError(response: ServerResponse, status: number, code: number, message: string): void {
  sendJson(response, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}
