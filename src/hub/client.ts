/**
 * A Docker Hub client acting as one identity: anonymous, a credential whose bearer token is
 * obtained and refreshed by a TokenSource, or a fixed bearer (a SCIM token). It spends as little
 * of the Hub as it can (a short read cache, one request for identical concurrent reads), survives
 * what the Hub does (retries, 429 waits, a spent rate limit answered without sending), and turns
 * answers into results or typed errors.
 */
import { secretForms } from '../secrets.js';
import { type Credential, TokenSource } from './auth.js';
import type { HubBlockBoard } from './board.js';
import { DEFAULT_CACHE_MAX_BYTES, ReadCache } from './cache.js';
import type { HubConnection, HubRequest, HubResponse } from './connection.js';
import {
  HubAuthError,
  HubCancelledError,
  HubNetworkError,
  HubRateLimitedError,
  HubResponseError,
  HubTimeoutError,
  hubMessageOf,
} from './errors.js';
import { SingleFlight } from './flight.js';
import { buildQuery } from './path.js';
import { backoffMs, DEFAULT_ATTEMPTS, isRead, isRetryableStatus, sleep } from './retry.js';

export interface HubCallOptions {
  /**
   * Non-2xx statuses that answer the question rather than fail it: 404 for HEAD checks
   * ("absent"), 400 for delete-images (the warnings to acknowledge).
   */
  answerStatuses?: readonly number[];
  /** False where freshness matters (tokens, audit logs): the read skips the cache. */
  cache?: boolean;
}

export interface HubClientOptions {
  /** How long a read is reused; 0 turns the cache off. */
  cacheTtlMs?: number;
  /** What this identity's cached answers may weigh in all; see DEFAULT_CACHE_MAX_BYTES. */
  cacheMaxBytes?: number;
  /** Tries per call, the first included. */
  attempts?: number;
  now?: () => number;
  /** Where replicas share rate-limit blocks, and this identity's name on it (no secret). */
  board?: { board: HubBlockBoard; identity: string };
}

export const DEFAULT_CACHE_TTL_MS = 10_000;

/** The last rate-limit figures the Hub reported for this identity. */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** Unix time, in seconds, when the budget is renewed. */
  resetAt?: number;
}

export class HubClient {
  private readonly tokens: TokenSource | undefined;
  private readonly cache: ReadCache<HubResponse>;
  private readonly flights = new SingleFlight<HubResponse>();
  private readonly attempts: number;
  private readonly now: () => number;
  readonly rateLimit: RateLimitState = {};
  /** After a 429 that said when: no request before this time (ms). */
  private blockedUntil = 0;
  private readonly board: HubClientOptions['board'];
  /** When the rate-limit figures were last noted (ms). */
  private rateLimitNotedAt = 0;

  /**
   * With a credential, calls carry a bearer from the token exchange; with `staticBearer` (a SCIM
   * token, used as issued), that bearer; with neither, no Authorization at all.
   */
  constructor(
    private readonly connection: HubConnection,
    credential?: Credential,
    private readonly staticBearer?: string,
    options: HubClientOptions = {},
  ) {
    this.tokens = credential
      ? new TokenSource(credential, (c) => exchangeToken(connection, c))
      : undefined;
    this.cache = new ReadCache({
      ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
      maxBytes: options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      sizeOf: answerBytes,
    });
    this.attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
    this.board = options.board;
    this.now = options.now ?? Date.now;
  }

  /**
   * The secrets this client holds (its credential's, its current and previous bearer tokens, a
   * SCIM token) in every form an upstream may echo them: taken out of any Hub text it quotes.
   */
  secretForms(): string[] {
    const held = [
      ...(this.tokens?.secrets() ?? []),
      ...(this.staticBearer ? [this.staticBearer] : []),
    ];
    // Worked out again only when a token changes: this runs for every result.
    const last = this.forms;
    if (last?.held.length !== held.length || last.held.some((secret, i) => secret !== held[i])) {
      const identifier = this.tokens?.credential.username;
      this.forms = { held, list: held.flatMap((secret) => secretForms(secret, identifier)) };
    }
    return (this.forms as { list: string[] }).list;
  }

  private forms: { held: string[]; list: string[] } | undefined;

  /** False when the read cache is off (a TTL of 0): no answer ever comes from it. */
  get caches(): boolean {
    return this.cache.ttlMs > 0;
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
    if (!isRead(request.method)) {
      const response = await this.attempt(request);
      // A write can change what any read of this identity would answer.
      if (response.status < 300) this.cache.clear();
      return this.finish(request, response, options);
    }
    const key = cacheKey(request);
    const cacheable = options.cache !== false;
    const cached = cacheable ? this.cache.get(key) : undefined;
    if (cached) return this.finish(request, cached, options);
    const response = await this.flights.run(
      key,
      request.signal,
      (signal) => this.attempt({ ...request, signal }),
      () => new HubCancelledError(request.method, request.path),
    );
    if (cacheable && response.status < 300) this.cache.set(key, response);
    return this.finish(request, response, options);
  }

  /**
   * What request() would answer from the read cache alone, sending nothing: undefined when the
   * cache holds no fresh answer to this read (or it is not a read the cache may answer).
   */
  cached(request: HubRequest, options: HubCallOptions = {}): HubResponse | undefined {
    if (!this.caches) return undefined;
    if (!isRead(request.method) || options.cache === false) return undefined;
    const hit = this.cache.get(cacheKey(request));
    return hit && this.finish(request, hit, options);
  }

  /**
   * One call: attempts until an answer worth returning, within the call's time budget. Reads are
   * tried again after network errors and 502/503/504; any request after a 429 whose wait fits.
   */
  private async attempt(request: HubRequest): Promise<HubResponse> {
    const budget = this.connection.timeoutMs;
    const deadline = this.now() + budget;
    for (let attempt = 1; ; attempt += 1) {
      // A new call refuses at once while the credential is blocked; one that has already waited
      // waits on while the block lasts and fits, since it may have moved since the wait began.
      if (attempt > 1) await this.waitOutBlock(deadline, request);
      this.failIfSpent(request);
      const remaining = deadline - this.now();
      if (remaining <= 0) throw new HubTimeoutError(request.method, request.path, budget);
      let response: HubResponse;
      try {
        response = await this.authorized(request, remaining);
      } catch (error) {
        if (error instanceof HubTimeoutError) {
          throw new HubTimeoutError(request.method, request.path, budget);
        }
        const retry = error instanceof HubNetworkError && isRead(request.method);
        if (!retry || !(await this.waitIfItFits(backoffMs(attempt), attempt, deadline, request))) {
          throw error;
        }
        continue;
      }
      this.noteRateLimit(response);
      const wait =
        response.status === 429
          ? Math.max(0, this.blockedUntil - this.now()) || backoffMs(attempt)
          : isRetryableStatus(response.status) && isRead(request.method)
            ? backoffMs(attempt)
            : undefined;
      if (wait === undefined || !(await this.waitIfItFits(wait, attempt, deadline, request))) {
        return response;
      }
    }
  }

  /** Waits and says true when another attempt is allowed and the wait leaves time for it. */
  private async waitIfItFits(
    ms: number,
    attempt: number,
    deadline: number,
    request: HubRequest,
  ): Promise<boolean> {
    if (attempt >= this.attempts || this.now() + ms >= deadline) return false;
    await sleep(ms, request.signal, request.method, request.path);
    return true;
  }

  /**
   * Waits until the credential's block is over, when that fits the budget. Concurrent calls' 429s,
   * answered after the one this call waited for, push the block later; and a timer may fire a
   * millisecond before Date.now() reaches its end (timers run on a monotonic clock of their own).
   */
  private async waitOutBlock(deadline: number, request: HubRequest): Promise<void> {
    for (;;) {
      const now = this.now();
      const ms = this.blockedUntilMs() - now;
      if (ms <= 0 || now + ms >= deadline) return;
      await sleep(ms, request.signal, request.method, request.path);
    }
  }

  /** Sends with the identity's bearer; a 401 refreshes the token once and sends once more. */
  private async authorized(request: HubRequest, budgetMs: number): Promise<HubResponse> {
    const deadline = this.now() + budgetMs;
    // Every step gets what is left of the budget; none may start once it is spent.
    const left = () => {
      const ms = deadline - this.now();
      if (ms <= 0) throw new HubTimeoutError(request.method, request.path, budgetMs);
      return ms;
    };
    // A cached token is taken as it is: no await, no turn of the microtask queue.
    let bearer =
      this.staticBearer ??
      (this.tokens ? (this.tokens.current() ?? (await this.token(request, left))) : undefined);
    let response = await this.connection.send(request, bearer, left());
    if (response.status === 401 && this.tokens && bearer) {
      // The token may have been revoked or expired early. A 401 means the Hub did not act on the
      // request, so repeating it is safe for any method.
      this.tokens.invalidate(bearer);
      bearer = await this.token(request, left);
      response = await this.connection.send(request, bearer, left());
    }
    return response;
  }

  /**
   * A bearer within the call's budget. The exchange is shared between calls, so a call that runs
   * out of time stops waiting for it rather than cancelling it for the others. An exchange that
   * failed on its own (it stalled or the network broke; another call may have been waiting on it)
   * is tried afresh once while the budget lasts.
   */
  private async token(request: HubRequest, left: () => number): Promise<string | undefined> {
    if (!this.tokens) return undefined;
    // A cached token needs no race against the budget (send() checks what is left anyway).
    const ready = this.tokens.current();
    if (ready) return ready;
    try {
      return await this.withinBudget(this.tokens.token(), request, left());
    } catch (error) {
      const ownFault = error instanceof HubTimeoutError || error instanceof HubNetworkError;
      if (!ownFault || (error as { ranOut?: boolean }).ranOut) throw error;
      return await this.withinBudget(this.tokens.token(), request, left());
    }
  }

  private async withinBudget<T>(work: Promise<T>, request: HubRequest, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const ranOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Marked so that the caller can tell its own budget from a failure of the shared work.
        const error = Object.assign(new HubTimeoutError(request.method, request.path, ms), {
          ranOut: true,
        });
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([work, ranOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Hub said the budget is spent until its reset (or a 429 said when): refuse unsent. */
  private failIfSpent(request: HubRequest): void {
    const until = this.blockedUntilMs();
    const now = this.now();
    if (until > now) {
      const seconds = Math.ceil((until - now) / 1000);
      throw new HubRateLimitedError(request.method, request.path, seconds, new Date(until));
    }
  }

  /** No request before this time (ms): a spent budget's reset, or a 429's wait. */
  private blockedUntilMs(): number {
    const { remaining, resetAt } = this.rateLimit;
    // A spent budget waits for its reset, within the same bound as a 429's wait.
    const spentUntil =
      remaining === 0 && resetAt !== undefined
        ? Math.min(resetAt * 1000, this.rateLimitNotedAt + MAX_SELF_IMPOSED_WAIT_MS)
        : 0;
    const shared = this.board ? this.board.board.until(this.board.identity) : 0;
    return Math.max(spentUntil, this.blockedUntil, shared);
  }

  private finish(request: HubRequest, response: HubResponse, options: HubCallOptions): HubResponse {
    if (response.status >= 200 && response.status < 300) return response;
    if (options.answerStatuses?.includes(response.status)) return response;
    throw toResponseError(request, response, this.now(), this.secretForms());
  }

  private noteRateLimit(response: HubResponse): void {
    const { headers } = response;
    const limit = numberHeader(headers['x-ratelimit-limit']);
    const remaining = numberHeader(headers['x-ratelimit-remaining']);
    const reset = numberHeader(headers['x-ratelimit-reset']);
    if (limit !== undefined) this.rateLimit.limit = limit;
    if (remaining !== undefined) this.rateLimit.remaining = remaining;
    if (reset !== undefined) this.rateLimit.resetAt = reset;
    this.rateLimitNotedAt = this.now();
    if (response.status === 429) {
      const at = retryAtMs(headers, this.now());
      if (at !== undefined) this.blockedUntil = at;
    }
    // What this replica now knows, the others learn: a spent budget or a 429's wait.
    const until = this.blockedUntilMs();
    if (this.board && until > this.now()) this.board.board.post(this.board.identity, until);
  }
}

/** Reads with the same key have the same answer: method, path, query and the media type. */
function cacheKey(request: HubRequest): string {
  return `${request.method} ${request.path}${buildQuery(request.query)} ${request.accept ?? ''}`;
}

/**
 * An answer's weight in the cache: its body as received (Content-Length, which the connection has
 * read in full) or, without one, its JSON text; plus its headers, so that no answer weighs nothing.
 */
function answerBytes(response: HubResponse): number {
  let bytes = 0;
  const { headers } = response;
  for (const name of Object.keys(headers)) bytes += name.length + (headers[name] as string).length;
  const { body } = response;
  if (body === undefined) return bytes;
  const length = Number(response.headers['content-length']);
  if (Number.isSafeInteger(length) && length >= 0) return bytes + length;
  return bytes + Buffer.byteLength(typeof body === 'string' ? body : JSON.stringify(body));
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
  // Only the Hub's own explanation fields are quoted: a garbled answer may hold a token.
  const explained = response.body && typeof response.body === 'object' ? response.body : undefined;
  const secrets = secretForms(credential.secret, credential.username);
  throw new HubAuthError(
    response.status,
    credential.username,
    hubMessageOf(explained, secrets).message,
  );
}

function toResponseError(
  request: HubRequest,
  response: HubResponse,
  now: number,
  secrets: readonly string[],
): HubResponseError {
  const { message, txnid } = hubMessageOf(response.body, secrets);
  const retryAfter = response.status === 429 ? retryAfterSeconds(response.headers, now) : undefined;
  return new HubResponseError(
    response.status,
    request.method,
    request.path,
    message,
    txnid,
    retryAfter,
  );
}

/**
 * When a 429 says the Hub takes calls again, in ms. X-RateLimit-Reset (a unix time) is preferred
 * when X-RateLimit-Remaining is 0;
 * then Retry-After, in seconds or, as the real Hub has sent it, as a unix time (a value past
 * 10^9 cannot be a wait in seconds: that would be 31 years); then an HTTP date; then
 * X-Retry-After. Whatever it says, hubgate waits at most MAX_SELF_IMPOSED_WAIT_MS: one odd header
 * must not lock every agent on a credential out until a restart.
 */
export function retryAtMs(headers: Record<string, string>, now: number): number | undefined {
  const at = announcedRetryAtMs(headers, now);
  return at === undefined ? undefined : Math.min(Math.max(now, at), now + MAX_SELF_IMPOSED_WAIT_MS);
}

/** A wait past this is the Hub's to enforce: hubgate tries again after it. */
export const MAX_SELF_IMPOSED_WAIT_MS = 15 * 60_000;
const EPOCH_SECONDS = 1e9;

function announcedRetryAtMs(headers: Record<string, string>, now: number): number | undefined {
  // The budget's own reset, when it is the budget that is spent.
  const reset = numberHeader(headers['x-ratelimit-reset']);
  const spent = numberHeader(headers['x-ratelimit-remaining']) === 0;
  if (spent && reset !== undefined && reset * 1000 > now) return reset * 1000;
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const value = numberHeader(retryAfter);
    if (value !== undefined) return value > EPOCH_SECONDS ? value * 1000 : now + value * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return date;
  }
  const unix = numberHeader(headers['x-retry-after']);
  return unix === undefined ? undefined : unix * 1000;
}

/** Seconds to wait, rounded up, as errors tell them. */
export function retryAfterSeconds(
  headers: Record<string, string>,
  now: number,
): number | undefined {
  const at = retryAtMs(headers, now);
  return at === undefined ? undefined : Math.ceil((at - now) / 1000);
}

function numberHeader(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
