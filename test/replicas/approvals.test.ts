/**
 * Approvals across two replicas of one `hubgate http` service that share one real Redis and one
 * `approvals.key` (issue 15): a 2026-07-28 question sealed by one replica is resumed by the
 * other, and the answer, spent in Redis, is refused when replayed to the first; an operator's
 * decision made through one replica's endpoint is taken by a call on the other.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decideApproval, listApprovals } from '../../src/commands/approve.js';
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
const replicas: Replica[] = [];
const carefulKey = newAgentKey();
const unattendedKey = newAgentKey();
const operator = newAgentKey();

beforeAll(async () => {
  redis = await startRedis();
  hub = await startFakeHub();
  const config = parseConfig(
    configYaml(
      hub.url,
      {
        careful: { credential: 'bob', grants: ['repo:library/*=read'], approve: 'always' },
        unattended: {
          credential: 'bob',
          grants: ['repo:library/*=read'],
          approve: 'always',
          approveVia: 'operator',
        },
      },
      { careful: carefulKey.hash, unattended: unattendedKey.hash },
      // The same sealing key on every replica: a question one seals, any opens.
      'approvals:\n' +
        '  key: "replicas-share-this-approval-key-0123456789"\n' +
        `  operators: [{ name: oncall, key: "${operator.hash}" }]\n`,
    ),
    'replicas.yaml',
    CREDENTIAL_ENV,
    toolNames,
  );
  replicas.push(...(await startReplicas(config, redis.url, 2)));
}, 30_000);

afterAll(async () => {
  await stopReplicas(replicas);
  await hub?.close();
  await redis?.stop();
});

beforeEach(() => {
  hub.clearRequests();
});

/** One 2026-07-28 get_tag call to a replica, from a client that can ask its user. */
async function call(base: string, bearer: string, tag: string, retry = {}) {
  const response = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { ...modernHeaders('tools/call', 'get_tag'), authorization: `Bearer ${bearer}` },
    body: modernBody(
      'tools/call',
      { name: 'get_tag', arguments: { namespace: 'library', repository: 'nginx', tag }, ...retry },
      1,
      { elicitation: { form: {} } },
    ),
  });
  const { result } = modernAnswer(await response.text()) as {
    result: {
      isError?: boolean;
      content?: { text: string }[];
      resultType?: string;
      requestState?: string;
    };
  };
  return { ...result, text: result.content?.[0]?.text ?? '' };
}

describe('approvals across two replicas', () => {
  it('resumes a sealed question on the other replica, and refuses its replay on the first', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const asked = await call(a.base, carefulKey.key, '1.7');
    expect(asked.resultType).toBe('input_required');
    const retry = {
      inputResponses: { hubgate_approval: { action: 'accept', content: { approve: true } } },
      requestState: asked.requestState,
    };
    const resumed = await call(b.base, carefulKey.key, '1.7', retry);
    expect(resumed.isError ?? false, resumed.text).toBe(false);
    const replayed = await call(a.base, carefulKey.key, '1.7', retry);
    expect(replayed.text).toMatch(/this answer was already used/);
    expect(hub.apiRequests()).toHaveLength(1);
  });

  it("takes an operator's decision made through one replica on the other", async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const refused = await call(a.base, unattendedKey.key, '1.8');
    const id = /as approval (\w+)\./.exec(refused.text)?.[1] as string;
    expect(id, refused.text).toBeDefined();
    const env = { HUBGATE_OPERATOR_KEY: operator.key };
    expect(await listApprovals(b.base, env)).toContain(`${id}  pending`);
    await decideApproval(b.base, env, id, true);
    // A second decision, through the other replica, does not count.
    await expect(decideApproval(a.base, env, id, false)).rejects.toThrow(
      /409: approval \w+ is already decided/,
    );
    const sent = await call(a.base, unattendedKey.key, '1.8');
    expect(sent.isError ?? false, sent.text).toBe(false);
    // Taken once, on one replica: the other finds nothing to take and asks again.
    expect((await call(b.base, unattendedKey.key, '1.8')).text).toMatch(/waits for an operator/);
    expect(hub.apiRequests()).toHaveLength(1);
  });
});
