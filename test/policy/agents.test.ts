/**
 * The policy end to end over MCP against the fake Hub: agents calling as their own identities,
 * the audit file, and reloads that change (or, when invalid, do not change) the policy.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileAuditSink } from '../../src/audit/sinks.js';
import { parseConfig } from '../../src/config/load.js';
import { decodeJwtClaims } from '../../src/hub/auth.js';
import { HubClients } from '../../src/hub/clients.js';
import { HubConnection } from '../../src/hub/connection.js';
import { toolNames } from '../../src/tools/index.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';
import { readAuditFile } from '../helpers/audit-file.js';
import { createTestGateway, startHarness } from '../helpers/harness.js';

const env = {
  ALICE_PAT: SEED.pats.aliceRead,
  BOB_PAT: SEED.pats.bobAdmin,
};

const POLICY = `
credentials:
  alice: { username: alice, secret: "\${ALICE_PAT}" }
  bob: { username: bob, secret: "\${BOB_PAT}" }
agents:
  alice-bot:
    credential: alice
    grants: [{ resource: "repo:*/*", access: read }, { resource: account, access: read }]
  alice-too:
    credential: alice
    grants: [{ resource: "repo:*/*", access: read }]
  bob-bot:
    credential: bob
    grants: [{ resource: "repo:bob/*", access: admin }, { resource: account, access: read }]
  nobody:
    grants: [{ resource: "repo:library/*", access: read }]
`;

let hub: FakeHub;
let connection: HubConnection;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  hub = await startFakeHub();
  connection = new HubConnection({ baseUrl: hub.url, timeoutMs: 5_000, userAgent: 'test' });
});
afterAll(async () => {
  await connection.close();
  await hub.close();
});
beforeEach(() => hub.clearRequests());

function usernameOf(authorization: string | string[] | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  return decodeJwtClaims(authorization.replace(/^Bearer /, ''))?.username;
}

describe('agents and their credentials', () => {
  it('each agent reaches the Hub as its own identity; a shared credential shares its token', async () => {
    const gateway = createTestGateway(parseConfig(POLICY, 'policy.yaml', env, toolNames), hub, {
      clients: new HubClients(connection),
    });
    const sessions = await Promise.all(
      ['alice-bot', 'alice-too', 'bob-bot', 'nobody'].map((agentName) =>
        startHarness({ hub, gateway, agentName }),
      ),
    );
    const [alice, aliceToo, bob, nobody] = sessions;
    try {
      expect((await alice?.call('get_current_account'))?.json).toMatchObject({ username: 'alice' });
      expect((await bob?.call('get_current_account'))?.json).toMatchObject({ username: 'bob' });
      expect(
        (await aliceToo?.call('get_repository', { namespace: 'alice', repository: 'tools' }))
          ?.isError,
      ).toBe(false);
      // bob's own private repository: his credential sees it, alice's does not.
      expect(
        (await bob?.call('get_repository', { namespace: 'bob', repository: 'secret' }))?.isError,
      ).toBe(false);
      expect(
        (await alice?.call('get_repository', { namespace: 'bob', repository: 'secret' }))?.text,
      ).toMatch(/answered 404/);
      expect(
        (
          await nobody?.call('get_tag', {
            namespace: 'library',
            repository: 'nginx',
            tag: 'latest',
          })
        )?.isError,
      ).toBe(false);

      const seen = hub.apiRequests().map((r) => [r.path, usernameOf(r.headers.authorization)]);
      expect(seen).toEqual([
        ['/v2/users/alice', 'alice'],
        ['/v2/users/bob', 'bob'],
        ['/v2/namespaces/alice/repositories/tools', 'alice'],
        ['/v2/namespaces/bob/repositories/secret', 'bob'],
        ['/v2/namespaces/bob/repositories/secret', 'alice'],
        ['/v2/namespaces/library/repositories/nginx/tags/latest', undefined],
      ]);
      // One exchange per credential, not per agent.
      expect(hub.tokenExchanges()).toBe(2);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
      await gateway.close();
    }
  });
});

describe('the audit file', () => {
  it('holds one record per call, allowed, refused and failed, with secrets redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubgate-audit-'));
    const file = join(dir, 'audit.ndjson');
    const sink = fileAuditSink(file, silent);
    const gateway = createTestGateway(parseConfig(POLICY, 'policy.yaml', env, toolNames), hub, {
      clients: new HubClients(connection),
      audit: sink,
    });
    const h = await startHarness({ hub, gateway, agentName: 'bob-bot' });
    try {
      await h.call('get_repository', { namespace: 'bob', repository: 'secret' });
      await h.call('create_repository', { namespace: 'acme', name: 'xy', description: 'd' });
      await h.call('get_repository', { namespace: 'bob', repository: 'missing' });
      await h.call('get_repository', {
        namespace: 'bob',
        repository: 'secret',
        password: 'canary-pw',
      });
      // Written before the answer: the file is complete as soon as the calls have returned.
      const records = readAuditFile(file);
      expect(records).toEqual([
        {
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          agent: 'bob-bot',
          transport: 'stdio',
          session: null,
          tool: 'get_repository',
          resources: ['repo:bob/secret'],
          access: 'read',
          decision: 'allow',
          reason: 'granted by repo:bob/* (admin)',
          outcome: 'ok',
          hub_status: 200,
          duration_ms: expect.any(Number),
          arguments: { namespace: 'bob', repository: 'secret' },
        },
        expect.objectContaining({
          tool: 'create_repository',
          resources: ['repo:acme/xy'],
          access: 'write',
          decision: 'deny',
          reason:
            'agent "bob-bot" has no grant for write on repo:acme/xy (needed by create_repository)',
          outcome: 'denied',
          hub_status: null,
        }),
        expect.objectContaining({
          tool: 'get_repository',
          decision: 'allow',
          outcome: 'error',
          hub_status: 404,
        }),
        expect.objectContaining({
          tool: 'get_repository',
          decision: 'deny',
          outcome: 'denied',
          reason: 'invalid arguments: unknown argument "password"',
          arguments: { namespace: 'bob', repository: 'secret', password: '[redacted]' },
        }),
      ]);
      expect(readFileSync(file, 'utf8')).not.toContain('canary');
      expect(readFileSync(file, 'utf8')).not.toContain(SEED.pats.bobAdmin);
    } finally {
      await h.close();
      sink.close?.();
    }
  });
});

describe('reloading the config', () => {
  it('takes a valid new policy for the next call, keeps the old one on a bad file, and says when tools changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubgate-reload-'));
    const file = join(dir, 'hubgate.yaml');
    const readOnly = 'agents:\n  bot:\n    grants: [{ resource: "repo:*/*", access: read }]\n';
    writeFileSync(file, readOnly);
    const gateway = createTestGateway(parseConfig(readOnly, file, {}, toolNames), hub, {
      configFile: { path: file, env: {} },
    });
    const { store } = gateway;
    const h = await startHarness({ hub, gateway, agentName: 'bot' });
    let listChanged = 0;
    h.mcp.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged += 1;
    });
    const args = { namespace: 'library', repository: 'nginx' };
    try {
      expect((await h.call('get_repository', args)).isError).toBe(false);

      writeFileSync(
        file,
        'agents:\n  bot:\n    grants: [{ resource: "repo:*/*", access: owner }]\n',
      );
      expect(gateway.reload('test')).toBe(false);
      expect((await h.call('get_repository', args)).isError).toBe(false);
      expect(listChanged).toBe(0);

      writeFileSync(file, 'agents:\n  bot:\n    grants: [{ resource: catalog, access: read }]\n');
      expect(gateway.reload('test')).toBe(true);
      const refused = await h.call('get_repository', args);
      expect(refused.text).toContain('agent "bot" has no grant for read on repo:library/nginx');
      await expect.poll(() => listChanged).toBe(1);
      expect((await h.mcp.listTools()).tools.map((t) => t.name)).toEqual(['search_catalog']);

      // The watcher picks up a change to the file by itself.
      writeFileSync(file, readOnly);
      await expect
        .poll(() => store.config.agents.get('bot')?.grants[0]?.resource, { timeout: 3_000 })
        .toBe('repo:*/*');
      expect((await h.call('get_repository', args)).isError).toBe(false);
      await expect.poll(() => listChanged).toBe(2);
    } finally {
      await h.close();
      await gateway.close();
    }
  });

  it('refuses calls for an agent the new config dropped', async () => {
    const gateway = createTestGateway(
      parseConfig(
        'agents: { bot: { grants: [{ resource: catalog, access: read }] } }',
        'a.yaml',
        {},
        toolNames,
      ),
      hub,
    );
    const h = await startHarness({ hub, gateway, agentName: 'bot' });
    try {
      gateway.store.replace(parseConfig('agents: { other: {} }', 'a.yaml', {}, toolNames));
      const result = await h.call('search_catalog', { query: 'x' });
      expect(result).toMatchObject({
        isError: true,
        text: 'Refused by hubgate policy: agent "bot" is no longer in the configuration.',
      });
      expect((await h.mcp.listTools()).tools).toEqual([]);
      expect(hub.requests).toEqual([]);
    } finally {
      await h.close();
      await gateway.close();
    }
  });
});
