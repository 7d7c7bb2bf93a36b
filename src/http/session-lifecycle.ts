/**
 * The life of a session, whatever its transport: opened for one agent within the limits, with an
 * McpServer of its own; handed the requests that name it; its tool calls counted; closed when its
 * transport ends, when it idles, or when the service shuts down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Principal } from '../audit/record.js';
import type { AgentConfig } from '../config/types.js';
import type { Gateway } from '../gateway/gateway.js';
import { LaneCalls } from '../lane.js';
import { createHubgateSession, type HubgateSession } from '../server.js';
import { sendError } from './responses.js';
import { type Session, type SessionKind, SessionRegistry } from './sessions.js';

const SESSION_NOT_FOUND = -32001;
/** How long calls whose Hub requests were ended may take to answer, at shutdown. */
const ANSWER_AFTER_ABORT_MS = 1_000;

export interface SessionLimits {
  maxSessions: number;
  maxSessionsPerAgent: number;
  sessionIdleMs: number;
}

/** What a transport brings to a new session; the lifecycle adds the server and the counters. */
export type SessionSpec = Pick<Session, 'id' | 'agent' | 'kind' | 'transport' | 'deliver'> &
  Pick<Partial<Session>, 'principal'> & {
    /**
     * A Streamable HTTP session's tool calls may take the call lane (call-lane.ts): `json` when
     * its transport answers in JSON (its client cannot be asked), `sse` when it answers in SSE.
     */
    answers?: 'json' | 'sse';
  };

/** Which session a request names: the agent is the one its key identified. */
export interface SessionTarget {
  id: string;
  agent: string;
  kind: SessionKind;
  principal?: Principal;
}

export interface SessionLifecycle {
  readonly registry: SessionRegistry;
  /** Why a new session for `agent` cannot open, or undefined when it can. */
  whyFull(agent: string): string | undefined;
  open(spec: SessionSpec): Promise<Session>;
  /** Gives the request to the session it names, or answers 404 when there is none. */
  handOff(
    target: SessionTarget,
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
  ): Promise<void>;
  close(session: Session): Promise<void>;
  /** The session a request names, if its agent opened it and it is of this kind. */
  find(target: SessionTarget): Session | undefined;
  /** Stops closing idle sessions, lets calls in flight finish (up to `graceMs`), closes them all. */
  drain(graceMs: number): Promise<void>;
  /** Counts a call outside any session (2026-07-28) as in flight; the function ends it. */
  callStarted(): () => void;
}

export function createSessionLifecycle(
  limits: SessionLimits,
  deps: { gateway: Gateway; logger: Logger },
): SessionLifecycle {
  const { gateway, logger } = deps;
  const registry = new SessionRegistry();
  let callsInFlight = 0;

  const sweeper = setInterval(
    () => {
      for (const session of registry.idleSince(Date.now() - limits.sessionIdleMs)) {
        logger.info({ session: session.id, agent: session.agent }, 'closing an idle session');
        void close(session);
      }
    },
    Math.min(60_000, Math.max(250, limits.sessionIdleMs / 4)),
  );
  sweeper.unref();

  function whyFull(agent: string): string | undefined {
    if (registry.size >= limits.maxSessions) {
      return `Too many sessions (${limits.maxSessions}); try again later`;
    }
    if (registry.countOf(agent) >= limits.maxSessionsPerAgent) {
      return `Agent "${agent}" has ${limits.maxSessionsPerAgent} sessions open, its limit; end one (DELETE /mcp) or wait for idle ones to close`;
    }
    return undefined;
  }

  async function open({ answers, ...spec }: SessionSpec): Promise<Session> {
    const { server: mcp, ...calls } = createHubgateSession(gateway, {
      agentName: spec.agent,
      transport: spec.kind,
      session: spec.id,
      ...(spec.principal ? { principal: spec.principal } : {}),
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
    const session: Session = {
      ...spec,
      server: mcp,
      ...(answers ? { lane: laneFor(answers, spec.agent, calls) } : {}),
      lastActivity: Date.now(),
      callsInFlight: 0,
    };
    registry.add(session);
    spec.transport.onclose = () => {
      registry.remove(spec.id);
      // As the SDK ends the calls its server is running when the session ends.
      session.lane?.calls.abortAll();
    };
    await mcp.connect(spec.transport);
    logger.info({ session: spec.id, agent: spec.agent, transport: spec.kind }, 'session opened');
    return session;
  }

  /**
   * A JSON session's calls all take the lane: its client cannot be asked anything. An SSE
   * session's take it only while its agent has nothing to ask in the session (no grant marked
   * approve:, or approvals by an operator); the call is then made asking no one, so that a
   * reload adding an approval in between refuses it at once rather than asking where the lane's
   * JSON answer leaves no way back.
   */
  function laneFor(
    answers: 'json' | 'sse',
    agentName: string,
    calls: Omit<HubgateSession, 'server'>,
  ): NonNullable<Session['lane']> {
    if (answers === 'json') {
      return { callTool: calls.callTool, takes: () => true, calls: new LaneCalls() };
    }
    return {
      callTool: calls.callToolAskingNoOne,
      takes: () => !asksInSession(gateway.store.agent(agentName)),
      calls: new LaneCalls(),
    };
  }

  async function handOff(
    target: SessionTarget,
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
  ): Promise<void> {
    // Another agent's session id is answered exactly like an unknown one.
    const session = registry.find(target.id, target.agent, target.kind, target.principal);
    if (!session) return sendError(response, 404, SESSION_NOT_FOUND, 'Session not found');
    session.lastActivity = Date.now();
    await session.deliver(request, response, body);
  }

  async function close(session: Session): Promise<void> {
    registry.remove(session.id);
    await session.server.close().catch(() => {});
  }

  const settled = async (until: number) => {
    while (callsInFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  async function drain(graceMs: number): Promise<void> {
    clearInterval(sweeper);
    await settled(Date.now() + graceMs);
    if (callsInFlight > 0) {
      logger.warn({ callsInFlight }, 'shutdown grace over: ending the Hub calls still running');
      // Their Hub requests end now, so that each call still answers its client (an error)
      // before its session closes.
      await gateway.abortHubCalls();
      await settled(Date.now() + ANSWER_AFTER_ABORT_MS);
    }
    await Promise.all(registry.all().map(close));
  }

  const find = (target: SessionTarget) =>
    registry.find(target.id, target.agent, target.kind, target.principal);
  function callStarted(): () => void {
    callsInFlight += 1;
    return () => {
      callsInFlight -= 1;
    };
  }

  return { registry, whyFull, open, handOff, close, drain, find, callStarted };
}

/** Whether a call of this agent's may ask its client's user (a grant marks approve:). */
function asksInSession(agent: AgentConfig | undefined): boolean {
  return !!agent && agent.approveVia !== 'operator' && agent.grants.some((grant) => grant.approve);
}
