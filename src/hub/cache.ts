/**
 * A short-lived cache of one identity's reads. Entries live `ttlMs`; any write through the same
 * identity clears them all, which covers "a write to a repository invalidates its reads" and every
 * other way a write can change what a read would answer.
 *
 * Bounded twice, least recently used out first: by entries, and by bytes, since one Hub answer may
 * be as large as the connection's response cap (10 MiB) and a thousand of those would not fit in
 * any sensible heap.
 */
import { LRUCache } from 'lru-cache';

/**
 * Per identity: room for three answers at the 10 MiB response cap, so even the largest listing is
 * reused, or for a thousand ordinary ones of a few KB, so the entry bound is the one usually met.
 * Not more: it counts answers as received, parsed they take a few times that on the heap, and the
 * HTTP service keeps one cache per credential.
 */
export const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000;

export interface ReadCacheOptions<T> {
  /** How long an entry is served; 0 turns the cache off. */
  ttlMs: number;
  /** An entry's size in bytes; an entry over `maxBytes` is not kept at all. */
  sizeOf: (value: T) => number;
  maxEntries?: number;
  maxBytes?: number;
  /** The clock TTLs are measured on (tests); a monotonic one by default. */
  now?: () => number;
}

export class ReadCache<T extends {}> {
  readonly ttlMs: number;
  /** Undefined when the cache is off: lru-cache reads a TTL of 0 as "never expires". */
  private readonly entries: LRUCache<string, T> | undefined;

  constructor(options: ReadCacheOptions<T>) {
    this.ttlMs = options.ttlMs;
    if (options.ttlMs <= 0) return;
    const { sizeOf } = options;
    this.entries = new LRUCache<string, T>({
      max: options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
      maxSize: options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      sizeCalculation: (value) => Math.max(1, Math.ceil(sizeOf(value))),
      ttl: options.ttlMs,
      // An identity that goes quiet would otherwise hold its last answers, up to maxBytes, for
      // good. The timers are unref'd and share one list per duration in Node, so they are cheap.
      ttlAutopurge: true,
      // lru-cache debounces its clock with a timer per look-up; reading the clock costs less.
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  get(key: string): T | undefined {
    return this.entries?.get(key);
  }

  set(key: string, value: T): void {
    this.entries?.set(key, value);
  }

  clear(): void {
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** What the entries weigh, as `sizeOf` told it. */
  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}
