import { canRead, requireCaller, requireRight, visibleRepo } from './access.js';
import { auditRepoCreated } from './audit.js';
import { callerName } from './auth.js';
import { addRepo } from './factories.js';
import { paginate, parsePaging } from './pagination.js';
import { badRequest, conflict, notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { findRepo, namespaceExists, type RepoRecord } from './state.js';
import {
  objectBody,
  optionalBoolean,
  optionalString,
  requireBoolean,
  requireString,
  requireStringArray,
} from './validate.js';
import { repoView } from './views.js';

const REPO_PATH = '/v2/namespaces/:namespace/repositories/:repository';
const REPO_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

type Compare = (a: RepoRecord, b: RepoRecord) => number;

const byName: Compare = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const ORDERINGS: Record<string, Compare> = {
  name: byName,
  last_updated: (a, b) => a.last_updated.localeCompare(b.last_updated) || byName(a, b),
  pull_count: (a, b) => a.pull_count - b.pull_count || byName(a, b),
};

function ordering(value: string | null): Compare {
  if (value === null || value === '') return byName;
  const descending = value.startsWith('-');
  const compare = ORDERINGS[descending ? value.slice(1) : value];
  if (!compare) {
    throw badRequest('ordering', `ordering must be one of ${Object.keys(ORDERINGS).join(', ')}`);
  }
  return descending ? (a, b) => compare(b, a) : compare;
}

function listRepos(ctx: RouteContext): Reply {
  const namespace = param(ctx, 'namespace');
  const paging = parsePaging(ctx.query);
  const compare = ordering(ctx.query.get('ordering'));
  if (!namespaceExists(ctx.state, namespace)) throw notFound({ namespace });
  const filter = (ctx.query.get('name') ?? '').toLowerCase();
  const repos = ctx.state.repos
    .filter((r) => r.namespace === namespace && r.name.toLowerCase().includes(filter))
    .filter((r) => canRead(ctx.state, ctx.caller, r))
    .sort(compare);
  return paginate(ctx, repos, (r) => repoView(ctx.state, ctx.caller, r), paging);
}

function getRepo(ctx: RouteContext): Reply {
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  return ok(repoView(ctx.state, ctx.caller, repo));
}

function createRepo(ctx: RouteContext): Reply {
  const namespace = param(ctx, 'namespace');
  requireCaller(ctx);
  if (!namespaceExists(ctx.state, namespace)) throw notFound({ namespace });
  requireRight(ctx, namespace, 'repo:write');
  const body = objectBody(ctx.body);
  const name = requireString(body, 'name');
  if (name.length < 2 || name.length > 255 || !REPO_NAME.test(name)) {
    throw badRequest(
      'name',
      'name must be 2-255 characters of lowercase letters, digits and separators (., _, __, -)',
    );
  }
  if (requireString(body, 'namespace') !== namespace) {
    throw badRequest('namespace', 'namespace in the body must match the namespace in the path');
  }
  const description = optionalString(body, 'description');
  const fullDescription = optionalString(body, 'full_description');
  optionalString(body, 'registry');
  const isPrivate = optionalBoolean(body, 'is_private');
  if (findRepo(ctx.state, namespace, name)) {
    throw conflict('repository already exists', { namespace, repository: name });
  }
  const repo = addRepo(ctx.state, {
    namespace,
    name,
    is_private: isPrivate ?? false,
    description: description ?? '',
    full_description: fullDescription ?? '',
  });
  auditRepoCreated(ctx.state, namespace, name, callerName(ctx.caller));
  return ok(repoView(ctx.state, ctx.caller, repo), 201);
}

function updateRepo(ctx: RouteContext): Reply {
  requireCaller(ctx);
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  requireRight(ctx, repo.namespace, 'repo:write');
  const body = objectBody(ctx.body);
  const description = optionalString(body, 'description');
  const fullDescription = optionalString(body, 'full_description');
  if (description !== undefined) repo.description = description;
  if (fullDescription !== undefined) repo.full_description = fullDescription;
  repo.last_modified = new Date().toISOString();
  return ok(repoView(ctx.state, ctx.caller, repo));
}

function compileRule(field: string, pattern: string): RegExp {
  try {
    // Rules name whole tags, so a rule must match the full tag name.
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    throw badRequest(field, `invalid regular expression: ${pattern}`);
  }
}

function updateImmutableTags(ctx: RouteContext): Reply {
  requireCaller(ctx);
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  requireRight(ctx, repo.namespace, 'repo:admin');
  const body = objectBody(ctx.body);
  const enabled = requireBoolean(body, 'immutable_tags');
  const rules = requireStringArray(body, 'immutable_tags_rules');
  for (const rule of rules) compileRule('immutable_tags_rules', rule);
  repo.immutable_tags_settings = { enabled, rules: [...rules] };
  repo.last_modified = new Date().toISOString();
  return ok(repoView(ctx.state, ctx.caller, repo));
}

function verifyImmutableTags(ctx: RouteContext): Reply {
  requireCaller(ctx);
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  requireRight(ctx, repo.namespace, 'repo:read');
  const regex = compileRule('regex', requireString(objectBody(ctx.body), 'regex'));
  const tags = repo.tags
    .map((t) => t.name)
    .filter((name) => regex.test(name))
    .sort();
  return ok({ tags });
}

const PERMISSIONS = ['read', 'write', 'admin'] as const;

function assignGroup(ctx: RouteContext): Reply {
  requireCaller(ctx);
  const repo = visibleRepo(ctx, param(ctx, 'namespace'), param(ctx, 'repository'));
  requireRight(ctx, repo.namespace, 'repo:admin');
  const body = objectBody(ctx.body);
  const groupId = body.group_id;
  if (typeof groupId !== 'number' || !Number.isInteger(groupId)) {
    throw badRequest('group_id', 'group_id is required and must be an integer');
  }
  const permission = PERMISSIONS.find((p) => p === body.permission);
  if (!permission) throw badRequest('permission', 'permission must be one of read, write, admin');
  const group = ctx.state.orgs.get(repo.namespace)?.groups.find((g) => g.id === groupId);
  if (!group) throw notFound({ namespace: repo.namespace, group_id: String(groupId) });
  const grant = { group_id: group.id, group_name: group.name, permission };
  repo.groups = [...repo.groups.filter((g) => g.group_id !== group.id), grant];
  return ok({ group_name: grant.group_name, permission, group_id: grant.group_id });
}

export const repoRoutes: Route[] = [
  { method: 'GET', pattern: '/v2/namespaces/:namespace/repositories', handler: listRepos },
  { method: 'POST', pattern: '/v2/namespaces/:namespace/repositories', handler: createRepo },
  { method: 'GET', pattern: REPO_PATH, handler: getRepo },
  { method: 'PATCH', pattern: REPO_PATH, handler: updateRepo },
  { method: 'PATCH', pattern: `${REPO_PATH}/immutabletags`, handler: updateImmutableTags },
  { method: 'POST', pattern: `${REPO_PATH}/immutabletags/verify`, handler: verifyImmutableTags },
  {
    method: 'POST',
    pattern: '/v2/repositories/:namespace/:repository/groups',
    handler: assignGroup,
  },
];
