/**
 * When a failed Hub request may be tried again, and how long to wait first. Reads (GET, HEAD) are
 * retried on network errors and 502/503/504; a request that changes state is not, because it may
 * have reached the Hub. A 429 means the Hub refused the request without acting, so any method may
 * wait and try again, when the wait fits the call's budget.
 */
import type { Cancellation } from '../cancellation.js';
import { HubCancelledError } from './errors.js';

export const DEFAULT_ATTEMPTS = 3;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

export function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

export function isRetryableStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** Full jitter: a random wait up to an exponentially growing cap, so clients do not sync up. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)));
}

/** Waits, or rejects with HubCancelledError as soon as the caller cancels. */
export function sleep(ms: number, signal: Cancellation | undefined, method: string, path: string) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new HubCancelledError(method, path));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new HubCancelledError(method, path));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
