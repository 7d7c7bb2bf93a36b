/**
 * Open MCP sessions, each bound to the agent that opened it. A session is found by its id and
 * its agent together: another agent's key with the same id finds nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Transport } from '@modelcontextprotocol/server';
import type { Principal } from '../audit/record.js';
import type { LaneCalls } from '../lane.js';
import type { ToolCaller } from '../server.js';

export type SessionKind = 'http' | 'sse';

export interface Session {
  id: string;
  agent: string;
  /** For a session opened with an OAuth token: whose. Only the same subject and client find it. */
  principal?: Principal;
  kind: SessionKind;
  transport: Transport;
  /**
   * Hands one HTTP request, its body already read, to the transport: each kind of transport takes
   * it through a method of its own.
   */
  deliver(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void>;
  server: Server;
  /**
   * For a Streamable HTTP session: its tool calls as the server runs them, for call-lane.ts to
   * answer without the SDK's transport when `takes()` says it may, and those running now (to
   * cancel).
   */
  lane?: { callTool: ToolCaller; takes(): boolean; calls: LaneCalls };
  lastActivity: number;
  /** Tool calls running now: a session is not idle while it has one. */
  callsInFlight: number;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  get size(): number {
    return this.sessions.size;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
  }

  /** The session with this id if `agent` (as `principal`) opened it and it is of this kind. */
  find(id: string, agent: string, kind: SessionKind, principal?: Principal): Session | undefined {
    const session = this.sessions.get(id);
    return session &&
      session.agent === agent &&
      session.kind === kind &&
      samePrincipal(session.principal, principal)
      ? session
      : undefined;
  }

  remove(id: string): void {
    this.sessions.delete(id);
  }

  /** Sessions `agent` holds open. */
  countOf(agent: string): number {
    let n = 0;
    for (const session of this.sessions.values()) if (session.agent === agent) n += 1;
    return n;
  }

  count(kind: SessionKind): number {
    let n = 0;
    for (const session of this.sessions.values()) if (session.kind === kind) n += 1;
    return n;
  }

  /** Sessions with no request since `before` and no call running. */
  idleSince(before: number): Session[] {
    return [...this.sessions.values()].filter(
      (session) => session.lastActivity < before && session.callsInFlight === 0,
    );
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }
}

function samePrincipal(a: Principal | undefined, b: Principal | undefined): boolean {
  return a?.sub === b?.sub && a?.client_id === b?.client_id;
}
