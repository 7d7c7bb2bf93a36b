/**
 * `hubgate http`: one port, many agents. Streamable HTTP at /mcp, the older HTTP+SSE transport at
 * /sse + /messages, and /healthz, /readyz, /metrics. Every MCP request passes, in order: the
 * Origin/Host guard, the agent's key, the body cap, then the session that agent opened. Each
 * session has its own McpServer built for its agent, never shared.
 *
 * This module puts the pieces together: the route table (routes.ts), the transports
 * (transports.ts), the sessions' lifecycle (session-lifecycle.ts), and the node server under them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Gateway } from '../gateway/gateway.js';
import type { VerifierOptions } from '../oauth/verifier.js';
import { approvalsEndpoint } from './approvals-endpoint.js';
import { guardRequest } from './guard.js';
import { createIdentifier } from './identify.js';
import type { HubgateMetrics } from './metrics.js';
import { createModernHttp } from './modern.js';
import { sendError } from './responses.js';
import { createRouter } from './routes.js';
import { createSessionLifecycle } from './session-lifecycle.js';
import type { SessionRegistry } from './sessions.js';
import { createMcpTransports } from './transports.js';

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
  /** Open connections at most (node's maxConnections). */
  maxConnections: number;
  /** Connections from one address that have sent no byte yet, at most. */
  maxSilentPerAddress: number;
  /** Off: /sse and /messages (the deprecated HTTP+SSE transport) answer 404. */
  noSse?: boolean;
  /** How long an answer stream may hold bytes its client does not read (MAX_STALL_MS). */
  unreadStallMs?: number;
  /** How OAuth tokens' keys are fetched and cached (tests shorten the cooldown). */
  oauthVerifier?: VerifierOptions;
  /** False: 2026-07-28 calls are all served by the SDK's handler (tests compare the lane with it). */
  modernCallLane?: boolean;
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

export function createHttpService(options: HttpServiceOptions, deps: HttpServiceDeps): HttpService {
  const { gateway, logger } = deps;
  const sessions = createSessionLifecycle(options, { gateway, logger });
  let ready = true;
  // The port the guard expects in Host and Origin: the real one once listen() has bound it.
  let port = options.port;

  const modern = createModernHttp({
    gateway,
    logger,
    onCallStart: () => sessions.callStarted(),
    ...(options.modernCallLane === false ? { lane: false } : {}),
  });
  const identifier = createIdentifier({
    config: () => gateway.store.config,
    ...(options.allowAnonymous ? { allowAnonymous: options.allowAnonymous } : {}),
    ...(options.oauthVerifier ? { verifier: options.oauthVerifier } : {}),
  });

  const route = createRouter({
    transports: createMcpTransports(sessions, options, modern),
    metrics: deps.metrics,
    guard: (request) => guardRequest(request, { ...options, port }),
    identify: (request) => identifier.identify(request),
    resourceMetadata: (path) => identifier.resourceMetadata(path),
    sse: options.noSse !== true,
    isReady: () => ready,
    auditHealthy: () => gateway.auditHealthy(),
    approvals: approvalsEndpoint(gateway),
  });

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

  server.maxConnections = options.maxConnections;
  watchSilentConnections(server, options.maxSilentPerAddress);

  return {
    server,
    sessions: sessions.registry,
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await sessions.drain(graceMs);
      server.closeAllConnections();
      await closed;
      await modern.close().catch(() => {});
    },
  };
}

/**
 * How long a connection may stay silent after it is accepted. Node's header timeout starts at the
 * first byte: a socket that never sends one would otherwise stay open for good.
 */
const FIRST_BYTE_MS = 10_000;
/** A silent connection younger than this is not closed to make room: it may be about to speak. */
const EVICTABLE_AFTER_MS = 1_000;

/**
 * Closes connections that make no request within FIRST_BYTE_MS, and keeps at most
 * `maxPerAddress` such silent ones per address: a new one closes the oldest (once that one has
 * been silent for EVICTABLE_AFTER_MS). A connection that
 * has made a request no longer counts, and a newcomer is never turned away, so an agent's calls
 * go on while someone opens sockets and says nothing. (A request begun and never finished is the
 * header timeout's.) The HTTP parser reads the socket itself, so a request is what counts as
 * speaking, not a 'data' event.
 */
function watchSilentConnections(server: Server, maxPerAddress: number): void {
  const silent = new Map<string, Set<Socket>>();
  const spokeOn = new WeakMap<object, () => void>();
  const acceptedAt = new WeakMap<Socket, number>();
  server.on('request', (request) => spokeOn.get(request.socket)?.());
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    let waiting = silent.get(address);
    if (!waiting) {
      waiting = new Set();
      silent.set(address, waiting);
    }
    const group = waiting;
    if (group.size >= maxPerAddress) {
      // Sets iterate in insertion order: the first is the oldest. One that has been silent for
      // a moment gives way; a burst of fresh connections (a client opening several at once, a
      // proxy) does not, and maxConnections still bounds them all.
      const oldest = group.keys().next().value;
      if (oldest && Date.now() - (acceptedAt.get(oldest) ?? 0) >= EVICTABLE_AFTER_MS) {
        group.delete(oldest);
        oldest.destroy();
      }
    }
    acceptedAt.set(socket, Date.now());
    group.add(socket);
    const timer = setTimeout(() => socket.destroy(), FIRST_BYTE_MS);
    timer.unref();
    const spoke = () => {
      clearTimeout(timer);
      group.delete(socket);
      if (group.size === 0 && silent.get(address) === group) silent.delete(address);
    };
    spokeOn.set(socket, spoke);
    socket.once('close', spoke);
  });
}
