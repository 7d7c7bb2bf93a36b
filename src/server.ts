/**
 * Builds the MCP server for one agent from the catalog and the policy store.
 *
 * It uses the SDK's low-level Server rather than McpServer: McpServer validates arguments itself
 * and answers "tool not found" for anything not registered, while hubgate needs every call, listed
 * or not, to pass the one choke point (invokeTool) and leave an audit record.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { RateDecision } from './http/rate-limit.js';
import type { HubClients } from './hub/clients.js';
import { type AuditSink, redactArguments, type Transport } from './policy/audit.js';
import { isCovered, toolPermitted } from './policy/authorize.js';
import type { PolicyStore } from './policy/store.js';
import type { AgentPolicy } from './policy/types.js';
import { catalog as fullCatalog } from './tools/index.js';
import { jsonSchemaOf } from './tools/input.js';
import { invokeTool } from './tools/invoke.js';
import { possibleNeeds } from './tools/resources.js';
import type { ToolEntry } from './tools/types.js';

export interface HubgateServerOptions {
  /** The agent this session acts as; looked up in the store on every call. */
  agentName: string;
  store: PolicyStore;
  clients: HubClients;
  audit: AuditSink;
  logger: Logger;
  version: string;
  transport: Transport;
  session?: string | null;
  catalog?: readonly ToolEntry[];
  /** The HTTP service's per-agent rate limit, asked before each call. */
  admit?: (agent: string) => RateDecision;
  /** Told when a call starts; the function it returns, when the call ends (graceful shutdown). */
  onCallStart?: () => () => void;
}

/** JSON-RPC error code for "too many calls": in the range JSON-RPC leaves to servers. */
export const RATE_LIMITED = -32029;

const INSTRUCTIONS =
  'hubgate gives access to the Docker Hub API through a per-agent policy. Only the tools this ' +
  'agent may use are listed; a refused call says which grant is missing and sends nothing to ' +
  'Docker Hub. Results are compact JSON; list and get tools take detail:"full" for the raw objects.';

/** Could some call of this tool be allowed? Tools that can never be are not listed. */
export function mayEverAllow(agent: AgentPolicy, entry: ToolEntry): boolean {
  return (
    toolPermitted(agent, entry.name) && possibleNeeds(entry).every((need) => isCovered(agent, need))
  );
}

export function visibleTools(agent: AgentPolicy | undefined, entries: readonly ToolEntry[]) {
  return agent ? entries.filter((entry) => mayEverAllow(agent, entry)) : [];
}

export function createHubgateServer(options: HubgateServerOptions): Server {
  const entries = options.catalog ?? fullCatalog;
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const { agentName, store } = options;
  const session = options.session ?? null;

  const server = new Server(
    {
      name: 'hubgate',
      title: 'hubgate: Docker Hub with per-agent policy',
      version: options.version,
    },
    { capabilities: { tools: { listChanged: true } }, instructions: INSTRUCTIONS },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: visibleTools(store.agent(agentName), entries).map(describeTool),
  }));

  /** A call refused before it reaches a tool: still one audit record. */
  const refuse = (tool: string, args: unknown, reason: string) =>
    options.audit.record({
      time: new Date().toISOString(),
      agent: agentName,
      transport: options.transport,
      session,
      tool: tool.slice(0, 100),
      resources: [],
      access: null,
      decision: 'deny',
      reason,
      outcome: 'denied',
      hub_status: null,
      duration_ms: 0,
      arguments: redactArguments(args ?? {}),
    });

  // tools/call is handled here, not with setRequestHandler: the SDK would reject a malformed call
  // (arguments not an object, name not a string) before any handler ran, and leave no audit
  // record. This way every call, however malformed, is refused here and recorded.
  server.fallbackRequestHandler = async (request, extra) => {
    if (request.method !== 'tools/call') {
      throw new McpError(
        ErrorCode.MethodNotFound,
        `Method not found: ${request.method.slice(0, 100)}`,
      );
    }
    const params = (request.params ?? {}) as { name?: unknown; arguments?: unknown };
    const { name, arguments: args } = params;
    const argsOk =
      args === undefined || (!!args && typeof args === 'object' && !Array.isArray(args));
    if (typeof name !== 'string' || !argsOk) {
      refuse(
        typeof name === 'string' ? name : '(not a string)',
        argsOk ? args : {},
        'malformed tools/call',
      );
      throw new McpError(
        ErrorCode.InvalidParams,
        'Invalid tools/call request: "name" must be a string and "arguments" an object',
      );
    }
    return callTool(name, args as Record<string, unknown> | undefined, extra);
  };

  async function callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    extra: { signal: AbortSignal },
  ): Promise<CallToolResult> {
    const admitted = options.admit?.(agentName) ?? { ok: true };
    if (!admitted.ok) {
      refuse(name, args, `rate limit: retry in ${admitted.retryAfterSeconds} s`);
      throw new McpError(
        RATE_LIMITED,
        `Agent "${agentName}" is over its rate limit of tool calls; retry in ` +
          `${admitted.retryAfterSeconds} s. Nothing was sent to Docker Hub.`,
        { retry_after_seconds: admitted.retryAfterSeconds },
      );
    }
    const agent = store.agent(agentName);
    if (!agent) {
      const reason = `agent "${agentName}" is no longer in the configuration`;
      refuse(name, args, reason);
      return refusal(`Refused by hubgate policy: ${reason}.`);
    }
    const entry = byName.get(name);
    if (!entry) {
      refuse(name, args, 'unknown tool');
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool: ${JSON.stringify(name.slice(0, 100))}`,
      );
    }
    // Listed or not, the call is checked: hiding a tool is a convenience, not the boundary.
    const scim = store.scimCredentialOf(agent);
    const callEnded = options.onCallStart?.();
    try {
      return await invokeTool(
        {
          agent,
          hub: options.clients.for(store.hubCredentialOf(agent)),
          anonymousHub: options.clients.anonymous,
          ...(scim ? { scim: { org: scim.org, hub: options.clients.forScim(scim) } } : {}),
          audit: options.audit,
          logger: options.logger,
          transport: options.transport,
          session,
        },
        entry,
        args,
        extra.signal,
      );
    } finally {
      callEnded?.();
    }
  }

  // A reloaded policy applies from the next call; tell the client when its tool list changed.
  const names = (agent: AgentPolicy | undefined) =>
    visibleTools(agent, entries)
      .map((entry) => entry.name)
      .join(',');
  const unsubscribe = store.subscribe((config, previous) => {
    if (names(config.agents.get(agentName)) === names(previous.agents.get(agentName))) return;
    server.sendToolListChanged().catch((error: unknown) => {
      options.logger.debug({ err: error }, 'could not send tools/list_changed');
    });
  });
  server.onclose = unsubscribe;

  return server;
}

function refusal(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function describeTool(entry: ToolEntry): Tool {
  return {
    name: entry.name,
    title: entry.title,
    description: entry.description,
    inputSchema: jsonSchemaOf(entry) as Tool['inputSchema'],
    annotations: {
      title: entry.title,
      readOnlyHint: entry.hints.includes('RO'),
      destructiveHint: entry.hints.includes('D'),
      idempotentHint: entry.hints.includes('I'),
      openWorldHint: true,
    },
  };
}
