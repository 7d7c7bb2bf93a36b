import { randomBytes, randomUUID } from 'node:crypto';
import type {
  HubState,
  IssuedToken,
  OrgRecord,
  OrgTokenRecord,
  PatRecord,
  Scope,
  UserRecord,
} from './state.js';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: UserRecord; scope: Scope }
  /** Authenticated with an organization access token: acts as the org, with owner rights on it. */
  | { kind: 'org'; org: OrgRecord; scope: Scope };

/** What the Authorization header amounts to, before any route decides whether it matters. */
export type Credential = Caller | { kind: 'invalid' };

const SCOPE_LEVEL: Record<Scope, number> = {
  'repo:public_read': 0,
  'repo:read': 1,
  'repo:write': 2,
  'repo:admin': 3,
};

export const SCOPES: readonly Scope[] = [
  'repo:admin',
  'repo:write',
  'repo:read',
  'repo:public_read',
];

/** Scopes nest: a grant of repo:write includes repo:read and repo:public_read. */
export function scopeAtLeast(caller: Caller, needed: Scope): boolean {
  return caller.kind !== 'anonymous' && SCOPE_LEVEL[caller.scope] >= SCOPE_LEVEL[needed];
}

/** The widest of the scopes, which is what a PAT granted them all acts with. */
export function widestScope(scopes: readonly Scope[]): Scope {
  return scopes.reduce<Scope>(
    (widest, s) => (SCOPE_LEVEL[s] > SCOPE_LEVEL[widest] ? s : widest),
    'repo:public_read',
  );
}

/** The account name a caller acts as: a username, or the org name for an org access token. */
export function callerName(caller: Caller): string {
  if (caller.kind === 'user') return caller.user.username;
  if (caller.kind === 'org') return caller.org.orgname;
  return 'anonymous';
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A PAT that can still be exchanged: active and not past its expiry. */
export function usablePat(
  user: UserRecord,
  secret: string,
  nowMs = Date.now(),
): PatRecord | undefined {
  return user.pats.find(
    (pat) =>
      pat.token === secret &&
      pat.is_active &&
      (pat.expires_at === null || Date.parse(pat.expires_at) > nowMs),
  );
}

/** Finds the scope a secret grants; a password acts with full rights, as on the real Hub. */
export function secretScope(user: UserRecord, secret: string): Scope | undefined {
  if (user.password !== '' && secret === user.password) return 'repo:admin';
  return usablePat(user, secret)?.scope;
}

/** An org access token that can still be exchanged for the org. */
export function usableOrgToken(
  state: HubState,
  orgname: string,
  secret: string,
  nowMs = Date.now(),
): OrgTokenRecord | undefined {
  return state.orgTokens.find(
    (t) =>
      t.org === orgname &&
      t.token === secret &&
      t.is_active &&
      (t.expires_at === null || Date.parse(t.expires_at) > nowMs),
  );
}

interface Subject {
  uuid: string;
  username: string;
  email: string;
}

function mint(
  state: HubState,
  subject: Subject,
  scope: Scope,
  ttlSeconds: number,
  nowMs: number,
  orgTokenId?: string,
): string {
  const jti = randomUUID();
  const iat = Math.floor(nowMs / 1000);
  const expiresAtMs = nowMs + ttlSeconds * 1000;
  const header = { alg: 'RS256', typ: 'JWT', kid: 'fake-hub' };
  const payload = {
    sub: subject.uuid,
    iat,
    exp: Math.floor(expiresAtMs / 1000),
    jti,
    scope,
    'https://hub.docker.com': {
      username: subject.username,
      email: subject.email,
      uuid: subject.uuid,
    },
  };
  // Nobody verifies the signature: the fake trusts only tokens it remembers issuing.
  const token = `${base64url(header)}.${base64url(payload)}.${randomBytes(32).toString('base64url')}`;
  const issued: IssuedToken = {
    token,
    jti,
    username: subject.username,
    scope,
    issuedAtMs: nowMs,
    expiresAtMs,
    revoked: false,
  };
  if (orgTokenId !== undefined) issued.orgTokenId = orgTokenId;
  state.tokens.set(token, issued);
  return token;
}

export function issueToken(
  state: HubState,
  user: UserRecord,
  scope: Scope,
  ttlSeconds: number,
  nowMs = Date.now(),
): string {
  return mint(state, user, scope, ttlSeconds, nowMs);
}

/** A JWT that acts as the org itself (its claims name the org), with owner rights on it. */
export function issueOrgToken(
  state: HubState,
  org: OrgRecord,
  orgToken: OrgTokenRecord,
  ttlSeconds: number,
  nowMs = Date.now(),
): string {
  const subject = { uuid: org.uuid, username: org.orgname, email: '' };
  return mint(state, subject, 'repo:admin', ttlSeconds, nowMs, orgToken.id);
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
  if (issued.orgTokenId !== undefined) {
    const org = state.orgs.get(issued.username);
    return org ? { kind: 'org', org, scope: issued.scope } : { kind: 'invalid' };
  }
  const user = state.users.get(issued.username);
  if (!user) return { kind: 'invalid' };
  return { kind: 'user', user, scope: issued.scope };
}

/** Rate limits are counted per token subject, everyone else shares 'anonymous'. */
export function rateLimitKey(credential: Credential): string {
  if (credential.kind === 'user') return credential.user.uuid;
  if (credential.kind === 'org') return credential.org.uuid;
  return 'anonymous';
}
