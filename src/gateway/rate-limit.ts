/**
 * Tool calls per minute, per agent, across all its sessions: a token bucket that refills
 * continuously, so a burst up to the limit passes and a steady flood is held to the rate.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class AgentRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly perMinute: (agent: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  take(agent: string): RateDecision {
    const limit = this.perMinute(agent);
    const now = this.now();
    const bucket = this.buckets.get(agent) ?? { tokens: limit, updated: now };
    const refilled = Math.min(limit, bucket.tokens + ((now - bucket.updated) * limit) / 60_000);
    if (refilled >= 1) {
      this.buckets.set(agent, { tokens: refilled - 1, updated: now });
      return { ok: true };
    }
    this.buckets.set(agent, { tokens: refilled, updated: now });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - refilled) * 60) / limit)) };
  }
}
