/**
 * Two replicas of one `hubgate http` service behind any load balancer, sharing one real Redis
 * (test/helpers/redis.ts): an agent's calls_per_minute holds across both (the call after the
 * budget is refused on the other replica), a Docker Hub budget one replica finds spent makes the
 * other refuse at once without sending, and either replica answers any 2026-07-28 request, since
 * those carry no session.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newAgentKey } from '../../src/commands/key.js';
import { parseConfig } from '../../src/config/load.js';
import { toolNames } from '../../src/tools/index.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { modernAnswer, modernBody, modernHeaders } from '../helpers/modern-request.js';
import { type RedisHarness, startRedis } from '../helpers/redis.js';
import { CREDENTIAL_ENV, configYaml } from '../http/helpers.js';
import { type Replica, startReplicas, stopReplicas } from './start.js';

let redis: RedisHarness;
let hub: FakeHub;
const replicas: (Replica & { url: string })[] = [];
const key = newAgentKey();
const spenderKey = newAgentKey();

/** The fake Hub lets alice make this many requests a minute: the budget replicas share. */
const HUB_BUDGET = 3;

beforeAll(async () => {
  redis = await startRedis();
  hub = await startFakeHub({ rateLimit: HUB_BUDGET, rateLimitWindowSeconds: 60 });
  const config = parseConfig(
    configYaml(
      hub.url,
      {
        limited: { credential: 'bob', grants: ['repo:library/*=read'], callsPerMinute: 3 },
        spender: { credential: 'alice', grants: ['repo:library/*=read'] },
      },
      { limited: key.hash, spender: spenderKey.hash },
    ),
    'replicas.yaml',
    CREDENTIAL_ENV,
    toolNames,
  );
  const started = await startReplicas(config, redis.url, 2, { defaultCallsPerMinute: 1_000 });
  replicas.push(...started.map((replica) => ({ ...replica, url: `${replica.base}/mcp` })));
}, 30_000);

afterAll(async () => {
  await stopReplicas(replicas);
  await hub?.close();
  await redis?.stop();
});

beforeEach(() => {
  hub.clearRequests();
});

/** One 2026-07-28 tools/call to a replica: no session, so any replica may take it. */
async function call(url: string, bearer: string, tag: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...modernHeaders('tools/call', 'get_tag'), authorization: `Bearer ${bearer}` },
    body: modernBody('tools/call', {
      name: 'get_tag',
      arguments: { namespace: 'library', repository: 'nginx', tag },
    }),
  });
  return modernAnswer(await response.text()) as {
    result?: { isError?: boolean; content: { text: string }[] };
    error?: { code: number; message: string };
  };
}

describe('two replicas sharing one Redis', () => {
  it("holds an agent's calls_per_minute across both", async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    expect((await call(a.url, key.key, '1.0')).result?.isError ?? false).toBe(false);
    expect((await call(b.url, key.key, '1.0')).result).toBeDefined();
    expect((await call(a.url, key.key, '1.0')).result).toBeDefined();
    // The fourth call of the minute, on the other replica than the last: refused, unsent.
    hub.clearRequests();
    const refused = await call(b.url, key.key, '1.0');
    expect(refused.error?.code).toBe(-32029);
    expect(refused.error?.message).toMatch(/Agent "limited" is over its rate limit/);
    expect(hub.apiRequests()).toEqual([]);
  });

  it('stops the other replica at once when one finds the Hub budget spent', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    // Spend alice's budget through replica A, until the Hub says none is left.
    const answers = [];
    for (let i = 0; i < HUB_BUDGET + 1; i += 1)
      answers.push(await call(a.url, spenderKey.key, `1.${i}`));
    expect(answers.at(-1)?.result?.isError).toBe(true);
    // Replica B has not called for alice yet: it refuses from what A found, sending nothing.
    await new Promise((resolve) => setTimeout(resolve, 100)); // the pub/sub message
    hub.clearRequests();
    const refused = await call(b.url, spenderKey.key, '1.0');
    expect(refused.result?.isError).toBe(true);
    expect(refused.result?.content[0]?.text).toMatch(/rate limit/i);
    expect(hub.requests).toEqual([]);
  });

  it('answers any 2026-07-28 request on either replica, holding no session', async () => {
    for (const replica of replicas) {
      const response = await fetch(replica.url, {
        method: 'POST',
        headers: { ...modernHeaders('tools/list'), authorization: `Bearer ${spenderKey.key}` },
        body: modernBody('tools/list'),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('"get_tag"');
      expect(replica.served.service.sessions.count('http')).toBe(0);
    }
  });
});
