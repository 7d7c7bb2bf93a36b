/**
 * Bearer tokens for one Docker Hub credential: the username + secret are exchanged at
 * POST /v2/auth/token for a short-lived JWT, which is cached until shortly before it expires.
 * Concurrent callers share the one exchange in flight, so a burst of calls costs one exchange.
 */

/** A Docker Hub identity: a username (or org name) and a PAT, an org access token or a password. */
export interface Credential {
  /** The identifier sent to the Hub: a username, or an organization name for an org token. */
  username: string;
  secret: string;
}

/** Performs the exchange itself; the Hub client supplies it, so this module stays pure. */
export type TokenExchange = (credential: Credential) => Promise<string>;

/** Refresh this long before `exp`, so a token never expires between check and use. */
const EXPIRY_MARGIN_MS = 60_000;
/** A token without a readable `exp` is kept this long. */
const DEFAULT_LIFETIME_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  refreshAt: number;
  claims: JwtClaims | undefined;
}

export interface JwtClaims {
  exp?: number;
  sub?: string;
  username?: string;
}

export class TokenSource {
  private cached: CachedToken | undefined;
  /** The token before the current one: an upstream may still echo it back. */
  private previous: string | undefined;
  private inFlight: Promise<CachedToken> | undefined;

  constructor(
    readonly credential: Credential,
    private readonly exchange: TokenExchange,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid bearer token, from the cache or from one shared exchange. */
  async token(): Promise<string> {
    return this.current() ?? (await this.refresh()).token;
  }

  /** The cached token while it is valid, without waiting: most calls need no exchange. */
  current(): string | undefined {
    const cached = this.cached;
    return cached && this.now() < cached.refreshAt ? cached.token : undefined;
  }

  /**
   * Drops `token` after the Hub refused it, unless a newer token already replaced it (another
   * call may have refreshed first; throwing that one away would cost a second exchange).
   */
  invalidate(token: string): void {
    if (this.cached?.token === token) {
      this.previous = token;
      this.cached = undefined;
    }
  }

  /** Every secret this source holds: the credential's, and its current and previous tokens. */
  secrets(): string[] {
    return [this.credential.secret, this.cached?.token, this.previous].filter(
      (secret): secret is string => secret !== undefined,
    );
  }

  /** The Docker Hub username the token was issued to, falling back to the configured identifier. */
  async username(): Promise<string> {
    await this.token();
    return this.cached?.claims?.username ?? this.credential.username;
  }

  private refresh(): Promise<CachedToken> {
    if (!this.inFlight) {
      this.inFlight = this.exchange(this.credential)
        .then((token) => {
          const claims = decodeJwtClaims(token);
          const expiresAt = claims?.exp ? claims.exp * 1000 : this.now() + DEFAULT_LIFETIME_MS;
          const entry = { token, claims, refreshAt: expiresAt - EXPIRY_MARGIN_MS };
          if (this.cached && this.cached.token !== token) this.previous = this.cached.token;
          this.cached = entry;
          return entry;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }
}

/**
 * Reads the claims hubgate uses from a JWT without verifying it: the Hub verifies its own tokens,
 * hubgate only needs to know when to refresh and whose account it is.
 */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const hubClaims = json['https://hub.docker.com'] as Record<string, unknown> | undefined;
    const claims: JwtClaims = {};
    if (typeof json.exp === 'number') claims.exp = json.exp;
    if (typeof json.sub === 'string') claims.sub = json.sub;
    if (typeof hubClaims?.username === 'string') claims.username = hubClaims.username;
    return claims;
  } catch {
    return undefined;
  }
}
