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

/**
 * What else the v4 search finds beside images, as the real one does without a `type`: Docker
 * Desktop extensions and Engine plugins, which an agent cannot pull as images.
 */
const NON_IMAGES = [
  { name: 'nginxinc/nginx-dashboard-extension', type: 'extension', pulls: 90_000_000 },
  { name: 'docker/nginx-log-plugin', type: 'plugin', pulls: 80_000_000 },
  { name: 'vieux/sshfs', type: 'plugin', pulls: 5_000_000 },
] as const;

function nonImageView(item: (typeof NON_IMAGES)[number]): unknown {
  const [namespace = ''] = item.name.split('/');
  return {
    id: item.name,
    name: item.name,
    slug: item.name,
    type: item.type,
    publisher: { id: namespace, name: namespace },
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-06-01T00:00:00Z',
    short_description: `A Docker ${item.type}`,
    badge: 'none',
    star_count: 0,
    pull_count: String(item.pulls),
    operating_systems: [],
    architectures: [],
    logo_url: {},
    extension_reviewed: item.type === 'extension',
  };
}

const TYPES = ['image', 'extension', 'plugin'];

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

  const types = (type ?? '').split(',').filter((t) => t !== '');
  if (types.some((t) => !TYPES.includes(t))) {
    throw badRequest('type', 'type must be image, extension or plugin');
  }
  const wants = (t: string) => types.length === 0 || types.includes(t);

  const needle = text.trim().toLowerCase();
  const images = ctx.state.repos
    .filter((r) => !r.is_private)
    .filter((r) => `${r.namespace}/${r.name}`.toLowerCase().includes(needle))
    .filter((r) => badges.length === 0 || badges.includes(badgeOf(r)))
    .filter(() => wants('image'))
    // Without a sort the Hub ranks by relevance; popularity is the stand-in here.
    .sort(compareBy(sortKey ?? byPulls, order === 'desc'))
    .map((r) => ({ pulls: r.pull_count, view: () => searchView(ctx.state, r) }));
  const others = NON_IMAGES.filter((item) => wants(item.type))
    .filter((item) => item.name.includes(needle) && badges.length === 0)
    .map((item) => ({ pulls: item.pulls, view: () => nonImageView(item) }));
  // Other kinds mix in by popularity, as the real search interleaves them.
  const matches =
    others.length === 0 ? images : [...images, ...others].sort((a, b) => b.pulls - a.pulls);
  return ok({
    total: matches.length,
    results: matches.slice(from, from + size).map((m) => m.view()),
  });
}

export const searchRoutes: Route[] = [
  { method: 'GET', pattern: '/api/search/v4', handler: search },
];
