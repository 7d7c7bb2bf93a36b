/**
 * The choke point: every tool call passes through invokeTool, which validates the arguments,
 * asks the policy, calls the Hub, shapes the answer and writes the audit record. Nothing reaches
 * the Hub client any other way, so no tool can forget the policy.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { HubClient } from '../hub/client.js';
import type { HubRequest, HubResponse } from '../hub/connection.js';
import { HubError } from '../hub/errors.js';
import { buildPath } from '../hub/path.js';
import type { AuditRecord, AuditSink } from '../policy/audit.js';
import { authorize, isCovered } from '../policy/authorize.js';
import type { AgentPolicy } from '../policy/types.js';
import { describeIssues, inputSchemaOf } from './input.js';
import { resourceNeeds } from './resources.js';
import type { Args, ToolEntry } from './types.js';

export interface CallContext {
  agent: AgentPolicy;
  hub: HubClient;
  audit: AuditSink;
  logger: Logger;
}

const NOTHING_SENT = 'Nothing was sent to Docker Hub.';

export async function invokeTool(
  context: CallContext,
  entry: ToolEntry,
  rawArgs: unknown,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const started = performance.now();
  const audit = (record: Omit<AuditRecord, 'time' | 'agent' | 'tool' | 'duration_ms'>) =>
    context.audit.record({
      time: new Date().toISOString(),
      agent: context.agent.name,
      tool: entry.name,
      ...record,
      duration_ms: Math.round(performance.now() - started),
    });

  const parsed = inputSchemaOf(entry).safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const reason = describeIssues(parsed.error);
    audit({ access: entry.access, resources: [], decision: 'invalid', reason });
    return failure(`Invalid arguments for ${entry.name}: ${reason}. ${NOTHING_SENT}`);
  }
  const args = parsed.data as Args;

  const needs = resourceNeeds(entry, args);
  const resources = needs.map((need) => need.resource);
  const decision = authorize(context.agent, entry.name, needs);
  if (!decision.allowed) {
    audit({ access: entry.access, resources, decision: 'denied', reason: decision.reason });
    return failure(`Refused by hubgate policy: ${decision.reason}. ${NOTHING_SENT}`);
  }

  try {
    if (entry.needsCredential && context.hub.anonymous) {
      throw new MissingCredentialError(entry.name);
    }
    const response = await context.hub.request(await buildRequest(context, entry, args, signal), {
      notFoundIsAnswer: entry.notFoundIsAnswer,
    });
    const result = shapeResult(context.agent, entry, args, response);
    audit({
      access: entry.access,
      resources,
      decision: 'allowed',
      outcome: 'ok',
      status: response.status,
    });
    return { content: [{ type: 'text', text: JSON.stringify(result) }] };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    audit({
      access: entry.access,
      resources,
      decision: 'allowed',
      outcome: 'error',
      ...(typeof status === 'number' ? { status } : {}),
      reason: error instanceof Error ? error.name : 'unknown',
    });
    if (error instanceof HubError || error instanceof MissingCredentialError) {
      return failure(error.message);
    }
    context.logger.error({ err: error, tool: entry.name }, 'tool call failed unexpectedly');
    return failure(
      `hubgate could not complete ${entry.name}: internal error (see the server log).`,
    );
  }
}

class MissingCredentialError extends Error {
  override name = 'MissingCredentialError';
  constructor(tool: string) {
    super(
      `${tool} needs a Docker Hub credential, and this agent has none: set DOCKER_HUB_USERNAME ` +
        `and DOCKER_HUB_TOKEN (a personal access token). ${NOTHING_SENT}`,
    );
  }
}

async function buildRequest(
  context: CallContext,
  entry: ToolEntry,
  args: Args,
  signal: AbortSignal | undefined,
): Promise<HubRequest> {
  const pathParams: Args = { ...args };
  for (const name of entry.identityParams ?? []) {
    pathParams[name] = await context.hub.username();
  }
  const request: HubRequest = { method: entry.method, path: buildPath(entry.path, pathParams) };
  if (signal) request.signal = signal;
  if (entry.query) {
    request.query =
      typeof entry.query === 'function' ? entry.query(args) : pickDefined(args, entry.query);
  }
  if (entry.body) request.body = pickDefined(args, entry.body);
  return request;
}

function pickDefined(args: Args, names: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (args[name] !== undefined) picked[name] = args[name];
  return picked;
}

/**
 * Drops list items the agent may not read (the Hub shows the credential's view, the policy may be
 * narrower), then shapes the answer unless the caller asked for the Hub's objects in full.
 */
function shapeResult(agent: AgentPolicy, entry: ToolEntry, args: Args, response: HubResponse) {
  let hidden = 0;
  const body = response.body as { results?: unknown } | undefined;
  const itemResource = entry.itemResource;
  if (itemResource && body && Array.isArray(body.results)) {
    const visible = body.results.filter((item) =>
      isCovered(agent, { resource: itemResource(item, args), access: entry.access }),
    );
    hidden = body.results.length - visible.length;
    response = { ...response, body: { ...body, results: visible } };
  }
  const result = args.detail === 'full' ? response.body : entry.shape(response, args);
  return hidden > 0 && result && typeof result === 'object'
    ? { ...result, hidden_by_policy: hidden }
    : result;
}

function failure(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}
