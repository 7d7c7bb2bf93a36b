/**
 * The Gateway's contract, without any protocol in front: each step of the call pipeline refuses
 * what it must, the way it must (a protocol-level CallRejected, or a result with isError), sends
 * nothing to the Hub when it refuses, and leaves exactly one audit record per call either way.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import type { CallContext } from '../../src/gateway/call.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { CallRejected, INVALID_PARAMS, RATE_LIMITED } from '../../src/gateway/rejection.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_ADMIN, configFor, createTestGateway } from '../helpers/harness.js';
import { serveGateway } from '../http/helpers.js';

const AGENT = {
  name: 'bot',
  grants: [
    { resource: 'repo:library/*', access: 'read' as const },
    { resource: 'org:acme', access: 'write' as const },
  ],
};
const context: CallContext = { transport: 'http', session: 's-1' };
const nginx = { namespace: 'library', repository: 'nginx' };

let hub: FakeHub;
let gateway: Gateway;
const audit: AuditRecord[] = [];

beforeAll(async () => {
  hub = await startFakeHub();
  gateway = createTestGateway(configFor(AGENT, ALICE_ADMIN), hub, {
    audit: { record: (record) => audit.push(record) },
  });
});
afterAll(async () => {
  await gateway.close();
  await hub.close();
});
beforeEach(() => {
  audit.length = 0;
  hub.clearRequests();
});

async function rejected(call: Promise<unknown>): Promise<CallRejected> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallRejected);
  return error as CallRejected;
}

describe('the call pipeline', () => {
  it.each([
    ['a name that is not a string', 42, {}, '(not a string)'],
    ['arguments that are a list', 'get_repository', [1], 'get_repository'],
    ['arguments that are a string', 'get_repository', 'x', 'get_repository'],
  ])('refuses %s as a malformed call, recorded', async (_what, name, args, tool) => {
    const error = await rejected(gateway.call('bot', name, args, context));
    expect(error.code).toBe(INVALID_PARAMS);
    expect(audit).toEqual([
      expect.objectContaining({
        tool,
        agent: 'bot',
        transport: 'http',
        session: 's-1',
        access: null,
        decision: 'deny',
        outcome: 'denied',
        reason: 'malformed tools/call',
        arguments: {},
      }),
    ]);
    expect(hub.requests).toEqual([]);
  });

  it('refuses an unknown tool at the protocol level, recorded with its name bounded', async () => {
    const error = await rejected(gateway.call('bot', `x${'y'.repeat(300)}`, {}, context));
    expect(error.code).toBe(INVALID_PARAMS);
    expect(error.message).toMatch(/^Unknown tool: "xy+"$/);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: 'unknown tool', access: null, decision: 'deny' });
    expect(audit[0]?.tool).toHaveLength(100);
  });

  it.each([
    [
      'invalid arguments',
      'get_repository',
      { namespace: 'library' },
      /^Invalid arguments for get_repository: repository: is required\. Nothing was sent/,
      'invalid arguments: repository: is required',
    ],
    [
      'a missing grant',
      'update_repository',
      { ...nginx, description: 'x' },
      /^Refused by hubgate policy: agent "bot" has no grant for write on repo:library\/nginx/,
      'agent "bot" has no grant for write on repo:library/nginx (needed by update_repository)',
    ],
    [
      'an invite of another org',
      'cancel_invite',
      { org: 'acme', id: 'no-such-invite' },
      /^Refused by hubgate policy: invite no-such-invite is not a pending invite of org acme\. Nothing was changed/,
      'invite no-such-invite is not a pending invite of org acme',
    ],
  ])(
    'refuses %s with a result that says why, recorded',
    async (_what, tool, args, text, reason) => {
      const result = await gateway.call('bot', tool, args, context);
      expect(result.isError).toBe(true);
      expect(result.content[0].text).toMatch(text);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ tool, decision: 'deny', outcome: 'denied', reason });
      // Only the confirming read may have been made, and nothing that changes anything.
      expect(hub.apiRequests().filter((request) => request.method !== 'GET')).toEqual([]);
    },
  );

  it('keeps the record and the answer small when a call sends 90,000 unknown arguments', async () => {
    const args: Record<string, unknown> = { ...nginx };
    for (let i = 0; i < 90_000; i += 1) args[`k${i}`] = i;
    const result = await gateway.call('bot', 'get_repository', args, context);
    expect(result.content[0].text).toMatch(
      /^Invalid arguments for get_repository: unknown arguments "k0", "k1", .*"k9" and 89990 more\. Nothing was sent/,
    );
    expect(result.content[0].text.length).toBeLessThan(400);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]).length).toBeLessThan(8_000);
    expect(hub.requests).toEqual([]);
  });

  it('allows a call the grants cover, sends it, and records the outcome with the Hub status', async () => {
    const result = await gateway.call('bot', 'get_repository', nginx, context);
    expect(result.isError).toBeUndefined();
    expect(JSON.parse(result.content[0].text)).toMatchObject({
      namespace: 'library',
      name: 'nginx',
    });
    expect(audit).toEqual([
      expect.objectContaining({
        tool: 'get_repository',
        access: 'read',
        resources: ['repo:library/nginx'],
        decision: 'allow',
        outcome: 'ok',
        hub_status: 200,
        arguments: nginx,
      }),
    ]);
  });

  it('records a call the Hub fails as allowed, with outcome error and the status', async () => {
    const result = await gateway.call(
      'bot',
      'get_repository',
      { ...nginx, repository: 'nope' },
      context,
    );
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/^Docker Hub answered 404/);
    expect(audit[0]).toMatchObject({ decision: 'allow', outcome: 'error', hub_status: 404 });
  });

  it('refuses a tool that needs a credential for an agent with none, before sending', async () => {
    const anonymous = createTestGateway(
      configFor({ name: 'anon', grants: [{ resource: 'account', access: 'read' }] }),
      hub,
      {
        audit: { record: (record) => audit.push(record) },
      },
    );
    try {
      const result = await anonymous.call('anon', 'get_current_account', {}, context);
      expect(result.content[0].text).toMatch(/^get_current_account needs a Docker Hub credential/);
      expect(audit).toEqual([
        expect.objectContaining({ reason: 'no credential', decision: 'deny' }),
      ]);
      expect(hub.requests).toEqual([]);
    } finally {
      await anonymous.close();
    }
  });

  it("refuses calls over the agent's rate limit, saying when to retry, recorded", async () => {
    const unlimited = createTestGateway(configFor(AGENT, ALICE_ADMIN), hub, {
      audit: { record: (record) => audit.push(record) },
    });
    const once = createTestGatewayWithLimit(1);
    try {
      expect((await once.call('bot', 'get_repository', nginx, context)).isError).toBeUndefined();
      hub.clearRequests();
      const error = await rejected(once.call('bot', 'get_repository', nginx, context));
      expect(error.code).toBe(RATE_LIMITED);
      expect(error.data).toEqual({ retry_after_seconds: 60 });
      expect(audit.at(-1)).toMatchObject({ reason: 'rate limit: retry in 60 s', decision: 'deny' });
      expect(hub.requests).toEqual([]);
      // Without a limit (stdio), the same calls all pass.
      for (let i = 0; i < 3; i += 1) {
        expect(
          (await unlimited.call('bot', 'get_repository', nginx, context)).isError,
        ).toBeUndefined();
      }
    } finally {
      await unlimited.close();
      await once.close();
    }
  });

  it('refuses calls of an agent the reloaded config dropped, and tells only agents whose tools changed', async () => {
    const two = { ...configFor(AGENT, ALICE_ADMIN) };
    const other = {
      name: 'other',
      grants: [{ resource: 'catalog', access: 'read' as const }],
      keys: [],
    };
    const config = { ...two, agents: new Map([...two.agents, ['other', other]]) };
    const g = createTestGateway(config, hub, { audit: { record: (record) => audit.push(record) } });
    const told: string[] = [];
    g.onToolListChanged('bot', () => told.push('bot'));
    g.onToolListChanged('other', () => told.push('other'));
    try {
      g.store.replace({ ...config, agents: new Map([['other', other]]) });
      expect(told).toEqual(['bot']);
      const result = await g.call('bot', 'get_repository', nginx, context);
      expect(result.content[0].text).toBe(
        'Refused by hubgate policy: agent "bot" is no longer in the configuration.',
      );
      expect(audit).toEqual([expect.objectContaining({ decision: 'deny', access: null })]);
      expect(g.listTools('bot')).toEqual([]);
      expect(g.listTools('other').map((tool) => tool.name)).toEqual(['search_catalog']);
      expect(hub.requests).toEqual([]);
    } finally {
      await g.close();
    }
  });
});

function createTestGatewayWithLimit(callsPerMinute: number): Gateway {
  return createGateway(configFor(AGENT, ALICE_ADMIN), {
    logger: pino({ level: 'silent' }),
    hubUrl: hub.url,
    cacheTtlMs: 0,
    defaultCallsPerMinute: callsPerMinute,
    audit: { record: (record) => audit.push(record) },
  });
}

describe('the audit guarantee under a full disk', () => {
  it('refuses an allowed call whose intent record cannot be written, with nothing sent', async () => {
    let full = true;
    const written: AuditRecord[] = [];
    const sink = {
      record: (record: AuditRecord) => {
        if (full) throw new Error('ENOSPC');
        written.push(record);
      },
      reserve: (record: AuditRecord) => {
        if (full) throw new Error('ENOSPC: no space left on device');
        written.push({ ...record, outcome: 'pending' as const });
      },
      healthy: () => !full,
    };
    const g = createTestGateway(configFor(AGENT, ALICE_ADMIN), hub, { audit: sink });
    try {
      hub.clearRequests();
      const refused = await g.call('bot', 'create_org_group', { org: 'acme', name: 'ci' }, context);
      expect(refused.content[0].text).toMatch(
        /^hubgate refused create_org_group: its audit record could not be written, and no call is sent unrecorded\. Nothing was sent/,
      );
      expect(hub.apiRequests()).toEqual([]);
      expect(g.auditHealthy()).toBe(false);

      // Space again: the intent, then the call, then its outcome.
      full = false;
      const ok = await g.call('bot', 'create_org_group', { org: 'acme', name: 'ci' }, context);
      expect(ok.isError, ok.content[0].text).toBeUndefined();
      expect(written.map((record) => record.outcome)).toEqual(['pending', 'ok']);
      expect(g.auditHealthy()).toBe(true);
    } finally {
      await g.close();
    }
  });

  it('answers /readyz 503 while the audit sink cannot write', async () => {
    let healthy = true;
    const served = await serveGateway(configFor(AGENT, ALICE_ADMIN), {
      audit: { record() {}, reserve() {}, healthy: () => healthy },
    });
    try {
      const url = `http://127.0.0.1:${served.address.port}/readyz`;
      expect((await fetch(url)).status).toBe(200);
      healthy = false;
      const unready = await fetch(url);
      expect(unready.status).toBe(503);
      expect(await unready.json()).toEqual({ status: 'audit records cannot be written' });
    } finally {
      await served.service.shutdown(0);
      await served.gateway.close();
    }
  });
});
