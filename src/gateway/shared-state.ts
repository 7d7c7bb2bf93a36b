/**
 * What the replicas of one hubgate service share, in Redis: each agent's rate-limit counts
 * (rate-limit.ts) and the Docker Hub blocks of each credential (hub/board.ts). Without a Redis
 * URL a service is one process and shares nothing.
 *
 * Blocks are a key per identity (so a replica that starts late still finds them) and a message
 * on a channel (so running replicas learn at once): `until()` reads a mirror in memory, and no
 * Hub request waits for Redis. If Redis goes away, each replica goes on with what it knows.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { HubBlockBoard } from '../hub/board.js';

export interface SharedState {
  redis?: Redis;
  board?: HubBlockBoard;
  close(): Promise<void>;
}

const BLOCK_CHANNEL = 'hubgate:hub-blocks';
const BLOCK_KEY = 'hubgate:hub-block:';

export const NOTHING_SHARED: SharedState = { close: async () => {} };

export async function openSharedState(url: string, logger: Logger): Promise<SharedState> {
  const options = {
    // A replica must not queue commands while Redis is away: calls go on with local counts.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    lazyConnect: true,
  };
  const redis = new Redis(url, options);
  const subscriber = new Redis(url, options);
  let lastError = '';
  for (const client of [redis, subscriber]) {
    client.on('error', (error: Error) => {
      // Said once per kind of failure, not on every reconnection attempt.
      if (error.message !== lastError)
        logger.warn({ err: error }, 'redis: shared state unavailable');
      lastError = error.message;
    });
    client.on('ready', () => {
      if (lastError) logger.info('redis: shared state available again');
      lastError = '';
    });
  }
  try {
    await Promise.all([redis.connect(), subscriber.connect()]);
  } catch (error) {
    redis.disconnect();
    subscriber.disconnect();
    throw new Error(`cannot reach Redis at ${redactedUrl(url)}: ${(error as Error).message}`);
  }

  const blocks = new Map<string, number>();
  const learn = (identity: string, until: number) => {
    if (until > (blocks.get(identity) ?? 0)) blocks.set(identity, until);
  };
  subscriber.on('message', (_channel: string, message: string) => {
    const [identity, until] = message.split(' ');
    if (identity && until) learn(identity, Number(until));
  });
  await subscriber.subscribe(BLOCK_CHANNEL);
  // Blocks posted before this replica started.
  for await (const keys of redis.scanStream({ match: `${BLOCK_KEY}*`, count: 100 })) {
    for (const key of keys as string[]) {
      const until = Number(await redis.get(key));
      if (until) learn(key.slice(BLOCK_KEY.length), until);
    }
  }

  const board: HubBlockBoard = {
    post(identity, untilMs) {
      if (untilMs <= (blocks.get(identity) ?? 0)) return;
      learn(identity, untilMs);
      const ttl = Math.max(1, untilMs - Date.now());
      redis
        .multi()
        .set(`${BLOCK_KEY}${identity}`, String(untilMs), 'PX', ttl)
        .publish(BLOCK_CHANNEL, `${identity} ${untilMs}`)
        .exec()
        .catch(() => {
          // Redis is away: the error handler said so; this replica still honours the block.
        });
    },
    until(identity) {
      const until = blocks.get(identity) ?? 0;
      if (until && until <= Date.now()) blocks.delete(identity);
      return until;
    },
  };

  return {
    redis,
    board,
    async close() {
      await Promise.allSettled([subscriber.quit(), redis.quit()]);
    },
  };
}

/** The URL without its password, for messages and the log. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}
