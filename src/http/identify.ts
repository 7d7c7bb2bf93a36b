/**
 * Who a request is: the agent of its key, or, with `oauth:` configured, the agent its access
 * token maps to, or the anonymous agent when one is allowed and the request carries nothing. A
 * bearer that looks like a JWT is a token (hubgate's own keys never do); anything else is a key.
 * Refusals say, in `WWW-Authenticate`, where the resource's metadata is (RFC 9728), so that an
 * OAuth client can find the identity provider by itself.
 */
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../audit/record.js';
import type { Config, OAuthConfig } from '../config/types.js';
import { agentForClaims, type Claims } from '../oauth/claims.js';
import {
  createTokenVerifier,
  looksLikeJwt,
  type TokenVerifier,
  type VerifierOptions,
} from '../oauth/verifier.js';
import { agentForKey } from './keys.js';

/** The one acting: an agent, and whose token it was when it signed in with OAuth. */
export interface Caller {
  agent: string;
  principal?: Principal;
}

export type Identity =
  | { ok: true; caller: Caller }
  | { ok: false; status: 401 | 403 | 503; message: string; challenge?: string };

export interface Identifier {
  identify(request: IncomingMessage): Promise<Identity>;
  /** The protected-resource metadata served at `path`, or undefined (no OAuth, or another path). */
  resourceMetadata(path: string): Record<string, unknown> | undefined;
}

const METADATA_PREFIX = '/.well-known/oauth-protected-resource';

/** Where RFC 9728 puts a resource's metadata: the well-known prefix before the resource's path. */
export function metadataUrl(audience: string): string {
  const url = new URL(audience);
  return `${url.origin}${METADATA_PREFIX}${url.pathname.replace(/\/$/, '')}`;
}

export function createIdentifier(options: {
  config: () => Config;
  allowAnonymous?: string;
  verifier?: VerifierOptions;
}): Identifier {
  // Rebuilt when a reload changes the oauth section, kept (with its cached keys) otherwise.
  let verifier: { oauth: OAuthConfig; verifier: TokenVerifier } | undefined;
  const verifierFor = (oauth: OAuthConfig) => {
    if (verifier?.oauth !== oauth) {
      verifier = { oauth, verifier: createTokenVerifier(oauth, options.verifier) };
    }
    return verifier.verifier;
  };

  function unauthorized(oauth: OAuthConfig | undefined, message: string, error?: string): Identity {
    if (!oauth) return { ok: false, status: 401, message, challenge: 'Bearer realm="hubgate"' };
    const parts = ['realm="hubgate"'];
    if (error) parts.push(`error="invalid_token"`, `error_description="${quoted(error)}"`);
    parts.push(`resource_metadata="${metadataUrl(oauth.audience)}"`);
    return { ok: false, status: 401, message, challenge: `Bearer ${parts.join(', ')}` };
  }

  async function byToken(oauth: OAuthConfig, token: string): Promise<Identity> {
    const checked = await verifierFor(oauth).verify(token);
    if (!checked.ok) {
      if (checked.status === 503) {
        return { ok: false, status: 503, message: `Service unavailable: ${checked.why}` };
      }
      return unauthorized(oauth, `Unauthorized: ${checked.why}`, checked.why);
    }
    const principal = principalOf(checked.claims);
    const mapped = agentForClaims(oauth, checked.claims);
    if (mapped.kind === 'agent') return { ok: true, caller: { agent: mapped.agent, principal } };
    const who = describe(principal);
    if (mapped.kind === 'insufficient scope') {
      const scope = mapped.scopes.join(' ');
      return {
        ok: false,
        status: 403,
        message: `Forbidden: the token (${who}) needs the scope ${mapped.scopes.map((s) => `"${s}"`).join(' or ')}`,
        challenge: `Bearer error="insufficient_scope", scope="${quoted(scope)}", resource_metadata="${metadataUrl(oauth.audience)}"`,
      };
    }
    return {
      ok: false,
      status: 403,
      message: `Forbidden: no rule under oauth.agents maps this token (${who}) to an agent`,
    };
  }

  return {
    async identify(request) {
      const config = options.config();
      const { oauth } = config;
      const header = request.headers.authorization;
      if (header === undefined) {
        if (options.allowAnonymous) return { ok: true, caller: { agent: options.allowAnonymous } };
        return unauthorized(oauth, unauthorizedMessage(oauth));
      }
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (oauth && bearer && looksLikeJwt(bearer)) return byToken(oauth, bearer);
      const agent = bearer === undefined ? undefined : agentForKey(config, bearer);
      if (agent) return { ok: true, caller: { agent } };
      return unauthorized(oauth, unauthorizedMessage(oauth));
    },
    resourceMetadata(path) {
      const { oauth } = options.config();
      if (!oauth) return undefined;
      const own = new URL(metadataUrl(oauth.audience)).pathname;
      if (path !== own && path !== METADATA_PREFIX) return undefined;
      const scopes = [...new Set(oauth.rules.flatMap((rule) => rule.when.get('scope') ?? []))];
      return {
        resource: oauth.audience,
        authorization_servers: [oauth.issuer],
        bearer_methods_supported: ['header'],
        ...(scopes.length > 0 ? { scopes_supported: scopes } : {}),
        resource_name: 'hubgate',
      };
    },
  };
}

export function isMetadataPath(path: string): boolean {
  return path === METADATA_PREFIX || path.startsWith(`${METADATA_PREFIX}/`);
}

function unauthorizedMessage(oauth: OAuthConfig | undefined): string {
  return oauth
    ? 'Unauthorized: send "Authorization: Bearer <agent key or access token>" (the resource metadata in WWW-Authenticate names the identity provider)'
    : 'Unauthorized: send "Authorization: Bearer <agent key>" (hubgate key makes one)';
}

/** The token's subject and client, as text and bounded: they go into audit records and errors. */
function principalOf(claims: Claims): Principal {
  const text = (value: unknown) =>
    typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
  const sub = text(claims.sub);
  // Providers name the client differently: client_id (RFC 9068), azp (OIDC, Auth0, Entra v2),
  // appid (Entra v1), cid (Okta).
  const clientId =
    text(claims.client_id) ?? text(claims.azp) ?? text(claims.appid) ?? text(claims.cid);
  return { ...(sub ? { sub } : {}), ...(clientId ? { client_id: clientId } : {}) };
}

function describe(principal: Principal): string {
  const parts = [
    principal.sub ? `sub "${principal.sub}"` : undefined,
    principal.client_id ? `client_id "${principal.client_id}"` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no sub or client_id';
}

/** A value fit for a quoted-string in a header: no quotes, backslashes or control characters. */
function quoted(value: string): string {
  // Only printable ASCII is kept; the reasons are hubgate's own sentences, so nothing is lost.
  return [...value]
    .map((c) => (c >= ' ' && c <= '~' && c !== '"' && c !== '\\' ? c : ' '))
    .join('');
}
