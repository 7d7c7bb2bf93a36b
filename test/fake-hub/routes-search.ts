import { parseIntParam } from './pagination.js';
import { badRequest, ok, type Reply } from './reply.js';
import type { Route, RouteContext } from './router.js';
import type { RepoRecord } from './state.js';
import { searchView } from './views.js';

type SortKey = (r: RepoRecord) => number | string;

const byPulls: SortKey = (r) => r.pull_count;

const SORTS: Record<string, SortKey> = {
  pull_count: byPulls,
  updated_at: (r) => r.last_updated,
};

function badgeOf(repo: RepoRecord): string {
  return repo.namespace === 'library' ? 'official' : 'none';
}

function compareBy(key: SortKey, descending: boolean) {
  return (a: RepoRecord, b: RepoRecord): number => {
    const x = key(a);
    const y = key(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  };
}

function search(ctx: RouteContext): Reply {
  const { query } = ctx;
  const text = query.get('query');
  if (text === null || text.trim() === '') throw badRequest('query', 'query is required');
  const from = parseIntParam(query, 'from', 0, 0, Number.MAX_SAFE_INTEGER);
  const size = parseIntParam(query, 'size', 25, 0, 100);
  const sort = query.get('sort');
  const sortKey = sort === null ? undefined : SORTS[sort];
  if (sort !== null && !sortKey) throw badRequest('sort', 'sort must be pull_count or updated_at');
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw badRequest('order', 'order must be asc or desc');
  const badges = (query.get('badges') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const type = query.get('type');

  const needle = text.trim().toLowerCase();
  const matches = ctx.state.repos
    .filter((r) => !r.is_private)
    .filter((r) => `${r.namespace}/${r.name}`.toLowerCase().includes(needle))
    .filter((r) => badges.length === 0 || badges.includes(badgeOf(r)))
    // Every stored repository is an image; plugins and extensions find nothing.
    .filter(() => type === null || type === '' || type === 'image')
    // Without a sort the Hub ranks by relevance; popularity is the stand-in here.
    .sort(compareBy(sortKey ?? byPulls, order === 'desc'));
  return ok({
    total: matches.length,
    results: matches.slice(from, from + size).map((r) => searchView(ctx.state, r)),
  });
}

export const searchRoutes: Route[] = [
  { method: 'GET', pattern: '/api/search/v4', handler: search },
];
