/**
 * Lists for an agent that may see only part of them (`repo:acme/web` listing acme). The Hub pages
 * and counts the credential's whole view; any figure from that view (its count, whether a page is
 * full or empty, how many pages there are, what a `name` filter matched) would tell the agent about
 * repositories it may not see, one bit at a time. So hubgate reads the whole list, keeps the items
 * within the agent's grants, and pages, counts and filters those alone: every answer is the one the
 * Hub would give if the hidden items did not exist.
 */
import type { HubClient } from '../hub/client.js';
import type { HubRequest } from '../hub/connection.js';
import { isCovered, isCoveredForEvery } from '../policy/authorize.js';
import type { AgentPolicy } from '../policy/types.js';
import { ALL_PAGES_PAGE_SIZE, fetchAllPages } from './paginate.js';
import { resourceNeeds } from './resources.js';
import type { Args, ToolEntry } from './types.js';

/** Items read at most for one such list: past it, has_more stays true and count is left out. */
export const MAX_SCANNED_ITEMS = 10_000;

/** Does the agent see every item this list call could answer? Then the Hub's figures are its. */
export function seesWholeList(agent: AgentPolicy, entry: ToolEntry, args: Args): boolean {
  return resourceNeeds(entry, args).every((need) => isCoveredForEvery(agent, need));
}

export function isVisibleItem(agent: AgentPolicy, entry: ToolEntry, args: Args, item: unknown) {
  const itemResource = entry.itemResource;
  if (!itemResource || !item || typeof item !== 'object') return !itemResource;
  const resource = itemResource(item as Record<string, unknown>, args);
  // An item about no resource of its own (an org event) is the list's, which the call checked.
  return resource === undefined || isCovered(agent, { resource, access: entry.access });
}

/** An item outside the grants as `redactHidden` keeps it: its kept fields, and the label. */
export function redactedItem(entry: ToolEntry, item: unknown): Record<string, unknown> {
  const redact = entry.redactHidden;
  const kept: Record<string, unknown> = {};
  for (const field of redact?.keep ?? []) {
    const value = (item as Record<string, unknown>)[field];
    if (value !== undefined) kept[field] = value;
  }
  return { ...kept, name: redact?.label };
}

/**
 * The Hub's page object for the visible items only: `count` of them (when the whole list was
 * read), the requested page of them (or the first max_items with all_pages), `next` when more of
 * them follow.
 */
export async function listWithinGrants(
  hub: HubClient,
  agent: AgentPolicy,
  entry: ToolEntry,
  args: Args,
  request: HubRequest,
  cache: boolean,
) {
  const scan = { ...request, query: { ...request.query, page: 1, page_size: ALL_PAGES_PAGE_SIZE } };
  const { response } = await fetchAllPages(hub, scan, MAX_SCANNED_ITEMS, cache);
  const body = response.body as { results?: unknown[]; next?: unknown };
  const visible = (body.results ?? []).filter((item) => isVisibleItem(agent, entry, args, item));
  const complete = !body.next;
  const [start, size] =
    args.all_pages === true
      ? [0, args.max_items as number]
      : [((args.page as number) - 1) * (args.page_size as number), args.page_size as number];
  const more = visible.length > start + size || !complete;
  return {
    ...response,
    body: {
      ...(complete ? { count: visible.length } : {}),
      next: more ? 'more' : null,
      previous: null,
      results: visible.slice(start, start + size),
    },
  };
}
