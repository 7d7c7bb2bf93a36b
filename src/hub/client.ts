/**
 * A Docker Hub client acting as one identity: anonymous, or a credential whose bearer token is
 * obtained and refreshed by a TokenSource. It turns Hub answers into results or typed errors.
 */
import { type Credential, TokenSource } from './auth.js';
import type { HubConnection, HubRequest, HubResponse } from './connection.js';
import { HubAuthError, HubResponseError, hubMessageOf } from './errors.js';

export interface HubCallOptions {
  /**
   * Non-2xx statuses that answer the question rather than fail it: 404 for HEAD checks
   * ("absent"), 400 for delete-images (the warnings to acknowledge).
   */
  answerStatuses?: readonly number[];
}

/** The last rate-limit figures the Hub reported for this identity. */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  resetAt?: number;
}

export class HubClient {
  private readonly tokens: TokenSource | undefined;
  readonly rateLimit: RateLimitState = {};

  /**
   * With a credential, calls carry a bearer from the token exchange; with `staticBearer` (a SCIM
   * token, used as issued), that bearer; with neither, no Authorization at all.
   */
  constructor(
    private readonly connection: HubConnection,
    credential?: Credential,
    private readonly staticBearer?: string,
  ) {
    this.tokens = credential
      ? new TokenSource(credential, (c) => exchangeToken(connection, c))
      : undefined;
  }

  get anonymous(): boolean {
    return !this.tokens && !this.staticBearer;
  }

  /** The origin and path prefix requests go to, for checking links the Hub hands back. */
  get endpoint(): { origin: string; basePath: string } {
    return { origin: this.connection.origin, basePath: this.connection.basePath };
  }

  /** The Docker Hub username behind the credential, or undefined when anonymous. */
  async username(): Promise<string | undefined> {
    return this.tokens?.username();
  }

  async request(request: HubRequest, options: HubCallOptions = {}): Promise<HubResponse> {
    let bearer = this.staticBearer ?? (await this.tokens?.token());
    let response = await this.connection.send(request, bearer);
    if (response.status === 401 && this.tokens && bearer) {
      // The token may have been revoked or expired early: refresh once and try once more.
      // A 401 means the Hub did not act on the request, so repeating it is safe for any method.
      this.tokens.invalidate(bearer);
      bearer = await this.tokens.token();
      response = await this.connection.send(request, bearer);
    }
    this.noteRateLimit(response.headers);
    if (response.status >= 200 && response.status < 300) return response;
    if (options.answerStatuses?.includes(response.status)) return response;
    throw toResponseError(request, response);
  }

  private noteRateLimit(headers: Record<string, string>): void {
    const limit = numberHeader(headers['x-ratelimit-limit']);
    const remaining = numberHeader(headers['x-ratelimit-remaining']);
    const reset = numberHeader(headers['x-ratelimit-reset']);
    if (limit !== undefined) this.rateLimit.limit = limit;
    if (remaining !== undefined) this.rateLimit.remaining = remaining;
    if (reset !== undefined) this.rateLimit.resetAt = reset;
  }
}

async function exchangeToken(connection: HubConnection, credential: Credential): Promise<string> {
  const response = await connection.send({
    method: 'POST',
    path: '/v2/auth/token',
    body: { identifier: credential.username, secret: credential.secret },
  });
  const body = response.body as { access_token?: unknown; token?: unknown } | undefined;
  const token = body?.access_token ?? body?.token;
  if (response.status === 200 && typeof token === 'string' && token) return token;
  throw new HubAuthError(response.status, credential.username, hubMessageOf(response.body).message);
}

function toResponseError(request: HubRequest, response: HubResponse): HubResponseError {
  const { message, txnid } = hubMessageOf(response.body);
  const retryAfter =
    response.status === 429 ? retryAfterSeconds(response.headers, Date.now()) : undefined;
  return new HubResponseError(
    response.status,
    request.method,
    request.path,
    message,
    txnid,
    retryAfter,
  );
}

/** Seconds to wait from `Retry-After` (seconds or an HTTP date) or `X-Retry-After` (unix time). */
export function retryAfterSeconds(
  headers: Record<string, string>,
  now: number,
): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  const unix = numberHeader(headers['x-retry-after']);
  if (unix !== undefined) return Math.max(0, Math.ceil(unix - now / 1000));
  return undefined;
}

function numberHeader(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
