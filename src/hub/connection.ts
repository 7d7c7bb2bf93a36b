/**
 * The HTTP exchange with Docker Hub: one undici Agent (a keep-alive pool per origin) shared by
 * every caller, a time budget per request, the caller's cancellation honoured, and the answer
 * read (exchange.ts) and parsed. It knows nothing of credentials or of what the answer means.
 *
 * undici is loaded on the first request (or when `warm()` asks for it), not at start-up: it is
 * the largest module hubgate has, and a stdio session answers initialize and tools/list without it.
 */
import type { Dispatcher, Agent as UndiciAgent } from 'undici';
import type { Cancellation } from '../cancellation.js';

type AgentClass = typeof UndiciAgent;

import {
  HubCancelledError,
  HubNetworkError,
  HubResponseTooLargeError,
  HubTimeoutError,
  HubUnreadableAnswerError,
} from './errors.js';
import { CutShort, exchange, type RawAnswer } from './exchange.js';
import { buildQuery } from './path.js';

export type HubMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HubRequest {
  method: HubMethod;
  /** An already built path (see buildPath); the base URL's own path is put in front of it. */
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  signal?: Cancellation;
  /** The Accept header; JSON unless the endpoint answers something else. */
  accept?: string;
  /** The body's Content-Type: JSON unless the endpoint takes another JSON type (SCIM's). */
  contentType?: string;
}

export interface HubResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text for other content types, or undefined for an empty body. */
  body: unknown;
}

export interface HubConnectionOptions {
  baseUrl: string;
  /** Budget for one request, connect to last byte. */
  timeoutMs: number;
  userAgent: string;
  /** Tests may pass their own; by default one keep-alive Agent is made. */
  dispatcher?: Dispatcher;
  /** Told of every answer's status, or 'error' when none came (metrics). */
  observe?: (status: number | 'error') => void;
  /** Answers larger than this are refused, not buffered. */
  maxResponseBytes?: number;
}

export const DEFAULT_HUB_URL = 'https://hub.docker.com';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** More than undici's coarse timers may be off by (their resolution is one second). */
const UNDICI_TIMER_SLACK_MS = 1_000;

export class HubConnection {
  readonly origin: string;
  /** The base URL's own path ('' for https://hub.docker.com), put in front of every request. */
  readonly basePath: string;
  private dispatcher: Dispatcher | undefined;
  private making: Promise<Dispatcher> | undefined;
  private closed = false;

  constructor(private readonly options: HubConnectionOptions) {
    const url = parseHubUrl(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.dispatcher = options.dispatcher;
  }

  /** Loads undici and makes the pool now, so that the first call does not wait for it. */
  warm(): void {
    this.pool().catch(() => {});
  }

  private pool(): Promise<Dispatcher> {
    if (this.dispatcher) return Promise.resolve(this.dispatcher);
    this.making ??= import('undici').then((loaded) => {
      // undici is CommonJS: bundled, its exports may come only as the namespace's default.
      const exports = loaded as unknown as { Agent?: AgentClass; default?: { Agent: AgentClass } };
      const Agent = (exports.Agent ?? exports.default?.Agent) as AgentClass;
      this.dispatcher ??= new Agent({
        keepAliveTimeout: 10_000,
        connections: 16,
        connect: { timeout: Math.min(this.options.timeoutMs, 10_000) },
      });
      // A close() that came first leaves nothing open.
      if (this.closed && !this.options.dispatcher) void this.dispatcher.destroy();
      return this.dispatcher;
    });
    return this.making;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** One attempt, within `budgetMs` (what is left of the call's budget; all of it by default). */
  async send(
    request: HubRequest,
    bearer?: string,
    budgetMs = this.options.timeoutMs,
  ): Promise<HubResponse> {
    const { method } = request;
    const headers: Record<string, string> = {
      accept: request.accept ?? 'application/json',
      'user-agent': this.options.userAgent,
    };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    const maxBytes = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let answer: RawAnswer;
    try {
      if (request.signal?.aborted) throw new CutShort({ kind: 'cancelled' });
      const dispatcher = this.dispatcher ?? (await this.pool());
      answer = await exchange(
        dispatcher,
        {
          origin: this.origin,
          path: `${this.basePath}${request.path}${buildQuery(request.query)}`,
          method,
          headers,
          body,
          // The exchange's own timer ends the request at its budget. undici's timeouts only back
          // it up: above a second they run on a coarse clock that may fire up to half a second
          // early, which failed calls before their budget was spent.
          headersTimeout: budgetMs + UNDICI_TIMER_SLACK_MS,
          bodyTimeout: budgetMs + UNDICI_TIMER_SLACK_MS,
        },
        { budgetMs, maxBytes, signal: request.signal, head: method === 'HEAD' },
      );
    } catch (error) {
      if (error instanceof CutShort && error.cut.kind === 'too-large') {
        this.options.observe?.(error.cut.status);
        throw new HubResponseTooLargeError(method, request.path, maxBytes);
      }
      this.options.observe?.('error');
      if (request.signal?.aborted) throw new HubCancelledError(method, request.path);
      if ((error instanceof CutShort && error.cut.kind === 'timeout') || isTimeout(error)) {
        throw new HubTimeoutError(method, request.path, budgetMs);
      }
      throw new HubNetworkError(method, request.path, describeCause(error));
    }
    this.options.observe?.(answer.status);
    const responseHeaders = flattenHeaders(answer.headers);
    const parsed = parseBody(answer.text, responseHeaders['content-type']);
    // A success must be readable: a cut or garbled answer is not an empty result.
    if (parsed.unreadable && answer.status >= 200 && answer.status < 300) {
      throw new HubUnreadableAnswerError(method, request.path, answer.status);
    }
    return { status: answer.status, headers: responseHeaders, body: parsed.value };
  }

  /**
   * Ends the pool at once. Whoever closes it has already given calls their grace (the HTTP
   * service's --shutdown-timeout): a graceful close would wait for a stalled request, a token
   * exchange say, up to its whole time budget, and keep the process alive past its grace.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.options.dispatcher) await this.dispatcher?.destroy();
  }
}

export function parseHubUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `The Docker Hub URL "${value}" is not a valid URL (example: ${DEFAULT_HUB_URL}).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(
      `The Docker Hub URL "${value}" must use https:// (or http:// for a local stand-in).`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(
      `The Docker Hub URL "${value}" must not carry a query, a fragment or credentials.`,
    );
  }
  // Every request path starts with /v2 (or /api): a base URL ending in it would send /v2/v2/...
  if (/\/(?:v2|api)\/?$/.test(url.pathname)) {
    throw new Error(
      `The Docker Hub URL "${value}" must be the base URL, without ${url.pathname.replace(/\/$/, '')} ` +
        `(e.g. ${DEFAULT_HUB_URL}): hubgate adds the API paths itself.`,
    );
  }
  return url;
}

/** One value a header: a repeated header's values joined, as HTTP allows for most headers. */
function flattenHeaders(headers: Record<string, string | string[]>): Record<string, string> {
  // In place: the record is this answer's own, made by undici for it. A repeated header is rare.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  return headers as Record<string, string>;
}

/**
 * The answer as JSON when it is JSON, else its text. `unreadable`: it said (or looked like) JSON
 * and did not parse; error answers are quoted as text, a success that way is a fault.
 */
function parseBody(
  text: string,
  contentType: string | undefined,
): { value: unknown; unreadable: boolean } {
  if (!text) return { value: undefined, unreadable: false };
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (!looksJson) return { value: text, unreadable: false };
  try {
    return { value: JSON.parse(text), unreadable: false };
  } catch {
    return { value: text, unreadable: true };
  }
}

/** undici's timeouts, by their stable codes (its error classes would need undici loaded). */
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (TIMEOUT_CODES.has((error as { code?: string }).code ?? '') || error.name === 'TimeoutError')
  );
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return [error.message, code, cause?.code, cause?.message].filter(Boolean).join(' / ');
}
