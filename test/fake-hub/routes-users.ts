import { requireUser } from './access.js';
import { paginate } from './pagination.js';
import { notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { orgView, userView } from './views.js';

function getUser(ctx: RouteContext): Reply {
  const username = param(ctx, 'username');
  const user = ctx.state.users.get(username);
  if (!user) throw notFound({ username });
  return ok(userView(user));
}

function listMyOrgs(ctx: RouteContext): Reply {
  const user = requireUser(ctx);
  const orgs = [...ctx.state.orgs.values()]
    .filter((org) => org.members.has(user.username))
    .sort((a, b) => a.orgname.localeCompare(b.orgname));
  return paginate(ctx, orgs, (org) => orgView(org, user.username));
}

export const userRoutes: Route[] = [
  { method: 'GET', pattern: '/v2/users/:username', handler: getUser },
  { method: 'GET', pattern: '/v2/user/orgs', handler: listMyOrgs },
];
