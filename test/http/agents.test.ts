/**
 * Several agents on one service at once: each session sees its agent's tools, gets its agent's
 * refusals and reaches Docker Hub as its agent's credential, over Streamable HTTP and over SSE,
 * and fifty sessions in parallel never see each other's answers or audit records.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwtClaims } from '../../src/hub/auth.js';
import { catalog } from '../../src/tools/index.js';
import { visibleTools } from '../../src/tools/visible.js';
import { addRepo, addTag, seedTime } from '../fake-hub/index.js';
import { type ConnectedClient, callTool, type ServiceHarness, startService } from './helpers.js';

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function usernameOf(authorization: string | string[] | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  return decodeJwtClaims(authorization.replace(/^Bearer /, ''))?.username;
}

describe('two agents in parallel sessions', () => {
  it('each sees its own tools and refusals and calls Docker Hub as its own credential', async () => {
    h = await startService({
      agents: {
        reader: { credential: 'alice', grants: ['repo:*/*=read', 'account=read'] },
        builder: { credential: 'bob', grants: ['repo:bob/*=admin', 'account=read'] },
      },
    });
    const service = h;
    const [reader, builder] = await Promise.all([
      service.connectHttp(service.keys.reader),
      service.connectSse(service.keys.builder),
    ]);
    expect(service.service.sessions.size).toBe(2);
    expect(service.service.sessions.count('http')).toBe(1);
    expect(service.service.sessions.count('sse')).toBe(1);

    // tools/list: each session lists what its own agent could ever be allowed.
    const [readerTools, builderTools] = await Promise.all([
      reader.client.listTools(),
      builder.client.listTools(),
    ]);
    const readerNames = readerTools.tools.map((tool) => tool.name);
    const builderNames = builderTools.tools.map((tool) => tool.name);
    const expected = (agent: string) =>
      visibleTools(service.store.agent(agent), catalog).map((entry) => entry.name);
    expect(readerNames).toEqual(expected('reader'));
    expect(builderNames).toEqual(expected('builder'));
    expect(readerNames).toContain('get_repository');
    expect(readerNames).not.toContain('create_repository');
    expect(builderNames).toContain('create_repository');
    expect(builderNames).not.toEqual(readerNames);

    service.hub.clearRequests();
    const [readerRepo, builderRepo, readerCreate, builderCreate, readerMe, builderMe] =
      await Promise.all([
        callTool(reader.client, 'get_repository', { namespace: 'alice', repository: 'tools' }),
        callTool(builder.client, 'get_repository', { namespace: 'alice', repository: 'tools' }),
        callTool(reader.client, 'create_repository', { namespace: 'bob', name: 'made-by-http' }),
        callTool(builder.client, 'create_repository', { namespace: 'bob', name: 'made-by-http' }),
        callTool(reader.client, 'get_current_account'),
        callTool(builder.client, 'get_current_account'),
      ]);

    // A call one agent may make and the other is refused, each way, the refusal naming the agent.
    expect(readerRepo.isError).toBe(false);
    expect(readerRepo.json).toMatchObject({ namespace: 'alice', name: 'tools', is_private: true });
    expect(builderRepo.isError).toBe(true);
    expect(builderRepo.text).toMatch(
      /^Refused by hubgate policy: agent "builder" has no grant for read on repo:alice\/tools/,
    );
    expect(readerCreate.isError).toBe(true);
    expect(readerCreate.text).toMatch(
      /^Refused by hubgate policy: agent "reader" has no grant for write on repo:bob\/made-by-http/,
    );
    expect(builderCreate.isError).toBe(false);
    expect(builderCreate.json).toMatchObject({ namespace: 'bob', name: 'made-by-http' });

    // Each reached Docker Hub as its own identity, and only for the calls it was allowed.
    expect(readerMe.json).toMatchObject({ username: 'alice' });
    expect(builderMe.json).toMatchObject({ username: 'bob' });
    const seen = service.hub
      .apiRequests()
      .map(
        (request) =>
          `${request.method} ${request.path} as ${usernameOf(request.headers.authorization)}`,
      )
      .sort();
    expect(seen).toEqual(
      [
        'GET /v2/namespaces/alice/repositories/tools as alice',
        'POST /v2/namespaces/bob/repositories as bob',
        'GET /v2/users/alice as alice',
        'GET /v2/users/bob as bob',
      ].sort(),
    );
    const exchanged = service.hub.requests
      .filter((request) => request.path === '/v2/auth/token')
      .map((request) => (request.body as { identifier?: string }).identifier)
      .sort();
    expect(exchanged).toEqual(['alice', 'bob']);

    // The audit tells the two sessions apart: agent, transport and session id.
    const byTool = (agent: string) =>
      service.audit
        .filter((record) => record.agent === agent)
        .map((record) => [record.tool, record.decision, record.transport, record.session]);
    expect(byTool('reader')).toEqual(
      expect.arrayContaining([
        ['get_repository', 'allow', 'http', reader.sessionId],
        ['create_repository', 'deny', 'http', reader.sessionId],
        ['get_current_account', 'allow', 'http', reader.sessionId],
      ]),
    );
    expect(byTool('builder')).toEqual(
      expect.arrayContaining([
        ['get_repository', 'deny', 'sse', builder.sessionId],
        ['create_repository', 'allow', 'sse', builder.sessionId],
        ['get_current_account', 'allow', 'sse', builder.sessionId],
      ]),
    );
    expect(service.audit).toHaveLength(6);
  });
});

describe('many sessions at once', () => {
  it('keeps 50 Streamable HTTP and 5 SSE sessions apart: answers, session ids and audit', async () => {
    const HTTP_SESSIONS = 50;
    const SSE_SESSIONS = 5;
    const agents = ['alice-bot', 'bob-bot', 'anon-bot'] as const;
    const identity: Record<(typeof agents)[number], string | undefined> = {
      'alice-bot': 'alice',
      'bob-bot': 'bob',
      'anon-bot': undefined,
    };
    h = await startService({
      agents: {
        'alice-bot': { credential: 'alice', grants: ['repo:library/*=read'] },
        'bob-bot': { credential: 'bob', grants: ['repo:library/*=read'] },
        'anon-bot': { grants: ['repo:library/*=read'] },
      },
    });
    const service = h;
    // A repository and tags of its own for each session, so every answer names its request.
    const total = HTTP_SESSIONS + SSE_SESSIONS;
    for (let i = 0; i < total; i++) {
      const repo = addRepo(service.hub.state, {
        namespace: 'library',
        name: `load-${i}`,
        description: `load test repository ${i}`,
        pull_count: 1000 + i,
        createdAt: seedTime(i),
      });
      addTag(service.hub.state, repo, { name: `s${i}-a`, pushedAt: seedTime(i) });
      addTag(service.hub.state, repo, { name: `s${i}-b`, pushedAt: seedTime(i + 1) });
    }
    service.hub.clearRequests();

    interface Run {
      index: number;
      agent: (typeof agents)[number];
      kind: 'http' | 'sse';
      connected: ConnectedClient;
    }
    const runs: Run[] = await Promise.all(
      Array.from({ length: total }, async (_, index) => {
        const agent = agents[index % agents.length] as (typeof agents)[number];
        const kind = index < HTTP_SESSIONS ? ('http' as const) : ('sse' as const);
        const key = service.keys[agent];
        const connected =
          kind === 'http' ? await service.connectHttp(key) : await service.connectSse(key);
        return { index, agent, kind, connected };
      }),
    );
    expect(service.service.sessions.size).toBe(total);
    expect(service.service.sessions.count('http')).toBe(HTTP_SESSIONS);
    expect(service.service.sessions.count('sse')).toBe(SSE_SESSIONS);
    const ids = runs.map((run) => run.connected.sessionId);
    expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(total);

    // Every call of every session at once.
    const results = await Promise.all(
      runs.map(async (run) => {
        const repository = `load-${run.index}`;
        const [repo, tagA, tagB] = await Promise.all([
          callTool(run.connected.client, 'get_repository', { namespace: 'library', repository }),
          callTool(run.connected.client, 'get_tag', {
            namespace: 'library',
            repository,
            tag: `s${run.index}-a`,
          }),
          callTool(run.connected.client, 'get_tag', {
            namespace: 'library',
            repository,
            tag: `s${run.index}-b`,
          }),
        ]);
        return { run, repo, tagA, tagB };
      }),
    );
    for (const { run, repo, tagA, tagB } of results) {
      expect(repo.isError, repo.text).toBe(false);
      expect(repo.json).toMatchObject({
        namespace: 'library',
        name: `load-${run.index}`,
        description: `load test repository ${run.index}`,
        pull_count: 1000 + run.index,
      });
      expect(tagA.json).toMatchObject({ name: `s${run.index}-a` });
      expect(tagB.json).toMatchObject({ name: `s${run.index}-b` });
    }

    // Exactly three audit records per session, each carrying that session's id and transport.
    expect(service.audit).toHaveLength(total * 3);
    for (const run of runs) {
      const records = service.audit.filter((record) => record.session === run.connected.sessionId);
      expect(records).toHaveLength(3);
      for (const record of records) {
        expect(record).toMatchObject({
          agent: run.agent,
          transport: run.kind,
          decision: 'allow',
          outcome: 'ok',
          hub_status: 200,
          arguments: { namespace: 'library', repository: `load-${run.index}` },
        });
      }
      expect(records.map((record) => record.tool).sort()).toEqual([
        'get_repository',
        'get_tag',
        'get_tag',
      ]);
    }

    // And each Hub request went out as the credential of the agent whose session asked.
    const api = service.hub.apiRequests();
    expect(api).toHaveLength(total * 3);
    for (const request of api) {
      const index = Number(/\/repositories\/load-(\d+)(?:\/|$)/.exec(request.path)?.[1]);
      const run = runs[index];
      expect(run, request.path).toBeDefined();
      expect(usernameOf(request.headers.authorization)).toBe(identity[run?.agent ?? 'anon-bot']);
    }
  });
});
