import { type Caller, scopeAtLeast } from './auth.js';
import { forbidden, notFound, unauthorized } from './reply.js';
import type { RouteContext } from './router.js';
import { findRepo, type HubState, isMemberOf, type RepoRecord, type UserRecord } from './state.js';

export function isMember(state: HubState, caller: Caller, namespace: string): boolean {
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

export function requireUser(ctx: RouteContext): UserRecord {
  if (ctx.caller.kind !== 'user') {
    throw unauthorized('Authentication credentials were not provided.');
  }
  return ctx.caller.user;
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
  requireUser(ctx);
  if (!scopeAtLeast(ctx.caller, scope)) {
    throw forbidden(`This action requires a token with the ${scope} scope.`);
  }
  if (scope !== 'repo:read' && !isMember(ctx.state, ctx.caller, namespace)) {
    throw forbidden('You do not have permission to perform this action.');
  }
}
