/**
 * The choke point: every tool call passes through invokeTool, which validates the arguments, asks
 * the policy, calls the Hub, shapes the answer and writes the audit record before answering.
 * Nothing reaches the Hub client any other way, so no tool can forget the policy.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { HubClient } from '../hub/client.js';
import type { HubRequest, HubResponse } from '../hub/connection.js';
import { HubError } from '../hub/errors.js';
import { buildPath } from '../hub/path.js';
import {
  type AuditRecord,
  type AuditSink,
  redactArguments,
  type Transport,
} from '../policy/audit.js';
import { isCovered } from '../policy/authorize.js';
import type { AgentPolicy } from '../policy/types.js';
import { ALL_PAGES_PAGE_SIZE, fetchAllPages } from './paginate.js';
import { prepareCall } from './prepare.js';
import type { Args, ToolEntry } from './types.js';

export interface CallContext {
  agent: AgentPolicy;
  /** The agent's Docker Hub credential, or anonymous. */
  hub: HubClient;
  /** No identity at all: the auth tools, whose body carries the caller's own secret. */
  anonymousHub: HubClient;
  /** The agent's SCIM credential, for the SCIM tools. */
  scim?: { org: string; hub: HubClient };
  audit: AuditSink;
  logger: Logger;
  transport: Transport;
  session: string | null;
}

const NOTHING_SENT = 'Nothing was sent to Docker Hub.';

type Outcome = Pick<AuditRecord, 'decision' | 'reason' | 'outcome'> &
  Partial<Pick<AuditRecord, 'resources' | 'hub_status'>>;

export async function invokeTool(
  context: CallContext,
  entry: ToolEntry,
  rawArgs: unknown,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const started = performance.now();
  const audit = (outcome: Outcome) =>
    context.audit.record({
      time: new Date().toISOString(),
      agent: context.agent.name,
      transport: context.transport,
      session: context.session,
      tool: entry.name,
      resources: outcome.resources ?? [],
      access: entry.access,
      decision: outcome.decision,
      reason: outcome.reason,
      outcome: outcome.outcome,
      hub_status: outcome.hub_status ?? null,
      duration_ms: Math.round(performance.now() - started),
      arguments: redactArguments(rawArgs ?? {}),
    });

  const prepared = prepareCall(
    context.agent,
    entry,
    rawArgs,
    context.scim ? { scim_org: context.scim.org } : {},
  );
  if (!prepared.valid) {
    audit({ decision: 'deny', reason: `invalid arguments: ${prepared.reason}`, outcome: 'denied' });
    return failure(`Invalid arguments for ${entry.name}: ${prepared.reason}. ${NOTHING_SENT}`);
  }
  const { args, needs, decision } = prepared;
  const resources = needs.map((need) => need.resource);
  if (!decision.allowed) {
    audit({ resources, decision: 'deny', reason: decision.reason, outcome: 'denied' });
    return failure(`Refused by hubgate policy: ${decision.reason}. ${NOTHING_SENT}`);
  }

  const hub = hubFor(context, entry);
  try {
    if (entry.needsCredential && hub.anonymous) {
      audit({ resources, decision: 'deny', reason: 'no credential', outcome: 'denied' });
      return failure(
        `${entry.name} needs a Docker Hub credential, and agent "${context.agent.name}" has none. ` +
          `Give the agent a credential in the config, or set DOCKER_HUB_USERNAME and ` +
          `DOCKER_HUB_TOKEN when running without one. ${NOTHING_SENT}`,
      );
    }
    if (entry.confirm && !(await confirmed(hub, entry.confirm, args, signal))) {
      const reason = entry.confirm.refusal(args);
      audit({ resources, decision: 'deny', reason, outcome: 'denied' });
      return failure(`Refused by hubgate policy: ${reason}. Nothing was changed on Docker Hub.`);
    }
    const { response, pages } = await callHub(hub, entry, args, signal);
    const result = shapeResult(context.agent, entry, args, response, pages);
    audit({
      resources,
      decision: 'allow',
      reason: decision.reason,
      outcome: 'ok',
      hub_status: response.status,
    });
    // A shaper may answer text (a CSV export): it goes back as it is, not as a JSON string.
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    return { content: [{ type: 'text', text }] };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    audit({
      resources,
      decision: 'allow',
      reason: decision.reason,
      outcome: 'error',
      hub_status: typeof status === 'number' ? status : null,
    });
    if (error instanceof HubError) return failure(error.message);
    context.logger.error({ err: error, tool: entry.name }, 'tool call failed unexpectedly');
    return failure(
      `hubgate could not complete ${entry.name}: internal error (see the server log).`,
    );
  }
}

function hubFor(context: CallContext, entry: ToolEntry): HubClient {
  if (entry.identity === 'none') return context.anonymousHub;
  // prepareCall refuses SCIM tools for an agent without a SCIM credential, so it is here.
  if (entry.identity === 'scim') return context.scim?.hub ?? context.anonymousHub;
  return context.hub;
}

/** The Hub call itself: one request, or every page of a list when all_pages asks for it. */
async function callHub(
  hub: HubClient,
  entry: ToolEntry,
  args: Args,
  signal: AbortSignal | undefined,
): Promise<{ response: HubResponse; pages?: number }> {
  const request = await buildRequest(hub, entry, args, signal);
  const cache = !entry.fresh;
  if (entry.paginated && args.all_pages === true) {
    request.query = { ...request.query, page: 1, page_size: ALL_PAGES_PAGE_SIZE };
    return fetchAllPages(hub, request, args.max_items as number, cache);
  }
  return { response: await hub.request(request, { answerStatuses: entry.answerStatuses, cache }) };
}

async function confirmed(
  hub: HubClient,
  confirm: NonNullable<ToolEntry['confirm']>,
  args: Args,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const request: HubRequest = { method: 'GET', path: buildPath(confirm.path, args) };
  if (signal) request.signal = signal;
  // It guards an action: it must see the Hub as it is now, not as it was a few seconds ago.
  const response = await hub.request(request, { cache: false });
  return confirm.holds(response.body, args);
}

async function buildRequest(
  hub: HubClient,
  entry: ToolEntry,
  args: Args,
  signal: AbortSignal | undefined,
): Promise<HubRequest> {
  const pathParams: Args = { ...args };
  for (const name of entry.identityParams ?? []) {
    pathParams[name] = await hub.username();
  }
  const request: HubRequest = { method: entry.method, path: buildPath(entry.path, pathParams) };
  if (signal) request.signal = signal;
  if (entry.accept) request.accept = entry.accept;
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
function shapeResult(
  agent: AgentPolicy,
  entry: ToolEntry,
  args: Args,
  response: HubResponse,
  pages: number | undefined,
) {
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
  let result =
    args.detail !== 'full'
      ? entry.shape(response, args)
      : entry.revealsSecret
        ? response.body
        : withoutSecrets(response.body);
  if (pages !== undefined && result && typeof result === 'object') {
    // One answer over several pages: page numbers no longer describe it.
    const { page: _page, page_size: _size, ...rest } = result as Record<string, unknown>;
    result = { ...rest, pages_fetched: pages };
  }
  return hidden > 0 && result && typeof result === 'object'
    ? {
        ...result,
        hidden_by_policy: hidden,
        note: `${hidden} item(s) on this page are outside this agent's grants and were left out`,
      }
    : result;
}

/** Fields that hold a secret in the Hub's objects: a token, a secret, a password. */
const SECRET_FIELD = /(?:^|_)(?:token|secret|password)$/i;

/**
 * The Hub's objects as they are, but with any non-empty secret-named string replaced: lists and
 * gets of tokens answer `token: ""` today, and a result must not leak one if that changes.
 */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_FIELD.test(key) && typeof item === 'string' && item !== ''
        ? '[redacted]'
        : withoutSecrets(item),
    ]),
  );
}

function failure(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}
