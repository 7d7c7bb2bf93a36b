/**
 * The Hub side of a tool call, once the gateway has allowed it: the confirming read a tool may
 * need, then the request the entry describes (one, or every page of a list when all_pages asks).
 * Only validated arguments reach here, and only through the entry's path, query and body lists.
 */
import type { Cancellation } from '../cancellation.js';
import type { HubClient } from '../hub/client.js';
import type { HubRequest, HubResponse } from '../hub/connection.js';
import { buildPath } from '../hub/path.js';
import { isRead } from '../hub/retry.js';
import type { AgentPolicy } from '../policy/types.js';
import { answerStatusesOf, confirmationHolds, failUnlessChallenge } from './features.js';
import { ALL_PAGES_PAGE_SIZE, fetchAllPages } from './paginate.js';
import type { Args, ToolEntry } from './types.js';
import { listWithinGrants, seesWholeList } from './within-grants.js';

export interface HubOutcome {
  response: HubResponse;
  /** How many pages were read, when all_pages read several. */
  pages?: number;
  /** The list was read whole and answered for the agent's visible items only. */
  withinGrants?: true;
}

export async function sendCall(
  hub: HubClient,
  agent: AgentPolicy,
  entry: ToolEntry,
  args: Args,
  signal: Cancellation | undefined,
): Promise<HubOutcome> {
  const request = await buildRequest(hub, entry, args, signal);
  const cache = !entry.fresh;
  if (entry.itemResource && !entry.redactHidden && !seesWholeList(agent, entry, args)) {
    const response = await listWithinGrants(hub, agent, entry, args, request, cache);
    return { response, withinGrants: true };
  }
  if (entry.paginated && args.all_pages === true) {
    request.query = { ...request.query, page: 1, page_size: ALL_PAGES_PAGE_SIZE };
    return fetchAllPages(hub, request, args.max_items as number, cache);
  }
  const response = await hub.request(request, { answerStatuses: answerStatusesOf(entry), cache });
  failUnlessChallenge(entry, response, request.path);
  return { response };
}

/**
 * The outcome sendCall would give from the read cache alone, for a call that is one plain read
 * (nothing in its path from the identity, no body, no pages to gather, no list to narrow to the
 * agent's grants): undefined when it would have to reach the Hub.
 */
export function cachedOutcome(
  hub: HubClient,
  agent: AgentPolicy,
  entry: ToolEntry,
  args: Args,
): HubOutcome | undefined {
  const plain =
    hub.caches &&
    !entry.fresh &&
    isRead(entry.method) &&
    !entry.confirm &&
    !entry.body &&
    (entry.identityParams ?? []).length === 0 &&
    !(entry.paginated && args.all_pages === true) &&
    !(entry.itemResource && !entry.redactHidden && !seesWholeList(agent, entry, args));
  if (!plain) return undefined;
  const request = requestOf(entry, args, args);
  const response = hub.cached(request, { answerStatuses: answerStatusesOf(entry) });
  if (!response) return undefined;
  failUnlessChallenge(entry, response, request.path);
  return { response };
}

/** For tools with a `confirm`: does the Hub, as it is now, show the target where it must be? */
export async function targetConfirmed(
  hub: HubClient,
  entry: ToolEntry,
  args: Args,
  signal: Cancellation | undefined,
): Promise<boolean> {
  if (!entry.confirm) return true;
  const request: HubRequest = { method: 'GET', path: buildPath(entry.confirm.path, args) };
  if (signal) request.signal = signal;
  // It guards an action: it must see the Hub as it is now, not as it was a few seconds ago.
  const response = await hub.request(request, { cache: false });
  return confirmationHolds(entry.confirm, response.body, args);
}

async function buildRequest(
  hub: HubClient,
  entry: ToolEntry,
  args: Args,
  signal: Cancellation | undefined,
): Promise<HubRequest> {
  const pathParams: Args = { ...args };
  for (const name of entry.identityParams ?? []) {
    pathParams[name] = await hub.username();
  }
  const request = requestOf(entry, args, pathParams);
  if (signal) request.signal = signal;
  if (entry.body) request.body = await bodyOf(hub, entry, args, signal);
  if (entry.contentType) request.contentType = entry.contentType;
  return request;
}

/** The entry's request for these arguments, without a body: its method, path, query, type. */
function requestOf(entry: ToolEntry, args: Args, pathParams: Args): HubRequest {
  const request: HubRequest = { method: entry.method, path: buildPath(entry.path, pathParams) };
  if (entry.accept) request.accept = entry.accept;
  if (entry.query) {
    request.query =
      typeof entry.query === 'function' ? entry.query(args) : pickDefined(args, entry.query);
  }
  return request;
}

async function bodyOf(
  hub: HubClient,
  entry: ToolEntry,
  args: Args,
  signal: Cancellation | undefined,
): Promise<Record<string, unknown>> {
  const body = pickDefined(args, entry.body ?? []);
  const missing = entry.completeFrom?.fields.filter((field) => body[field] === undefined) ?? [];
  if (entry.completeFrom && missing.length > 0) {
    const request: HubRequest = { method: 'GET', path: buildPath(entry.completeFrom.path, args) };
    if (signal) request.signal = signal;
    // What the write is about to replace: read as it is now.
    const current = (await hub.request(request, { cache: false })).body as Record<string, unknown>;
    for (const field of missing) if (current?.[field] !== undefined) body[field] = current[field];
  }
  for (const [name, alias] of Object.entries(entry.alsoSentAs ?? {})) {
    if (body[name] !== undefined) body[alias] = body[name];
  }
  return body;
}

function pickDefined(args: Args, names: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (args[name] !== undefined) picked[name] = args[name];
  return picked;
}
