import { randomBytes } from 'node:crypto';
import { issueOrgToken, issueToken, secretScope, usableOrgToken, usablePat } from './auth.js';
import { ok, type Reply, ReplyError } from './reply.js';
import type { Route, RouteContext } from './router.js';
import type { Scope, UserRecord } from './state.js';

/** How long a login_2fa_token waits for its code. */
const LOGIN_2FA_TTL_MS = 5 * 60 * 1000;

function requireFields(ctx: RouteContext, names: string[]): Record<string, string> {
  const body = ctx.body;
  const fields =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const missing = names.filter((name) => typeof fields[name] !== 'string' || fields[name] === '');
  if (missing.length > 0) {
    const detail = `Missing required field(s): ${missing.join(', ')}`;
    throw new ReplyError({ status: 400, body: { detail, message: detail, fields: missing } });
  }
  return Object.fromEntries(names.map((name) => [name, String(fields[name])]));
}

function incorrectCredentials(): ReplyError {
  const detail = 'Incorrect authentication credentials';
  return new ReplyError({ status: 401, body: { detail, message: detail } });
}

/** Remembers when a PAT was last exchanged, as its last_used shows. */
function touchPat(user: UserRecord, secret: string): void {
  const pat = usablePat(user, secret);
  if (pat) pat.last_used = new Date().toISOString();
}

function exchangeToken(ctx: RouteContext): Reply {
  const fields = requireFields(ctx, ['identifier', 'secret']);
  const identifier = String(fields.identifier).toLowerCase();
  const secret = String(fields.secret);
  // An org access token: the identifier is the org name.
  const org = ctx.state.orgs.get(identifier);
  const orgToken = org ? usableOrgToken(ctx.state, org.orgname, secret) : undefined;
  if (org && orgToken) {
    orgToken.last_used_at = new Date().toISOString();
    return ok({ access_token: issueOrgToken(ctx.state, org, orgToken, ctx.tokenTtlSeconds) });
  }
  const user = ctx.state.users.get(identifier);
  const scope = user ? secretScope(user, secret) : undefined;
  if (!user || !scope) throw incorrectCredentials();
  touchPat(user, secret);
  return ok({ access_token: issueToken(ctx.state, user, scope, ctx.tokenTtlSeconds) });
}

/** POST /v2/users/login (deprecated upstream): a password or a PAT; 2FA accounts need a code. */
function login(ctx: RouteContext): Reply {
  const fields = requireFields(ctx, ['username', 'password']);
  const user = ctx.state.users.get(String(fields.username).toLowerCase());
  const secret = String(fields.password);
  const scope: Scope | undefined = user ? secretScope(user, secret) : undefined;
  if (!user || !scope) throw incorrectCredentials();
  const isPassword = user.password !== '' && secret === user.password;
  if (isPassword && user.totp !== null) {
    const loginToken = randomBytes(24).toString('base64url');
    ctx.state.pendingLogins.set(loginToken, {
      username: user.username,
      expiresAtMs: Date.now() + LOGIN_2FA_TTL_MS,
    });
    throw new ReplyError({
      status: 401,
      body: {
        detail: 'Require secondary authentication on MFA enabled account',
        login_2fa_token: loginToken,
      },
    });
  }
  touchPat(user, secret);
  return ok({ token: issueToken(ctx.state, user, scope, ctx.tokenTtlSeconds) });
}

/** POST /v2/users/2fa-login: the login_2fa_token from /v2/users/login plus the TOTP code. */
function login2fa(ctx: RouteContext): Reply {
  const fields = requireFields(ctx, ['login_2fa_token', 'code']);
  const loginToken = String(fields.login_2fa_token);
  const pending = ctx.state.pendingLogins.get(loginToken);
  const user = pending ? ctx.state.users.get(pending.username) : undefined;
  if (!pending || pending.expiresAtMs <= Date.now() || !user || user.totp === null) {
    throw incorrectCredentials();
  }
  // A wrong code leaves the login pending, so the right one can still follow.
  if (String(fields.code) !== user.totp) throw incorrectCredentials();
  ctx.state.pendingLogins.delete(loginToken);
  return ok({ token: issueToken(ctx.state, user, 'repo:admin', ctx.tokenTtlSeconds) });
}

export const authRoutes: Route[] = [
  { method: 'POST', pattern: '/v2/auth/token', handler: exchangeToken, skipBearerCheck: true },
  { method: 'POST', pattern: '/v2/users/login', handler: login, skipBearerCheck: true },
  { method: 'POST', pattern: '/v2/users/2fa-login', handler: login2fa, skipBearerCheck: true },
];
