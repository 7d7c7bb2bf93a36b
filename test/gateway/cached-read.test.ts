/**
 * A read the cache answers (gateway/call.ts, tools/execute.ts cachedOutcome): it reaches nothing,
 * so its one record is the outcome, written before the answer; the policy is checked first as for
 * any call; and it answers what the Hub answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import type { AuditSink } from '../../src/audit/sinks.js';
import type { Config } from '../../src/config/types.js';
import type { CallContext } from '../../src/gateway/call.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_READ, configFor, createTestGateway } from '../helpers/harness.js';

const context: CallContext = { transport: 'stdio', session: null };
const nginx = (tag: string) => ({ namespace: 'library', repository: 'nginx', tag });

/** Two agents on one credential (one read cache): `reader` may read library/*, `other` not. */
function twoAgents(): Config {
  const config = configFor(
    { name: 'reader', grants: [{ resource: 'repo:library/*', access: 'read' }] },
    ALICE_READ,
  );
  const other = {
    name: 'other',
    grants: [{ resource: 'repo:acme/*', access: 'read' as const }],
    keys: [],
    credential: 'test',
  };
  return { ...config, agents: new Map([...config.agents, ['other', other]]) };
}

/** A sink as the audit file is (intent records too), that can be made to fail. */
function sink() {
  const written: AuditRecord[] = [];
  const state = { full: false };
  const audit: AuditSink = {
    record(record) {
      if (state.full) throw new Error('ENOSPC');
      written.push(record);
    },
    reserve(record) {
      if (state.full) throw new Error('ENOSPC');
      written.push({ ...record, outcome: 'pending' });
    },
  };
  return { audit, written, state };
}

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('a read the cache answers', () => {
  it('leaves one record, its outcome, and answers what the Hub answered', async () => {
    const { audit, written } = sink();
    const gateway = createTestGateway(twoAgents(), hub, { audit, cacheTtlMs: 60_000 });
    try {
      hub.clearRequests();
      const first = await gateway.call('reader', 'get_tag', nginx('latest'), context);
      const again = await gateway.call('reader', 'get_tag', nginx('latest'), context);
      expect(first.isError, first.content[0].text).toBeUndefined();
      expect(again).toEqual(first);
      expect(hub.apiRequests()).toHaveLength(1);
      expect(written.map(({ outcome, hub_status }) => [outcome, hub_status])).toEqual([
        ['pending', null],
        ['ok', 200],
        ['ok', 200],
      ]);
    } finally {
      await gateway.close();
    }
  });

  it('is refused to an agent whose grants do not cover it, cached or not', async () => {
    const { audit, written } = sink();
    const gateway = createTestGateway(twoAgents(), hub, { audit, cacheTtlMs: 60_000 });
    try {
      await gateway.call('reader', 'get_tag', nginx('latest'), context);
      const refused = await gateway.call('other', 'get_tag', nginx('latest'), context);
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toMatch(/^Refused by hubgate policy/);
      expect(refused.content[0].text).not.toContain('"digest"');
      expect(written.at(-1)).toMatchObject({ agent: 'other', decision: 'deny' });
    } finally {
      await gateway.close();
    }
  });

  it('is refused, not answered, when its record cannot be written', async () => {
    const { audit, written, state } = sink();
    const gateway = createTestGateway(twoAgents(), hub, { audit, cacheTtlMs: 60_000 });
    try {
      await gateway.call('reader', 'get_tag', nginx('latest'), context);
      state.full = true;
      hub.clearRequests();
      const refused = await gateway.call('reader', 'get_tag', nginx('latest'), context);
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toMatch(
        /^hubgate refused get_tag: its audit record could not be written, and no call is answered unrecorded\. Nothing was sent/,
      );
      expect(refused.content[0].text).not.toContain('"digest"');
      expect(hub.apiRequests()).toEqual([]);
      expect(written).toHaveLength(2);
    } finally {
      await gateway.close();
    }
  });
});
