/**
 * What the replicas of one service tell each other about Docker Hub's rate limit. One credential
 * shared by N replicas has one budget at the Hub: once one replica learns it is spent (a 429, or
 * `X-RateLimit-Remaining: 0` until the reset), the others must stop sending too, or N replicas make
 * N times the requests the Hub will refuse. A single process needs no board; replicas use the
 * Redis one (gateway/shared-state.ts).
 */
export interface HubBlockBoard {
  /** Tells every replica: `identity` may send nothing before `untilMs` (epoch ms). */
  post(identity: string, untilMs: number): void;
  /** The latest block any replica posted for `identity` and still in force, or 0. */
  until(identity: string): number;
}

/** Blocks posted on this board reach no one else: the default, for a single process. */
export const LOCAL_BOARD: HubBlockBoard = {
  post() {},
  until: () => 0,
};
