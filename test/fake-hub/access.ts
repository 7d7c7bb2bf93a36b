import { type Caller, callerName, scopeAtLeast } from './auth.js';
import { forbidden, notFound, unauthorized } from './reply.js';
import type { RouteContext } from './router.js';
import {
  findRepo,
  type HubState,
  isMemberOf,
  namespacePlan,
  type OrgRecord,
  type OrgRole,
  type RepoRecord,
  type Scope,
  type UserRecord,
} from './state.js';

export function isMember(state: HubState, caller: Caller, namespace: string): boolean {
  if (caller.kind === 'org') return caller.org.orgname === namespace;
  return caller.kind === 'user' && isMemberOf(state, caller.user.username, namespace);
}

/** Public repositories are open to all; private ones need repo:read and a seat in the namespace. */
export function canRead(state: HubState, caller: Caller, repo: RepoRecord): boolean {
  if (!repo.is_private) return true;
  return scopeAtLeast(caller, 'repo:read') && isMember(state, caller, repo.namespace);
}

export function permissionsFor(
  state: HubState,
  caller: Caller,
  repo: RepoRecord,
): { read: boolean; write: boolean; admin: boolean } {
  const member = isMember(state, caller, repo.namespace);
  return {
    read: canRead(state, caller, repo),
    write: member && scopeAtLeast(caller, 'repo:write'),
    admin: member && scopeAtLeast(caller, 'repo:admin'),
  };
}

/** Any authenticated caller: a user, or an org access token. */
export function requireCaller(ctx: RouteContext): Exclude<Caller, { kind: 'anonymous' }> {
  if (ctx.caller.kind === 'anonymous') {
    throw unauthorized('Authentication credentials were not provided.');
  }
  return ctx.caller;
}

/** A personal account: anonymous callers get 401, org access tokens 403. */
export function requireUser(ctx: RouteContext): UserRecord {
  const caller = requireCaller(ctx);
  if (caller.kind !== 'user') {
    throw forbidden('This action is not available to organization access tokens.');
  }
  return caller.user;
}

/** A private repository the caller cannot see answers exactly like a missing one. */
export function visibleRepo(ctx: RouteContext, namespace: string, name: string): RepoRecord {
  const repo = findRepo(ctx.state, namespace, name);
  if (!repo || !canRead(ctx.state, ctx.caller, repo)) {
    throw notFound({ namespace, repository: name });
  }
  return repo;
}

/**
 * For a namespace the caller can already see: reading needs only the scope, changing anything
 * also needs ownership of (or membership in) the namespace.
 */
export function requireRight(
  ctx: RouteContext,
  namespace: string,
  scope: 'repo:read' | 'repo:write' | 'repo:admin',
): void {
  requireCaller(ctx);
  if (!scopeAtLeast(ctx.caller, scope)) {
    throw forbidden(`This action requires a token with the ${scope} scope.`);
  }
  if (scope !== 'repo:read' && !isMember(ctx.state, ctx.caller, namespace)) {
    throw forbidden('You do not have permission to perform this action.');
  }
}

/** The caller's role in the org: an org access token is an owner of its own org. */
export function roleIn(caller: Caller, org: OrgRecord): OrgRole | undefined {
  if (caller.kind === 'org') return caller.org.orgname === org.orgname ? 'owner' : undefined;
  if (caller.kind === 'user') return org.members.get(caller.user.username);
  return undefined;
}

export interface OrgAccess {
  org: OrgRecord;
  role: OrgRole;
  /** Who shows up as actor in the audit log. */
  actor: string;
}

/**
 * Org administration. Anonymous: 401. Unknown org or not a member: 404, as the Hub hides orgs.
 * Then the token needs repo:admin (a password login has it), and the role must be owner or editor
 * to read ('read') or owner to change anything ('owner'); 403 otherwise.
 */
export function requireOrgRole(
  ctx: RouteContext,
  orgname: string,
  level: 'read' | 'owner',
): OrgAccess {
  const caller = requireCaller(ctx);
  const org = ctx.state.orgs.get(orgname);
  const role = org ? roleIn(caller, org) : undefined;
  if (!org || !role) throw notFound({ org: orgname });
  if (!scopeAtLeast(caller, 'repo:admin')) {
    throw forbidden('This action requires a token with the repo:admin scope.');
  }
  if (level === 'owner' && role !== 'owner') {
    throw forbidden('Only owners of the organization can perform this action.');
  }
  if (level === 'read' && role === 'member') {
    throw forbidden('Only owners and editors of the organization can perform this action.');
  }
  return { org, role, actor: callerName(caller) };
}

/** Image management is for Pro and Team plans: a free namespace gets 403. */
export function requirePaidPlan(ctx: RouteContext, namespace: string): void {
  if (namespacePlan(ctx.state, namespace) === 'free') {
    throw forbidden('This feature requires a Pro or Team plan');
  }
}

/** Only the token's scope matters (no namespace involved); 401 for anonymous callers. */
export function requireScope(ctx: RouteContext, scope: Scope): void {
  requireCaller(ctx);
  if (!scopeAtLeast(ctx.caller, scope)) {
    throw forbidden(`This action requires a token with the ${scope} scope.`);
  }
}
