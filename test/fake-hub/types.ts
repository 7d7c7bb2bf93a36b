import type { HubState } from './state.js';

export interface FakeHubOptions {
  /** Lifetime of issued JWTs, default 3600. */
  tokenTtlSeconds?: number;
  /** Requests per window per caller (token subject or 'anonymous'), default 1000. */
  rateLimit?: number;
  /** Default 60. */
  rateLimitWindowSeconds?: number;
}

export interface RecordedRequest {
  method: string;
  /** Without the query string, raw (not decoded). */
  path: string;
  /** From URLSearchParams, last value wins. */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the raw text, undefined when empty. */
  body: unknown;
  rawBody: string;
  /** True when the client closed the connection before the response was finished. */
  aborted: boolean;
  /** Date.now() when the request arrived. */
  receivedAtMs: number;
}

export interface Fault {
  method?: string;
  /** A string matches the raw path exactly; a RegExp is tested against it. */
  path?: string | RegExp;
  /** Answer with this status instead of routing. */
  status?: number;
  /** JSON body for that answer, default {detail: 'injected fault'}. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (or before routing when no status); ends early on disconnect. */
  delayMs?: number;
  /** How many matching requests it applies to, default 1. */
  times?: number;
  /** With status 429: sets Retry-After and X-Retry-After. */
  retryAfterSeconds?: number;
  /**
   * How Retry-After says it: in seconds (the default, as RFC 9110 has it), or as a unix time, as
   * the real Hub has been seen to send it (`retry-after: 1746136938`).
   */
  retryAfterForm?: 'seconds' | 'unix';
  /**
   * The answer quotes the request back, headers and body, in its `detail` and `message` (and
   * in the plain text of the first 300 characters), as a misbehaving upstream or proxy does.
   */
  echo?: boolean;
  /** Drop the connection instead of answering (after any delay): a reset as the client sees it. */
  reset?: boolean;
  /**
   * The fields below shape the answer's bytes instead of routing. Its status is `status`, 200 by
   * default; its Content-Type application/json unless `headers` say otherwise.
   */
  /** The payload as this raw text, valid JSON or not (a truncated or a garbled answer). */
  rawBody?: string;
  /** A JSON payload of exactly this many bytes (`{"padding":"xxx…"}`), e.g. over a size cap. */
  bodyBytes?: number;
  /** Sent without Content-Length (chunked), so only counting the bytes tells the size. */
  chunked?: boolean;
  /** Sends the headers and this many bytes of the payload, then destroys the socket. */
  resetAfterBytes?: number;
  /** Sends the headers and this many bytes of the payload, then nothing until the client leaves. */
  stallAfterBytes?: number;
  /** The payload is written in pieces of this size (default 64 KiB)… */
  chunkBytes?: number;
  /** …with this wait between pieces: a Hub that trickles its answer. */
  chunkDelayMs?: number;
}

export interface FakeHub {
  /** 'http://127.0.0.1:<port>', no trailing slash. */
  url: string;
  /** Every request received, in arrival order, token exchanges included. */
  requests: RecordedRequest[];
  clearRequests(): void;
  /** Requests other than token exchanges: what tests usually assert on. */
  apiRequests(): RecordedRequest[];
  /** How many POST /v2/auth/token were received. */
  tokenExchanges(): number;
  /** Queue a fault; faults are matched in order. */
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Every token issued so far now answers 401, as if it expired mid-session. */
  revokeTokens(): void;
  /** Client connections the server holds open right now (keep-alive ones included). */
  openConnections(): number;
  /** The live data, so tests can assert on state changes and seed more. */
  state: HubState;
  /** Closes the server and any open sockets. */
  close(): Promise<void>;
}
