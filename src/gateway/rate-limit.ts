/**
 * Requests per minute, per agent, across all its sessions and, with Redis, across every replica
 * of the service: rate-limiter-flexible's fixed one-minute windows, counted in Redis when one is
 * configured and in this process otherwise. A Redis that cannot be reached does not stop the
 * service: each replica then counts for itself (the library's insurance limiter) until it is back.
 */
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

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
  // One limiter per limit: agents may each have their own calls_per_minute.
  const limiters = new Map<number, RateLimiterAbstract>();
  const limiterFor = (points: number) => {
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
      try {
        await limiterFor(perMinute(agent)).consume(agent);
        return { ok: true };
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil(refused.msBeforeNext / 1000)),
        };
      }
    },
  };
}
