/**
 * One request's exchange with undici's dispatcher, answered as a status, headers and the body's
 * text: undici's dispatch handler, not its `request()`. `request()` wraps every answer in a
 * Readable stream, an AsyncResource and an AbortSignal listener, then the body is read through an
 * async iterator: about a tenth of hubgate's CPU on a call that reaches the Hub. Here the
 * chunks are collected as undici hands them over, and the request is ended through undici's own
 * abort when the budget runs out, the caller cancels, or the answer passes the size cap.
 */
import type { Dispatcher } from 'undici';
import type { Cancellation } from '../cancellation.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
}

/** Why an exchange ended before its answer was complete (undici's own errors are passed on). */
export type Cut =
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'too-large'; status: number };

export class CutShort extends Error {
  constructor(readonly cut: Cut) {
    super(`the request ended early: ${cut.kind}`);
  }
}

export interface ExchangeOptions {
  /** Ends the request when it runs out (its own timer, not undici's coarse ones). */
  budgetMs: number;
  /** Bytes of body past which the answer is refused and the socket let go. */
  maxBytes: number;
  /** The caller's cancellation. */
  signal?: Cancellation | undefined;
  /** A HEAD request: its answer has no body, whatever its Content-Length says. */
  head?: boolean;
}

/**
 * Sends `request` through `dispatcher` and settles once: the whole answer, a CutShort, or the
 * error undici reported.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: Dispatcher.DispatchOptions,
  options: ExchangeOptions,
): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    const handler = new CollectingHandler(options, resolve, reject);
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      handler.fail(error);
    }
  });
}

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

class CollectingHandler implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  /** Set once the exchange ended early: what the request is aborted with when it starts. */
  private cutReason: CutShort | undefined;
  private settled = false;
  private status = 0;
  private headers: Record<string, string | string[]> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly resolve: (answer: RawAnswer) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.timer = setTimeout(() => this.cut({ kind: 'timeout' }), options.budgetMs);
    this.timer.unref();
    const { signal } = options;
    if (signal) {
      this.onAbort = () => this.cut({ kind: 'cancelled' });
      if (signal.aborted) this.onAbort();
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // A request retried by undici (its connection failed before any answer) starts afresh.
    this.chunks = [];
    this.size = 0;
    if (this.cutReason) controller.abort(this.cutReason);
  }

  onResponseStart(
    _controller: Controller,
    status: number,
    headers: Record<string, string | string[]>,
  ): void {
    // 1xx answers are informational: the real one follows.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
    // A HEAD's Content-Length is what a GET would send: it comes with no body to refuse.
    if (!this.options.head && Number(headers['content-length']) > this.options.maxBytes) {
      this.tooLarge();
    }
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) {
      this.tooLarge();
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const { chunks } = this;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    this.settle();
    this.resolve({ status: this.status, headers: this.headers, text: body.toString('utf8') });
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  private tooLarge(): void {
    this.cut({ kind: 'too-large', status: this.status });
  }

  /** Ends the exchange now with `cut`, and the request with it (at once, or when it starts). */
  private cut(cut: Cut): void {
    if (this.settled) return;
    const reason = new CutShort(cut);
    this.cutReason = reason;
    this.fail(reason);
    this.controller?.abort(reason);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    if (this.onAbort) this.options.signal?.removeEventListener('abort', this.onAbort);
    this.chunks = [];
  }
}
