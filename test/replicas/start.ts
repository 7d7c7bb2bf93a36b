/**
 * Replicas of one `hubgate http` service in this process, each with its own gateway and its own
 * connection to the same Redis, as separate processes would have: what the replica tests start.
 */
import { pino } from 'pino';
import type { Config } from '../../src/config/types.js';
import { openSharedState, type SharedState } from '../../src/gateway/shared-state.js';
import { type ServedGateway, serveGateway } from '../http/helpers.js';

export interface Replica {
  served: ServedGateway;
  shared: SharedState;
  /** http://127.0.0.1:PORT, no trailing slash. */
  base: string;
}

export async function startReplicas(
  config: Config,
  redisUrl: string,
  count: number,
  options: Parameters<typeof serveGateway>[1]['options'] = {},
): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i += 1) {
    const shared = await openSharedState(redisUrl, pino({ level: 'silent' }));
    const served = await serveGateway(config, {
      audit: { record() {} },
      shared,
      cacheTtlMs: 0,
      options,
    });
    replicas.push({ served, shared, base: `http://127.0.0.1:${served.address.port}` });
  }
  return replicas;
}

export async function stopReplicas(replicas: readonly Replica[]): Promise<void> {
  for (const { served, shared } of replicas) {
    await served.service.shutdown(0);
    await served.gateway.close();
    await shared.close();
  }
}
