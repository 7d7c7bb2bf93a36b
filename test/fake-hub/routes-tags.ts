import { visibleRepo } from './access.js';
import { paginate, parsePaging } from './pagination.js';
import { notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { findTag, type TagRecord } from './state.js';
import { tagView } from './views.js';

const TAGS_PATH = '/v2/namespaces/:namespace/repositories/:repository/tags';

function newestFirst(a: TagRecord, b: TagRecord): number {
  return b.last_pushed.localeCompare(a.last_pushed) || a.name.localeCompare(b.name);
}

function listTags(ctx: RouteContext): Reply {
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  const paging = parsePaging(ctx.query);
  const tags = [...repo.tags].sort(newestFirst);
  return paginate(ctx, tags, (t) => tagView(repo, t), paging);
}

function checkTags(ctx: RouteContext): Reply {
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  if (repo.tags.length === 0) throw notFound({ namespace: repo.namespace, repository: repo.name });
  return ok(undefined);
}

function getTag(ctx: RouteContext): Reply {
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  const name = param(ctx, 'tag');
  const tag = findTag(repo, name);
  if (!tag) throw notFound({ namespace: repo.namespace, repository: repo.name, tag: name });
  return ok(tagView(repo, tag));
}

export const tagRoutes: Route[] = [
  { method: 'GET', pattern: TAGS_PATH, handler: listTags },
  { method: 'HEAD', pattern: TAGS_PATH, handler: checkTags },
  // HEAD on a single tag falls back to this GET: same status, no body.
  { method: 'GET', pattern: `${TAGS_PATH}/:tag`, handler: getTag },
];
