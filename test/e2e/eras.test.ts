/**
 * Both protocol eras on one binary: the built `hubgate` over stdio, spoken to by a 2025-era
 * client (the v1 SDK's Client, as Claude Desktop, Cursor and Codex speak today) and by 2026-07-28
 * clients (the v2 SDK's Client, pinned to 2026-07-28 and negotiating with `auto`, as Claude Code
 * probes with server/discover). The first message picks the era. Either way the agent sees its
 * own tools, calls go through the same Gateway, refusals are refused alike, and every call leaves
 * its audit record.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdio } from '@modelcontextprotocol/client/stdio';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdio } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';
import { readAuditFile } from '../helpers/audit-file.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hubgate-eras-'));

let hub: FakeHub;
let config: string;
beforeAll(async () => {
  hub = await startFakeHub();
  config = join(dir, 'hubgate.yaml');
  writeFileSync(
    config,
    `credentials:
  me: { username: alice, secret: "\${ALICE_PAT}" }
agents:
  reader:
    credential: me
    grants: [{ resource: "repo:library/*", access: read }]
audit: { file: ./audit.ndjson }
`,
  );
});
afterAll(async () => {
  await hub?.close();
});

const serverParams = () => ({
  command: process.execPath,
  args: [cli, '--config', config, '--hub-url', hub.url],
  env: { PATH: process.env.PATH ?? '', ALICE_PAT: SEED.pats.aliceRead },
  stderr: 'ignore' as const,
});

/** The calls each era makes, and what each must answer. */
async function exercise(client: {
  listTools(): Promise<{ tools: { name: string }[] }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
}) {
  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  expect(names).toContain('get_tag');
  expect(names).not.toContain('create_repository');
  const tag = (await client.callTool({
    name: 'get_tag',
    arguments: { namespace: 'library', repository: 'nginx', tag: 'latest' },
  })) as { isError?: boolean; content: { text: string }[] };
  expect(tag.isError ?? false).toBe(false);
  expect(JSON.parse(tag.content[0]?.text ?? '')).toMatchObject({ name: 'latest' });
  const refused = (await client.callTool({
    name: 'create_repository',
    arguments: { namespace: 'myorg', name: 'app-api' },
  })) as { isError?: boolean; content: { text: string }[] };
  expect(refused.isError).toBe(true);
  expect(refused.content[0]?.text).toMatch(
    /^Refused by hubgate policy: agent "reader" has no grant/,
  );
  await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({
    code: -32602,
  });
}

describe('both protocol eras over stdio, one binary', () => {
  it('serves a 2025-era client (initialize handshake)', async () => {
    const client = new LegacyClient({ name: 'legacy', version: '0' });
    await client.connect(new LegacyStdio(serverParams()));
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'hubgate' });
      await exercise(client);
    } finally {
      await client.close();
    }
  });

  it.each([
    ['pinned to 2026-07-28', { pin: '2026-07-28' } as const],
    ['negotiating (auto)', 'auto' as const],
  ])('serves a 2026-07-28 client %s, with a private tool list that expires', async (_how, mode) => {
    const client = new ModernClient(
      { name: 'modern', version: '0' },
      { versionNegotiation: { mode } },
    );
    await client.connect(new ModernStdio(serverParams()));
    try {
      expect(client.getProtocolEra()).toBe('modern');
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const listed = await client.listTools();
      // A config file can be reloaded: the list is kept a minute, and is this agent's alone.
      expect(listed).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' });
      await exercise(client);
    } finally {
      await client.close();
    }
  });

  it('records every call of every era', () => {
    const records = readAuditFile(join(dir, 'audit.ndjson'));
    // Three eras' clients, three calls each: allowed, refused by policy, unknown tool.
    expect(records).toHaveLength(9);
    expect(records.map((record) => [record.tool, record.outcome])).toEqual(
      Array.from({ length: 3 }, () => [
        ['get_tag', 'ok'],
        ['create_repository', 'denied'],
        ['no_such_tool', 'denied'],
      ]).flat(),
    );
    expect(new Set(records.map((record) => record.transport))).toEqual(new Set(['stdio']));
  });
});

describe('approval over stdio', () => {
  const approving = join(dir, 'hubgate-approve.yaml');
  beforeAll(() => {
    writeFileSync(
      approving,
      `credentials:
  me: { username: alice, secret: "\${ALICE_PAT}" }
agents:
  careful:
    credential: me
    grants: [{ resource: "repo:library/*", access: read, approve: always }]
# A second to answer: the tests of no answer are quick.
approvals: { expires_seconds: 1 }
`,
    );
  });
  const stdioParams = () => ({
    ...serverParams(),
    args: [cli, '--config', approving, '--hub-url', hub.url],
  });
  type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: { approve: boolean } };
  const answers = (): Answer[] => [
    { action: 'accept', content: { approve: true } },
    { action: 'accept', content: { approve: false } },
    { action: 'decline' },
    { action: 'cancel' },
  ];

  /** The host's user: answers yes, no, declines, cancels, in turn; remembers what it was asked. */
  function hostUser() {
    const pending = answers();
    const asked: string[] = [];
    const answer = (message: unknown) => {
      asked.push(String(message));
      return pending.shift() as Answer;
    };
    return { asked, answer };
  }

  /** Four calls, answered as hostUser() answers: only the first is sent. */
  async function fourCalls(
    client: {
      callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
      close(): Promise<void>;
    },
    asked: string[],
  ) {
    hub.clearRequests();
    const results = [];
    try {
      for (const tag of ['1.0', '1.1', '1.2', '1.3']) {
        const args = { namespace: 'library', repository: 'nginx', tag };
        const result = await client.callTool({ name: 'get_tag', arguments: args });
        results.push(result as { isError?: boolean; content: { text: string }[] });
      }
    } finally {
      await client.close();
    }
    expect(results.map((result) => result.isError ?? false)).toEqual([false, true, true, true]);
    expect(results[1]?.content[0]?.text).toMatch(/the person asked to approve it answered no/);
    expect(results[2]?.content[0]?.text).toMatch(/answered no/);
    expect(results[3]?.content[0]?.text).toMatch(/answered nothing \(cancelled\)/);
    expect(asked).toHaveLength(4);
    expect(asked[1]).toContain('"tag": "1.1"');
    expect(hub.apiRequests().map((request) => request.path)).toEqual([
      '/v2/namespaces/library/repositories/nginx/tags/1.0',
    ]);
  }

  it("2025 era: asks the host's user by elicitation, and sends the call only on yes", async () => {
    const user = hostUser();
    const client = new LegacyClient(
      { name: 'approver', version: '0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler(ElicitRequestSchema, async (request) =>
      user.answer(request.params.message),
    );
    await client.connect(new LegacyStdio(stdioParams()));
    await fourCalls(client, user.asked);
  });

  it('2026-07-28: asks by input_required, the SDK client retries with the answer', async () => {
    const user = hostUser();
    const client = new ModernClient(
      { name: 'approver-2026', version: '0' },
      {
        versionNegotiation: { mode: { pin: '2026-07-28' } },
        capabilities: { elicitation: { form: {} } },
      },
    );
    client.setRequestHandler('elicitation/create', async (request) =>
      user.answer((request.params as { message?: string }).message),
    );
    await client.connect(new ModernStdio(stdioParams()));
    await fourCalls(client, user.asked);
  });

  it('2025 era: refuses the call when the user does not answer in time', async () => {
    const client = new LegacyClient(
      { name: 'approver', version: '0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler(ElicitRequestSchema, () => new Promise(() => {}));
    await client.connect(new LegacyStdio(stdioParams()));
    hub.clearRequests();
    try {
      const result = (await client.callTool({
        name: 'get_tag',
        arguments: { namespace: 'library', repository: 'nginx', tag: '1.4' },
      })) as { isError?: boolean; content: { text: string }[] };
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toMatch(/and none came in time/);
    } finally {
      await client.close();
    }
    expect(hub.apiRequests()).toEqual([]);
  });

  it('2026-07-28: refuses an answer the SDK client brings back after the question expired', async () => {
    const client = new ModernClient(
      { name: 'approver-2026', version: '0' },
      {
        versionNegotiation: { mode: { pin: '2026-07-28' } },
        capabilities: { elicitation: { form: {} } },
        // The client hands the question back instead of answering it at once.
        inputRequired: { autoFulfill: false },
      },
    );
    await client.connect(new ModernStdio(stdioParams()));
    hub.clearRequests();
    const params = {
      name: 'get_tag',
      arguments: { namespace: 'library', repository: 'nginx', tag: '1.5' },
    };
    try {
      const asked = (await client.request(
        { method: 'tools/call', params },
        { allowInputRequired: true },
      )) as { resultType?: string; requestState?: string };
      expect(asked.resultType).toBe('input_required');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const late = (await client.request(
        {
          method: 'tools/call',
          params: {
            ...params,
            inputResponses: { hubgate_approval: { action: 'accept', content: { approve: true } } },
            requestState: asked.requestState,
          },
        },
        { allowInputRequired: true },
      )) as { isError?: boolean; content: { text: string }[] };
      expect(late.isError).toBe(true);
      expect(late.content[0]?.text).toMatch(/after the question expired/);
    } finally {
      await client.close();
    }
    expect(hub.apiRequests()).toEqual([]);
  });
});
