/**
 * Builds the MCP server for one agent from the catalog and the agent's policy.
 *
 * It uses the SDK's low-level Server rather than McpServer: McpServer validates arguments itself
 * and answers "tool not found" for anything not registered, while hubgate needs every call, listed
 * or not, to pass the one choke point (invokeTool) and leave an audit record.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { HubClient } from './hub/client.js';
import type { AuditSink } from './policy/audit.js';
import { isCovered } from './policy/authorize.js';
import type { AgentPolicy } from './policy/types.js';
import { catalog as fullCatalog } from './tools/index.js';
import { jsonSchemaOf } from './tools/input.js';
import { invokeTool } from './tools/invoke.js';
import { possibleNeeds } from './tools/resources.js';
import type { ToolEntry } from './tools/types.js';

export interface HubgateServerOptions {
  agent: AgentPolicy;
  hub: HubClient;
  audit: AuditSink;
  logger: Logger;
  version: string;
  catalog?: readonly ToolEntry[];
}

const INSTRUCTIONS =
  'hubgate gives access to the Docker Hub API through a per-agent policy. Only the tools this ' +
  'agent may use are listed; a refused call says which grant is missing and sends nothing to ' +
  'Docker Hub. Results are compact JSON; list and get tools take detail:"full" for the raw objects.';

export function createHubgateServer(options: HubgateServerOptions): Server {
  const entries = options.catalog ?? fullCatalog;
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const context = {
    agent: options.agent,
    hub: options.hub,
    audit: options.audit,
    logger: options.logger,
  };
  // What the agent's grants can ever allow is fixed for the session: list it once.
  const tools = entries.filter((entry) => mayEverAllow(options.agent, entry)).map(describeTool);

  const server = new Server(
    {
      name: 'hubgate',
      title: 'hubgate: Docker Hub with per-agent policy',
      version: options.version,
    },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const entry = byName.get(name);
    if (!entry) {
      options.audit.record({
        time: new Date().toISOString(),
        agent: options.agent.name,
        tool: name.slice(0, 100),
        resources: [],
        decision: 'denied',
        reason: 'unknown tool',
        duration_ms: 0,
      });
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool: ${JSON.stringify(name.slice(0, 100))}`,
      );
    }
    // Listed or not, the call is checked: hiding a tool is a convenience, not the boundary.
    return invokeTool(context, entry, args, extra.signal);
  });

  return server;
}

/** Could some call of this tool be allowed? Tools that can never be are not listed. */
export function mayEverAllow(agent: AgentPolicy, entry: ToolEntry): boolean {
  return possibleNeeds(entry).every((need) => isCovered(agent, need));
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
