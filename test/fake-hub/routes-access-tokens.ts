import { randomBytes, randomUUID } from 'node:crypto';
import { requireScope, requireUser } from './access.js';
import { SCOPES, widestScope } from './auth.js';
import { pageSlice, parsePaging } from './pagination.js';
import { badRequest, noContent, notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { findPat, type PatRecord, type Scope, type UserRecord } from './state.js';
import {
  type JsonObject,
  objectBody,
  optionalBoolean,
  optionalDateTime,
  optionalString,
  requireString,
  requireStringArray,
} from './validate.js';
import { accessTokenView } from './views.js';

function label(value: string): string {
  if (value.length < 1 || value.length > 100) {
    throw badRequest('token_label', 'token_label must be 1-100 characters');
  }
  return value;
}

function scopesOf(body: JsonObject): Scope[] {
  const scopes = requireStringArray(body, 'scopes');
  const valid = scopes.map((s) => SCOPES.find((known) => known === s));
  if (scopes.length === 0 || valid.some((s) => s === undefined)) {
    throw badRequest('scopes', `scopes must be a non-empty subset of ${SCOPES.join(', ')}`);
  }
  return [...new Set(valid.filter((s) => s !== undefined))];
}

/** The caller's own PAT; another user's uuid answers exactly like an unknown one. */
function ownPat(ctx: RouteContext, user: UserRecord): PatRecord {
  const uuid = param(ctx, 'uuid');
  const pat = findPat(user, uuid);
  if (!pat) throw notFound({ uuid });
  return pat;
}

function newestFirst(a: PatRecord, b: PatRecord): number {
  return b.created_at.localeCompare(a.created_at) || a.uuid.localeCompare(b.uuid);
}

function listPats(ctx: RouteContext): Reply {
  const user = requireUser(ctx);
  requireScope(ctx, 'repo:read');
  const slice = pageSlice(ctx, [...user.pats].sort(newestFirst), parsePaging(ctx.query));
  return ok({
    count: slice.count,
    next: slice.next,
    previous: slice.previous,
    active_count: user.pats.filter((p) => p.is_active).length,
    results: slice.items.map((p) => accessTokenView(p)),
  });
}

function createPat(ctx: RouteContext): Reply {
  const user = requireUser(ctx);
  requireScope(ctx, 'repo:admin');
  const body = objectBody(ctx.body);
  const tokenLabel = label(requireString(body, 'token_label'));
  const scopes = scopesOf(body);
  const expiresAt = optionalDateTime(body, 'expires_at') ?? null;
  if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) {
    throw badRequest('expires_at', 'expires_at must be in the future');
  }
  const agent = ctx.headers['user-agent'];
  const secret = `dckr_pat_${randomBytes(20).toString('base64url')}`;
  const pat: PatRecord = {
    token: secret,
    label: tokenLabel,
    scope: widestScope(scopes),
    uuid: randomUUID(),
    scopes,
    is_active: true,
    created_at: new Date().toISOString(),
    last_used: null,
    expires_at: expiresAt,
    creator_ip: '127.0.0.1',
    creator_ua: typeof agent === 'string' ? agent : '',
    generated_by: 'manual',
  };
  user.pats.push(pat);
  return ok(accessTokenView(pat, secret), 201);
}

function getPat(ctx: RouteContext): Reply {
  const user = requireUser(ctx);
  requireScope(ctx, 'repo:read');
  return ok(accessTokenView(ownPat(ctx, user)));
}

function updatePat(ctx: RouteContext): Reply {
  const user = requireUser(ctx);
  requireScope(ctx, 'repo:admin');
  const pat = ownPat(ctx, user);
  const body = objectBody(ctx.body);
  const tokenLabel = optionalString(body, 'token_label');
  const isActive = optionalBoolean(body, 'is_active');
  if (tokenLabel !== undefined) pat.label = label(tokenLabel);
  if (isActive !== undefined) pat.is_active = isActive;
  return ok(accessTokenView(pat));
}

function deletePat(ctx: RouteContext): Reply {
  const user = requireUser(ctx);
  requireScope(ctx, 'repo:admin');
  const pat = ownPat(ctx, user);
  user.pats = user.pats.filter((p) => p !== pat);
  return noContent();
}

export const accessTokenRoutes: Route[] = [
  { method: 'GET', pattern: '/v2/access-tokens', handler: listPats },
  { method: 'POST', pattern: '/v2/access-tokens', handler: createPat },
  { method: 'GET', pattern: '/v2/access-tokens/:uuid', handler: getPat },
  { method: 'PATCH', pattern: '/v2/access-tokens/:uuid', handler: updatePat },
  { method: 'DELETE', pattern: '/v2/access-tokens/:uuid', handler: deletePat },
];
