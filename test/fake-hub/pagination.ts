import { badRequest, notFound, ok, type Reply } from './reply.js';
import type { RouteContext } from './router.js';

export interface Paging {
  page: number;
  pageSize: number;
}

export function parseIntParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(name, `${name} must be an integer`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw badRequest(name, `${name} must be between ${min} and ${max}`);
  }
  return value;
}

export function parsePaging(query: URLSearchParams, defaultSize = 10, maxSize = 100): Paging {
  return {
    page: parseIntParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER),
    pageSize: parseIntParam(query, 'page_size', defaultSize, 1, maxSize),
  };
}

/** Links keep the caller's whole query and change only page, as the Hub's do. */
function pageUrl(ctx: RouteContext, page: number): string {
  const query = new URLSearchParams(ctx.query);
  query.set('page', String(page));
  return `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
}

export interface PageSlice<T> {
  /** Every item across all pages. */
  count: number;
  next: string | null;
  previous: string | null;
  items: T[];
}

/** One page of the items with its absolute links; 404 past the last page, as the Hub does. */
export function pageSlice<T>(
  ctx: RouteContext,
  items: readonly T[],
  paging: Paging = parsePaging(ctx.query),
): PageSlice<T> {
  const { page, pageSize } = paging;
  const start = (page - 1) * pageSize;
  if (page > 1 && start >= items.length) throw notFound({ page: String(page) });
  const end = start + pageSize;
  return {
    count: items.length,
    next: end < items.length ? pageUrl(ctx, page + 1) : null,
    previous: page > 1 ? pageUrl(ctx, page - 1) : null,
    items: items.slice(start, end),
  };
}

export function paginate<T>(
  ctx: RouteContext,
  items: readonly T[],
  present: (item: T) => unknown,
  paging: Paging = parsePaging(ctx.query),
): Reply {
  const slice = pageSlice(ctx, items, paging);
  return ok({
    count: slice.count,
    next: slice.next,
    previous: slice.previous,
    results: slice.items.map(present),
  });
}
