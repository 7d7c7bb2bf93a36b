/**
 * `all_pages`: follows the Hub's `next` links until `max_items`. A link is followed only when it
 * points at the same origin and the same path as the first request: the Hub may change the page,
 * never the endpoint, so a tampered or misrouted answer cannot send hubgate elsewhere.
 */
import type { HubClient } from '../hub/client.js';
import type { HubRequest, HubResponse } from '../hub/connection.js';
import { HubError } from '../hub/errors.js';

/** Pages fetched at once when following links: the Hub's maximum, to spend few requests. */
export const ALL_PAGES_PAGE_SIZE = 100;
/** A stop for a Hub that keeps answering `next` with empty pages. */
const MAX_PAGES = 200;

export class HubLinkError extends HubError {
  override name = 'HubLinkError';
}

interface Page {
  next?: unknown;
  results?: unknown;
  [field: string]: unknown;
}

export async function fetchAllPages(
  hub: HubClient,
  first: HubRequest,
  maxItems: number,
  cache = true,
): Promise<{ response: HubResponse; pages: number }> {
  let response = await hub.request(first, { cache });
  const firstBody = (response.body ?? {}) as Page;
  const results: unknown[] = Array.isArray(firstBody.results) ? [...firstBody.results] : [];
  let next = firstBody.next;
  let pages = 1;
  while (typeof next === 'string' && next && results.length < maxItems && pages < MAX_PAGES) {
    const query = sameEndpointQuery(hub, first.path, next);
    response = await hub.request({ ...first, query }, { cache });
    const body = (response.body ?? {}) as Page;
    const items = Array.isArray(body.results) ? body.results : [];
    pages += 1;
    if (items.length === 0) break;
    results.push(...items);
    next = body.next;
  }
  const more = results.length > maxItems || (typeof next === 'string' && next !== '');
  return {
    response: {
      ...response,
      // The first page's other fields (count, total, active_count…) describe the whole list.
      body: {
        ...firstBody,
        next: more ? next || 'more' : null,
        previous: null,
        results: results.slice(0, maxItems),
      },
    },
    pages,
  };
}

/** The query of a `next` link, if it names the endpoint of the first request; else an error. */
function sameEndpointQuery(hub: HubClient, path: string, link: string): Record<string, string> {
  const { origin, basePath } = hub.endpoint;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new HubLinkError(`Docker Hub's next link is not a URL; stopped paging ${path}.`);
  }
  if (
    url.origin !== origin ||
    url.pathname !== `${basePath}${path}` ||
    url.username ||
    url.password
  ) {
    throw new HubLinkError(
      `Docker Hub's next link leaves ${path} (it points to ${url.origin}${url.pathname}); hubgate ` +
        'does not follow it. Page with page and page_size instead.',
    );
  }
  return Object.fromEntries(url.searchParams);
}
