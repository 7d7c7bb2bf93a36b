/**
 * Which agent a verified token acts as: the config's `oauth.agents` rules, first match wins. A
 * rule matches when every claim it names has one of the values it lists. Claims come in three
 * shapes (a string, a list such as `groups`, a space-separated `scope`), and names in two (a
 * top-level claim, which may itself hold dots or slashes as Auth0's namespaced ones do, or a
 * dotted path into nested claims such as Keycloak's `realm_access.roles`).
 */
import type { OAuthConfig } from '../config/types.js';

export type Claims = Readonly<Record<string, unknown>>;

export type ClaimsMapping =
  | { kind: 'agent'; agent: string; rule: number }
  /** A rule would match but for `scope`: the token needs one of these scopes (RFC 6750 403). */
  | { kind: 'insufficient scope'; scopes: string[]; rule: number }
  | { kind: 'no rule' };

export function agentForClaims(oauth: Pick<OAuthConfig, 'rules'>, claims: Claims): ClaimsMapping {
  let scopeShort: { scopes: string[]; rule: number } | undefined;
  for (const [index, rule] of oauth.rules.entries()) {
    let others = true;
    for (const [claim, wanted] of rule.when) {
      if (claim !== 'scope' && !matches(claims, claim, wanted)) others = false;
    }
    if (!others) continue;
    const scopes = rule.when.get('scope');
    if (!scopes || matches(claims, 'scope', scopes)) {
      return { kind: 'agent', agent: rule.agent, rule: index };
    }
    scopeShort ??= { scopes: [...scopes], rule: index };
  }
  return scopeShort ? { kind: 'insufficient scope', ...scopeShort } : { kind: 'no rule' };
}

function matches(claims: Claims, claim: string, wanted: readonly string[]): boolean {
  const have = claimValues(claims, claim);
  return wanted.some((value) => have.includes(value));
}

/** The claim's values as strings: a list's strings, `scope` split on spaces, a scalar as text. */
export function claimValues(claims: Claims, claim: string): string[] {
  const value = claimAt(claims, claim);
  if (typeof value === 'string')
    return claim === 'scope' || claim === 'scp' ? value.split(' ').filter(Boolean) : [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function claimAt(claims: Claims, claim: string): unknown {
  if (Object.hasOwn(claims, claim)) return claims[claim];
  let at: unknown = claims;
  for (const part of claim.split('.')) {
    if (!at || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, part))
      return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
