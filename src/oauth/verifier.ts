/**
 * Checks an OAuth access token the way a resource server must (RFC 9068, the MCP authorization
 * spec): a JWT signed by one of the issuer's published keys with an allowed public-key algorithm,
 * from that issuer, for this resource (`aud`: no token issued for another service passes through),
 * within its lifetime. The keys come from the issuer's JWKS, found in its metadata unless the
 * config names it, cached, and fetched again when a token names a key not yet seen (a rotation),
 * at most once per cooldown so that made-up key ids cannot make hubgate hammer the provider.
 *
 * Reasons given back never quote the token: they end up in logs and in answers.
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { isSecureUrl } from '../config/schema.js';
import type { OAuthConfig } from '../config/types.js';
import type { Claims } from './claims.js';

export type TokenCheck =
  | { ok: true; claims: Claims }
  /** 401: the token is not one to accept; 503: it cannot be checked now (the provider is down). */
  | { ok: false; status: 401 | 503; why: string };

export interface TokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}

export interface VerifierOptions {
  /** Least time between two JWKS fetches; a token with an unknown key waits for it. */
  jwksCooldownMs?: number;
  /** How long fetched keys are used before they are fetched again anyway. */
  jwksMaxAgeMs?: number;
  /** For each request to the identity provider. */
  timeoutMs?: number;
}

/** A JWT: three base64url parts. hubgate's own keys (`hgk_…`) never look like one. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export function createTokenVerifier(
  oauth: OAuthConfig,
  options: VerifierOptions = {},
): TokenVerifier {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let keys: JWTVerifyGetKey | undefined;
  let discovering: Promise<JWTVerifyGetKey> | undefined;
  let lastDiscoveryFailure = 0;

  async function keySet(): Promise<JWTVerifyGetKey> {
    if (keys) return keys;
    // A provider that was down is asked again, but not on every request.
    if (Date.now() - lastDiscoveryFailure < 5_000) throw new DiscoveryError('retrying shortly');
    discovering ??= (async () => {
      const jwksUri = oauth.jwksUri ?? (await discoverJwksUri(oauth.issuer, timeoutMs));
      keys = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: timeoutMs,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksMaxAgeMs ?? 10 * 60_000,
      });
      return keys;
    })().finally(() => {
      discovering = undefined;
    });
    try {
      return await discovering;
    } catch (error) {
      lastDiscoveryFailure = Date.now();
      throw error;
    }
  }

  return {
    async verify(token) {
      if (!looksLikeJwt(token)) return { ok: false, status: 401, why: 'not a JWT' };
      let getKey: JWTVerifyGetKey;
      try {
        getKey = await keySet();
      } catch (error) {
        return {
          ok: false,
          status: 503,
          why: `the identity provider's keys could not be fetched (${(error as Error).message})`,
        };
      }
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: oauth.issuer,
          audience: oauth.audience,
          algorithms: [...oauth.algorithms],
          clockTolerance: oauth.clockSkewSeconds,
          requiredClaims: ['exp'],
        });
        return { ok: true, claims: payload };
      } catch (error) {
        return refusalOf(error);
      }
    },
  };
}

class DiscoveryError extends Error {}

function refusalOf(error: unknown): TokenCheck {
  const why = (reason: string): TokenCheck => ({ ok: false, status: 401, why: reason });
  if (error instanceof errors.JWTExpired) return why('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return why('the token was not issued for this resource (aud)');
      case 'iss':
        return why('the token is from another issuer (iss)');
      case 'nbf':
        return why('the token is not valid yet (nbf)');
      case 'exp':
        return why('the token has no expiry (exp)');
      default:
        return why(`the token's "${error.claim}" claim is not acceptable`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return why('the token is signed with an algorithm not accepted');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return why("the token's signature does not verify");
  if (error instanceof errors.JWKSNoMatchingKey)
    return why('the token is signed with a key the issuer does not publish');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return { ok: false, status: 503, why: "the identity provider's keys could not be fetched" };
  }
  if (error instanceof errors.JOSEError) return why(`the token is not acceptable (${error.code})`);
  if (error instanceof TypeError) {
    // fetch failed: the provider is unreachable.
    return { ok: false, status: 503, why: "the identity provider's keys could not be fetched" };
  }
  return why('the token is not acceptable');
}

/**
 * The JWKS URL from the issuer's metadata: OpenID discovery, else RFC 8414's. The metadata must be
 * the issuer's own (its `issuer` equal to the configured one), or its keys prove nothing.
 */
async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const base = new URL(issuer);
  const path = base.pathname.replace(/\/$/, '');
  const candidates = [
    new URL(`${path}/.well-known/openid-configuration`, base.origin),
    new URL(`/.well-known/oauth-authorization-server${path}`, base.origin),
  ];
  const failures: string[] = [];
  for (const url of candidates) {
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      if (!response.ok) {
        failures.push(`${url.pathname}: ${response.status}`);
        continue;
      }
      const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (metadata.issuer !== issuer) {
        failures.push(`${url.pathname}: names another issuer`);
        continue;
      }
      if (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri)) {
        failures.push(`${url.pathname}: no jwks_uri`);
        continue;
      }
      if (!isSecureUrl(new URL(metadata.jwks_uri))) {
        failures.push(`${url.pathname}: its jwks_uri is not https`);
        continue;
      }
      return metadata.jwks_uri;
    } catch (error) {
      failures.push(
        `${url.pathname}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable'}`,
      );
    }
  }
  throw new DiscoveryError(`no usable metadata at ${base.origin} (${failures.join('; ')})`);
}
