import { randomBytes, randomUUID } from 'node:crypto';
import type { HubState, IssuedToken, Scope, UserRecord } from './state.js';

export type Caller = { kind: 'anonymous' } | { kind: 'user'; user: UserRecord; scope: Scope };

/** What the Authorization header amounts to, before any route decides whether it matters. */
export type Credential = Caller | { kind: 'invalid' };

const SCOPE_LEVEL: Record<Scope, number> = {
  'repo:public_read': 0,
  'repo:read': 1,
  'repo:write': 2,
  'repo:admin': 3,
};

/** Scopes nest: a grant of repo:write includes repo:read and repo:public_read. */
export function scopeAtLeast(caller: Caller, needed: Scope): boolean {
  return caller.kind === 'user' && SCOPE_LEVEL[caller.scope] >= SCOPE_LEVEL[needed];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Finds the scope a secret grants; a password acts with full rights, as on the real Hub. */
export function secretScope(user: UserRecord, secret: string): Scope | undefined {
  if (user.password !== '' && secret === user.password) return 'repo:admin';
  return user.pats.find((pat) => pat.token === secret)?.scope;
}

export function issueToken(
  state: HubState,
  user: UserRecord,
  scope: Scope,
  ttlSeconds: number,
  nowMs = Date.now(),
): string {
  const jti = randomUUID();
  const iat = Math.floor(nowMs / 1000);
  const expiresAtMs = nowMs + ttlSeconds * 1000;
  const header = { alg: 'RS256', typ: 'JWT', kid: 'fake-hub' };
  const payload = {
    sub: user.uuid,
    iat,
    exp: Math.floor(expiresAtMs / 1000),
    jti,
    scope,
    'https://hub.docker.com': { username: user.username, email: user.email, uuid: user.uuid },
  };
  // Nobody verifies the signature: the fake trusts only tokens it remembers issuing.
  const token = `${base64url(header)}.${base64url(payload)}.${randomBytes(32).toString('base64url')}`;
  const issued: IssuedToken = {
    token,
    jti,
    username: user.username,
    scope,
    issuedAtMs: nowMs,
    expiresAtMs,
    revoked: false,
  };
  state.tokens.set(token, issued);
  return token;
}

export function resolveCredential(
  state: HubState,
  authorization: string | undefined,
  nowMs = Date.now(),
): Credential {
  if (authorization === undefined) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const issued = match?.[1] === undefined ? undefined : state.tokens.get(match[1]);
  if (!issued || issued.revoked || issued.expiresAtMs <= nowMs) return { kind: 'invalid' };
  const user = state.users.get(issued.username);
  if (!user) return { kind: 'invalid' };
  return { kind: 'user', user, scope: issued.scope };
}

/** Rate limits are counted per token subject, everyone else shares 'anonymous'. */
export function rateLimitKey(credential: Credential): string {
  return credential.kind === 'user' ? credential.user.uuid : 'anonymous';
}
