export interface RateDecision {
  limit: number;
  remaining: number;
  /** Unix seconds at which the caller's window resets. */
  resetUnix: number;
  exceeded: boolean;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request for the caller and says where its window stands. */
  take(key: string, nowMs?: number): RateDecision;
}

/** Fixed windows per caller, which is enough to make the headers move and the 429 reachable. */
export function createRateLimiter(limit: number, windowSeconds: number): RateLimiter {
  const windows = new Map<string, { startMs: number; count: number }>();
  const windowMs = windowSeconds * 1000;
  return {
    take(key, nowMs = Date.now()) {
      let window = windows.get(key);
      if (!window || nowMs >= window.startMs + windowMs) {
        window = { startMs: nowMs, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      const resetMs = window.startMs + windowMs;
      return {
        limit,
        remaining: Math.max(0, limit - window.count),
        resetUnix: Math.ceil(resetMs / 1000),
        exceeded: window.count > limit,
        retryAfterSeconds: Math.max(1, Math.ceil((resetMs - nowMs) / 1000)),
      };
    },
  };
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.resetUnix),
  };
}

export function retryAfterHeaders(
  seconds: number,
  nowMs = Date.now(),
  form: 'seconds' | 'unix' = 'seconds',
): Record<string, string> {
  const at = String(Math.ceil(nowMs / 1000) + seconds);
  return { 'Retry-After': form === 'unix' ? at : String(seconds), 'X-Retry-After': at };
}
