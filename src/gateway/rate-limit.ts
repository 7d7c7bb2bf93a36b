/**
 * Requests per minute, per agent, across all its sessions and, with Redis, across every replica
 * of the service: rate-limiter-flexible's fixed one-minute windows, counted in Redis when one is
 * configured and in this process otherwise. A Redis that cannot be reached does not stop the
 * service: each replica then counts for itself (the library's insurance limiter) until it is back.
 *
 * The library (all its stores, ~190 KB) is loaded when a limiter is made, not with the gateway: a
 * stdio session has no limit and should not pay for it at start.
 */
import type { Redis } from 'ioredis';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface AgentRateLimiter {
  take(agent: string): Promise<RateDecision>;
}

const WINDOW_SECONDS = 60;
const KEY_PREFIX = 'hubgate:rate';

export function createAgentRateLimiter(
  perMinute: (agent: string) => number,
  redis?: Redis,
): AgentRateLimiter {
  // Started now, so that it is loaded by the time the first request is counted.
  // A CommonJS package: bundled, its classes are on the namespace's default export only.
  const library = import('rate-limiter-flexible').then((module) => module.default);
  // One limiter per limit: agents may each have their own calls_per_minute.
  const limiters = new Map<number, RateLimiterAbstract>();
  const limiterFor = (
    { RateLimiterMemory, RateLimiterRedis }: Awaited<typeof library>,
    points: number,
  ) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      const options = { points, duration: WINDOW_SECONDS, keyPrefix: `${KEY_PREFIX}:${points}` };
      limiter = redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      limiters.set(points, limiter);
    }
    return limiter;
  };

  return {
    async take(agent) {
      const loaded = await library;
      try {
        await limiterFor(loaded, perMinute(agent)).consume(agent);
        return { ok: true };
      } catch (refused) {
        if (!(refused instanceof loaded.RateLimiterRes)) throw refused;
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil(refused.msBeforeNext / 1000)),
        };
      }
    },
  };
}
