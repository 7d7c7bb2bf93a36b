/**
 * The call lane in front of a session's server (src/lane.ts, as stdio uses it): every kind of
 * tools/call is answered with the message the SDK's own handling sends, other requests still
 * reach the SDK, and a cancelled call ends without an answer, as in the SDK.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/audit/record.js';
import { laneInFront } from '../src/lane.js';
import { createHubgateServer, createHubgateSession } from '../src/server.js';
import { type FakeHub, startFakeHub } from './fake-hub/index.js';
import { ALICE_READ, configFor, createTestGateway } from './helpers/harness.js';

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

type Message = { id?: unknown; method?: string; result?: unknown; error?: unknown };

/** A raw client on an in-memory pipe to `server`, initialized (2025-06-18). */
async function rawClient(server: Server) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const answers = new Map<unknown, Message>();
  const waiting = new Map<unknown, (message: Message) => void>();
  clientSide.onmessage = (message) => {
    const { id } = message as Message;
    answers.set(id, message as Message);
    waiting.get(id)?.(message as Message);
  };
  await Promise.all([server.connect(serverSide), clientSide.start()]);
  const send = (message: object) => clientSide.send({ jsonrpc: '2.0', ...message } as never);
  const ask = (message: { id: string | number; method: string; params?: unknown }) => {
    const answered = new Promise<Message>((resolve) => waiting.set(message.id, resolve));
    return send(message).then(() => answered);
  };
  await ask({
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 't', version: '0' },
    },
  });
  await send({ method: 'notifications/initialized' });
  return { send, ask, answers, close: () => clientSide.close() };
}

async function gatewayFor(audit: AuditRecord[]) {
  hub = await startFakeHub();
  const config = configFor(
    { name: 'reader', grants: [{ resource: 'repo:library/*', access: 'read' }] },
    ALICE_READ,
  );
  return createTestGateway(config, hub, { audit: { record: (record) => audit.push(record) } });
}

const call = (id: number | string, name: unknown, args?: unknown) => ({
  id,
  method: 'tools/call',
  params: { name, ...(args === undefined ? {} : { arguments: args }) },
});
const nginx = (tag: string) => ({ namespace: 'library', repository: 'nginx', tag });

describe('the call lane in front of a server', () => {
  it('answers every kind of call as the SDK does, and leaves other requests to it', async () => {
    const audit: AuditRecord[] = [];
    const gateway = await gatewayFor(audit);
    const plain = await rawClient(
      createHubgateServer(gateway, { agentName: 'reader', transport: 'stdio' }),
    );
    const session = createHubgateSession(gateway, { agentName: 'reader', transport: 'stdio' });
    let inLane = 0;
    laneInFront(session.server, (params, signal) => {
      inLane += 1;
      return session.callTool(params, signal);
    });
    const laned = await rawClient(session.server);

    const requests = [
      call(1, 'get_tag', nginx('latest')),
      call('two', 'get_tag', nginx('no-such-tag')),
      call(3, 'delete_repository', { namespace: 'library', repository: 'nginx' }),
      call(4, 'get_tag', { namespace: 'library' }),
      call(5, 'no_such_tool', {}),
      call(6, 42),
      call(7, 'get_tag', 'not an object'),
      { id: 8, method: 'tools/list' },
      { id: 9, method: 'ping' },
      { id: 10, method: 'resources/list' },
    ];
    // The Hub gives each answer a transaction id of its own; the rest must be the same.
    const withoutTxnid = (answer: unknown) =>
      JSON.parse(JSON.stringify(answer).replace(/txnid [0-9a-f]+/g, 'txnid X'));
    for (const request of requests) {
      const fromSdk = withoutTxnid(await plain.ask(request));
      const fromLane = withoutTxnid(await laned.ask(request));
      expect(fromLane, JSON.stringify(request)).toEqual(fromSdk);
    }
    // Each tool call left one record on each side, the SDK's first: the lane records alike.
    const facts = audit.map(({ tool, decision, outcome, reason }) => ({
      tool,
      decision,
      outcome,
      reason,
    }));
    expect(facts).toHaveLength(14);
    expect(inLane).toBe(7);
    expect(facts.filter((_, i) => i % 2 === 1)).toEqual(facts.filter((_, i) => i % 2 === 0));
    await plain.close();
    await laned.close();
  });

  it('ends a cancelled call without answering it, as the SDK does', async () => {
    const audit: AuditRecord[] = [];
    const gateway = await gatewayFor(audit);
    const server = hub as FakeHub;
    server.inject({ path: '/v2/namespaces/library/repositories/nginx/tags/1.20', delayMs: 5_000 });
    const session = createHubgateSession(gateway, { agentName: 'reader', transport: 'stdio' });
    const inLane: unknown[] = [];
    laneInFront(session.server, (params, signal) => {
      inLane.push(params);
      return session.callTool(params, signal);
    });
    const laned = await rawClient(session.server);

    const began = Date.now();
    await laned.send(call(1, 'get_tag', nginx('1.20')));
    await waitFor(() => server.apiRequests().length === 1);
    await laned.send({ method: 'notifications/cancelled', params: { requestId: 1 } });
    await waitFor(() => audit.length === 1);
    expect(audit[0]).toMatchObject({ tool: 'get_tag', outcome: 'error' });
    expect(Date.now() - began).toBeLessThan(4_000);
    // The next call is answered, and the cancelled one never was.
    expect(await laned.ask(call(2, 'get_tag', nginx('latest')))).toMatchObject({ id: 2 });
    expect(laned.answers.has(1)).toBe(false);
    expect(inLane).toHaveLength(2);
    await laned.close();
  });
});

/**
 * A session for an agent whose every call needs approval, with a client that can be asked;
 * `answer`: what the client's user answers each question (none: it never answers).
 */
async function askingSession(answer?: 'decline') {
  hub = await startFakeHub();
  const audit: AuditRecord[] = [];
  const config = configFor(
    {
      name: 'careful',
      grants: [{ resource: 'repo:library/*', access: 'read', approve: { always: true } }],
    },
    ALICE_READ,
  );
  const gateway = createTestGateway(config, hub, {
    audit: { record: (record) => audit.push(record) },
  });
  const session = createHubgateSession(gateway, { agentName: 'careful', transport: 'stdio' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const asked: string[] = [];
  clientSide.onmessage = (message) => {
    const { id, method } = message as Message;
    if (!method) return;
    asked.push(method);
    if (answer) void clientSide.send({ jsonrpc: '2.0', id, result: { action: answer } } as never);
  };
  await Promise.all([session.server.connect(serverSide), clientSide.start()]);
  await clientSide.send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: { elicitation: {} },
      clientInfo: { name: 't', version: '0' },
    },
  });
  await waitFor(() => session.server.getClientCapabilities()?.elicitation !== undefined);
  hub.clearRequests();
  return { session, audit, asked, server: hub, close: () => clientSide.close() };
}

const latest = { name: 'get_tag', arguments: nginx('latest') };

describe('approval in a tool call of the lane', () => {
  it('is refused at once by the call that asks no one, where the usual call asks', async () => {
    const { session, audit, asked, server, close } = await askingSession('decline');
    const refused = await session.callToolAskingNoOne(latest, new AbortController().signal);
    expect(refused.isError).toBe(true);
    expect(asked).toEqual([]);
    expect(audit.at(-1)).toMatchObject({
      decision: 'deny',
      approval: { decision: 'unavailable', via: 'none' },
    });

    // The usual call asks the client, whose user declines.
    const declined = await session.callTool(latest, new AbortController().signal);
    expect(asked).toEqual(['elicitation/create']);
    expect(declined.isError).toBe(true);
    expect(audit.at(-1)).toMatchObject({ approval: { decision: 'decline', via: 'elicitation' } });
    expect(server.apiRequests()).toEqual([]);
    await close();
  });

  it('stops waiting for its answer when the call is cancelled', async () => {
    const { session, audit, asked, server, close } = await askingSession();
    const controller = new AbortController();
    const began = Date.now();
    const call = session.callTool(latest, controller.signal);
    await waitFor(() => asked.includes('elicitation/create'));
    controller.abort();
    const result = await call;
    expect(result.isError).toBe(true);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(audit.at(-1)).toMatchObject({ decision: 'deny', approval: { decision: 'cancel' } });
    expect(server.apiRequests()).toEqual([]);
    await close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
