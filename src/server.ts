/**
 * The MCP adapter: an SDK Server for one agent's session over the Gateway, which owns the call
 * path. It lists the agent's tools, hands every tools/call to gateway.call(), and tells the client
 * when a reload changed its tool list. Nothing here decides, calls the Hub or writes audit records.
 *
 * It uses the SDK's low-level Server rather than McpServer: McpServer validates arguments itself
 * and answers "tool not found" for anything not registered, while hubgate needs every call, listed
 * or not, to reach the Gateway and leave an audit record.
 */

import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import type { RoundTripMaterial } from './approval/round-trip.js';
import type { Approver } from './approval/types.js';
import type { Principal, Transport } from './audit/record.js';
import type { Cancellation } from './cancellation.js';
import { elicitingApprover, formValidator } from './elicit.js';
import type { CallContext } from './gateway/call.js';
import type { Gateway } from './gateway/gateway.js';
import { CallRejected } from './gateway/rejection.js';
import { INSTRUCTIONS, SERVER_CAPABILITIES, SERVER_INFO } from './server-identity.js';

export interface SessionOptions {
  /** The agent this session acts as; looked up in the config on every call. */
  agentName: string;
  transport: Transport;
  session?: string | null;
  /** Whose OAuth token opened the session, for the audit records of its calls. */
  principal?: Principal;
  /** Told when a call starts; the function it returns, when the call ends (idle sessions). */
  onCallStart?: () => () => void;
}

/**
 * A 2025-era tools/call as a session's server runs it, for a caller that answers the request
 * without the SDK (http/call-lane.ts): its result, or a CallRejected to answer as an error.
 * `signal` is the SDK's AbortSignal for the request, or the lane's own CancelSource.
 */
export type ToolCaller = (params: unknown, signal: Cancellation) => Promise<CallToolResult>;

export function createHubgateServer(gateway: Gateway, options: SessionOptions): Server {
  return createHubgateSession(gateway, options).server;
}

export interface HubgateSession {
  server: Server;
  /** The tool-call function the server's tools/call handler runs in the 2025 era. */
  callTool: ToolCaller;
  /**
   * The same call for a caller that cannot carry a question to the client during it (a lane
   * answering in JSON in a session whose answers are SSE): an approval is refused at once as
   * unavailable, never asked where no answer could come back.
   */
  callToolAskingNoOne: ToolCaller;
}

/** A session's server, and the tool-call functions for the 2025 era. */
export function createHubgateSession(gateway: Gateway, options: SessionOptions): HubgateSession {
  const { agentName } = options;
  const server = new Server(SERVER_INFO, {
    capabilities: SERVER_CAPABILITIES,
    instructions: INSTRUCTIONS,
    // It checks the answers to hubgate's own approval form only (elicit.ts).
    jsonSchemaValidator: formValidator,
  });
  const context = {
    transport: options.transport,
    session: options.session ?? null,
    ...(options.principal ? { principal: options.principal } : {}),
  };
  // Grants marked approve: ask the client's user, when the client can ask one: by elicitation
  // in a 2025-era session, by answering input_required over 2026-07-28.
  const askInSession = elicitingApprover(server, () => gateway.approvals.expiresMs());

  /** Every request counts against the agent's rate limit, not only tool calls. */
  const admit = async (method: string) => {
    try {
      await gateway.admit(agentName, method);
    } catch (error) {
      if (error instanceof CallRejected)
        throw new ProtocolError(error.code, error.message, error.data);
      throw error;
    }
  };

  server.setRequestHandler('tools/list', async () => {
    await admit('tools/list');
    const tools = gateway.listTools(agentName) as Tool[];
    // 2025-era clients hear of a reload through list_changed and know no cache fields.
    if (!isModern(server.getNegotiatedProtocolVersion())) return { tools };
    // The list is this agent's own (private to it), and kept until a reload may change it.
    return { tools, ttlMs: gateway.toolListTtlMs, cacheScope: 'private' as const };
  });

  /** One tool call through the Gateway, counted as in flight while it runs. */
  const runToolCall = async (
    params: unknown,
    approve: Approver | undefined,
    signal: Cancellation,
  ) => {
    const { name, arguments: args } = (params ?? {}) as { name?: unknown; arguments?: unknown };
    const callEnded = options.onCallStart?.();
    try {
      const callContext: CallContext = { ...context, ...(approve ? { approve } : {}), signal };
      const result = await gateway.call(agentName, name, args, callContext);
      // The SDK passes an input_required result through to a 2026-07-28 client as it is.
      return (result.ask ?? result) as CallToolResult;
    } finally {
      callEnded?.();
    }
  };

  // tools/call is handled here, not with setRequestHandler: the SDK would reject a malformed call
  // (arguments not an object, name not a string) before any handler ran, and leave no audit
  // record. This way every call, however malformed, reaches the Gateway and is recorded.
  server.fallbackRequestHandler = async (request, ctx) => {
    if (request.method !== 'tools/call') {
      await admit(request.method);
      throw new ProtocolError(
        ProtocolErrorCode.MethodNotFound,
        `Method not found: ${request.method.slice(0, 100)}`,
      );
    }
    try {
      const approve = isModern(server.getNegotiatedProtocolVersion())
        ? gateway.approvals.roundTrip({
            inputResponses: ctx.mcpReq.inputResponses,
            requestState: ctx.mcpReq.requestState(),
            clientCapabilities: (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[
              'io.modelcontextprotocol/clientCapabilities'
            ] as RoundTripMaterial['clientCapabilities'],
          })
        : askInSession;
      return await runToolCall(request.params, approve, ctx.mcpReq.signal);
    } catch (error) {
      if (error instanceof CallRejected)
        throw new ProtocolError(error.code, error.message, error.data);
      throw error;
    }
  };
  server.onclose = gateway.onToolListChanged(agentName, () => {
    server.sendToolListChanged().catch(() => {
      // The session may be closing; the next tools/list shows the new list anyway.
    });
  });
  return {
    server,
    callTool: (params, signal) => runToolCall(params, askInSession, signal),
    callToolAskingNoOne: (params, signal) => runToolCall(params, undefined, signal),
  };
}

/** A revision of the 2026 era or later (the dates compare as strings). */
function isModern(version: string | undefined): boolean {
  return version !== undefined && version >= '2026-07-28';
}
