import { randomBytes, randomUUID } from 'node:crypto';
import { requireOrgRole } from './access.js';
import { pageSlice, parsePaging } from './pagination.js';
import { badRequest, noContent, notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { findOrgToken, type OrgTokenRecord, type OrgTokenResource } from './state.js';
import {
  type JsonObject,
  objectBody,
  optionalBoolean,
  optionalDateTime,
  optionalString,
  requireString,
  requireStringArray,
} from './validate.js';
import { orgTokenDetailView, orgTokenView } from './views.js';

const TOKENS_PATH = '/v2/orgs/:org/access-tokens';
const RESOURCE_TYPES = ['TYPE_REPO', 'TYPE_ORG'] as const;

function labelOf(value: string): string {
  if (value.trim() === '' || value.length > 100) {
    throw badRequest('label', 'label must be 1-100 characters');
  }
  return value;
}

function resourcesOf(body: JsonObject): OrgTokenResource[] | undefined {
  const value = body.resources;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw badRequest('resources', 'resources must be an array');
  return value.map((item) => {
    const resource = objectBody(item);
    const type = RESOURCE_TYPES.find((t) => t === resource.type);
    if (!type) throw badRequest('resources', 'resources[].type must be TYPE_REPO or TYPE_ORG');
    return {
      type,
      path: requireString(resource, 'path'),
      scopes: [...requireStringArray(resource, 'scopes')],
    };
  });
}

function orgToken(ctx: RouteContext, org: string): OrgTokenRecord {
  const id = param(ctx, 'access_token_id');
  const token = findOrgToken(ctx.state, org, id);
  if (!token) throw notFound({ org, access_token_id: id });
  return token;
}

function newestFirst(a: OrgTokenRecord, b: OrgTokenRecord): number {
  return b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id);
}

function listOrgTokens(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const tokens = ctx.state.orgTokens.filter((t) => t.org === org.orgname).sort(newestFirst);
  const slice = pageSlice(ctx, tokens, parsePaging(ctx.query));
  return ok({
    total: slice.count,
    next: slice.next,
    previous: slice.previous,
    results: slice.items.map(orgTokenView),
  });
}

function createOrgToken(ctx: RouteContext): Reply {
  const { org, actor } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const body = objectBody(ctx.body);
  const label = labelOf(requireString(body, 'label'));
  const description = optionalString(body, 'description') ?? '';
  const resources = resourcesOf(body) ?? [];
  const expiresAt = optionalDateTime(body, 'expires_at') ?? null;
  if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) {
    throw badRequest('expires_at', 'expires_at must be in the future');
  }
  const secret = `dckr_oat_${randomBytes(20).toString('base64url')}`;
  const token: OrgTokenRecord = {
    id: randomUUID(),
    org: org.orgname,
    label,
    description,
    token: secret,
    resources,
    created_by: actor,
    is_active: true,
    created_at: new Date().toISOString(),
    expires_at: expiresAt,
    last_used_at: null,
  };
  ctx.state.orgTokens.push(token);
  return ok(orgTokenDetailView(token, secret), 201);
}

function getOrgToken(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  return ok(orgTokenDetailView(orgToken(ctx, org.orgname)));
}

function updateOrgToken(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const token = orgToken(ctx, org.orgname);
  const body = objectBody(ctx.body);
  const label = optionalString(body, 'label');
  const description = optionalString(body, 'description');
  const resources = resourcesOf(body);
  const isActive = optionalBoolean(body, 'is_active');
  if (label !== undefined) token.label = labelOf(label);
  if (description !== undefined) token.description = description;
  if (resources !== undefined) token.resources = resources;
  if (isActive !== undefined) token.is_active = isActive;
  return ok(orgTokenDetailView(token));
}

function deleteOrgToken(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const token = orgToken(ctx, org.orgname);
  ctx.state.orgTokens = ctx.state.orgTokens.filter((t) => t !== token);
  return noContent();
}

export const orgTokenRoutes: Route[] = [
  { method: 'GET', pattern: TOKENS_PATH, handler: listOrgTokens },
  { method: 'POST', pattern: TOKENS_PATH, handler: createOrgToken },
  { method: 'GET', pattern: `${TOKENS_PATH}/:access_token_id`, handler: getOrgToken },
  { method: 'PATCH', pattern: `${TOKENS_PATH}/:access_token_id`, handler: updateOrgToken },
  { method: 'DELETE', pattern: `${TOKENS_PATH}/:access_token_id`, handler: deleteOrgToken },
];
