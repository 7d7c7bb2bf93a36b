/**
 * Single-flight: identical concurrent reads share one Hub request. Each caller keeps its own
 * cancellation: one caller giving up does not fail the others, and the shared request is aborted
 * only when every caller has given up.
 */
import { type Cancellation, CancelSource } from '../cancellation.js';
import type { HubCancelledError } from './errors.js';

interface Flight<T> {
  promise: Promise<T>;
  cancel: CancelSource;
  waiting: number;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Joins the flight for `key`, or starts it with `run`, which gets the shared signal. */
  run(
    key: string,
    signal: Cancellation | undefined,
    run: (signal: Cancellation) => Promise<T>,
    cancelled: () => HubCancelledError,
  ): Promise<T> {
    let flight = this.flights.get(key);
    if (!flight) {
      const cancel = new CancelSource();
      const promise = run(cancel).finally(() => this.flights.delete(key));
      flight = { promise, cancel, waiting: 0 };
      this.flights.set(key, flight);
    }
    const joined = flight;
    joined.waiting += 1;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        signal?.removeEventListener('abort', onAbort);
        joined.waiting -= 1;
      };
      const onAbort = () => {
        leave();
        if (joined.waiting === 0) joined.cancel.cancel();
        reject(cancelled());
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  /** Requests being shared right now (tests, metrics). */
  get size(): number {
    return this.flights.size;
  }
}
