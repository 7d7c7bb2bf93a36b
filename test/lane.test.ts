/**
 * The call lane on a session's stdio wire (src/lane.ts, src/stdio/wire.ts): every kind of
 * tools/call is answered with the message the SDK's own handling sends, other requests still
 * reach the SDK, and a cancelled call ends without an answer, as in the SDK. The wire reads what
 * the SDK's stdio transport reads, and drops what it drops.
 */
import { PassThrough } from 'node:stream';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/audit/record.js';
import type { Cancellation } from '../src/cancellation.js';
import type { Gateway } from '../src/gateway/gateway.js';
import { LaneCalls, laneOnWire } from '../src/lane.js';
import { createHubgateServer, createHubgateSession, type ToolCaller } from '../src/server.js';
import { StdioWire } from '../src/stdio/wire.js';
import { type FakeHub, startFakeHub } from './fake-hub/index.js';
import { ALICE_READ, configFor, createTestGateway, withoutTxnid } from './helpers/harness.js';

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

type Message = { id?: unknown; method?: string; result?: unknown; error?: unknown };

const INITIALIZE = {
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 't', version: '0' },
  },
};

/**
 * A raw client of `server`, initialized (2025-06-18): on an in-memory pipe, or with `lane`, over
 * a stdio wire with the lane on it (`lines` writes raw lines to the wire).
 */
async function rawClient(server: Server, lane?: ToolCaller) {
  const answers = new Map<unknown, Message>();
  const waiting = new Map<unknown, (message: Message) => void>();
  const receive = (message: Message) => {
    answers.set(message.id, message);
    waiting.get(message.id)?.(message);
  };
  let write: (message: object) => Promise<void>;
  let lines = (_raw: string | Buffer) => {};
  const errors: string[] = [];
  let close: () => Promise<void>;
  if (lane) {
    const input = new PassThrough();
    const output = new PassThrough();
    const wire = new StdioWire(input, output);
    laneOnWire(wire, server, lane);
    await server.connect(wire);
    const onerror = wire.onerror;
    wire.onerror = (error) => {
      errors.push(error.message);
      onerror?.(error);
    };
    onLines(output, receive);
    lines = (raw) => input.write(raw);
    write = async (message) => {
      input.write(`${JSON.stringify(message)}\n`);
    };
    close = async () => {
      input.end();
      await server.close();
    };
  } else {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    clientSide.onmessage = (message) => receive(message as Message);
    await Promise.all([server.connect(serverSide), clientSide.start()]);
    write = (message) => clientSide.send(message as never);
    close = () => clientSide.close();
  }
  const send = (message: object) => write({ jsonrpc: '2.0', ...message });
  const ask = (message: { id: string | number; method: string; params?: unknown }) => {
    const answered = new Promise<Message>((resolve) => waiting.set(message.id, resolve));
    return send(message).then(() => answered);
  };
  await ask(INITIALIZE);
  await send({ method: 'notifications/initialized' });
  return { send, ask, answers, lines, errors, close };
}

/** A raw client of `server` over the SDK's own stdio transport, initialized (2025-06-18). */
async function sdkStdioClient(server: Server) {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new StdioServerTransport(input, output);
  await server.connect(transport);
  const errors: string[] = [];
  const onerror = transport.onerror;
  transport.onerror = (error) => {
    errors.push(error.message);
    onerror?.(error);
  };
  const answers = new Map<unknown, Message>();
  onLines(output, (message) => answers.set(message.id, message));
  const lines = (raw: string | Buffer) => input.write(raw);
  lines(
    `${JSON.stringify({ jsonrpc: '2.0', ...INITIALIZE })}\n${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`,
  );
  await waitFor(() => answers.has(0));
  answers.delete(0);
  return {
    answers,
    errors,
    lines,
    close: async () => {
      input.end();
      await server.close();
    },
  };
}

/** A raw client over a stdio wire with the lane on it, and how many calls the lane took. */
async function lanedClient(gateway: Gateway) {
  const session = createHubgateSession(gateway, { agentName: 'reader', transport: 'stdio' });
  let taken = 0;
  const laned = await rawClient(session.server, (params, signal) => {
    taken += 1;
    return session.callTool(params, signal);
  });
  return { laned, inLane: () => taken };
}

/** Calls `receive` with each JSON line written to `output`. */
function onLines(output: PassThrough, receive: (message: Message) => void): void {
  let text = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    for (let cut = text.indexOf('\n'); cut !== -1; cut = text.indexOf('\n')) {
      receive(JSON.parse(text.slice(0, cut)) as Message);
      text = text.slice(cut + 1);
    }
  });
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

describe('the call lane on a stdio wire', () => {
  it('answers every kind of call as the SDK does, and leaves other requests to it', async () => {
    const audit: AuditRecord[] = [];
    const gateway = await gatewayFor(audit);
    const plain = await rawClient(
      createHubgateServer(gateway, { agentName: 'reader', transport: 'stdio' }),
    );
    const { laned, inLane } = await lanedClient(gateway);

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
    expect(inLane()).toBe(7);
    expect(facts.filter((_, i) => i % 2 === 1)).toEqual(facts.filter((_, i) => i % 2 === 0));
    await plain.close();
    await laned.close();
  });

  it("reads the lines the SDK's stdio transport reads, and drops those it drops", async () => {
    const gateway = await gatewayFor([]);
    const overSdk = await sdkStdioClient(
      createHubgateServer(gateway, { agentName: 'reader', transport: 'stdio' }),
    );
    const { laned, inLane } = await lanedClient(gateway);
    const line = (message: object) => `${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`;
    const tagged = (id: number, meta: unknown) => ({
      ...call(id, 'get_tag', nginx('latest')),
      params: { name: 'get_tag', arguments: nginx('latest'), _meta: meta },
    });
    const accented = line(call(14, 'get_tag', nginx('é-ü')));
    const cut = Buffer.from(accented).indexOf(Buffer.from('é')) + 1;
    const pieces: (string | Buffer)[] = [
      'this is not JSON\n',
      line({ id: 11, method: 5 }),
      line(tagged(12, { progressToken: 'p-12' })),
      line(tagged(13, { progressToken: { not: 'a token' } })),
      // One character's bytes in two reads, and a line that ends in CRLF.
      Buffer.from(accented).subarray(0, cut),
      Buffer.from(accented).subarray(cut),
      line(call(15, 'get_tag', nginx('latest'))).replace('\n', '\r\n'),
      // Two lines, and the start of a third, in one read.
      `${line(call(16, 'no_such_tool', {}))}${line(call(17, 'get_tag', nginx('1.20')))}{"jsonrpc":`,
      `"2.0","id":18,"method":"tools/call","params":{"name":"get_tag","arguments":${JSON.stringify(nginx('alpine'))}}}\n`,
    ];
    for (const piece of pieces) {
      overSdk.lines(piece);
      laned.lines(piece);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const last = [14, 15, 16, 17, 18];
    await waitFor(() => last.every((id) => laned.answers.has(id)));
    await waitFor(() => last.every((id) => overSdk.answers.has(id)));
    laned.answers.delete(0);
    expect([...laned.answers.keys()].sort()).toEqual([...overSdk.answers.keys()].sort());
    for (const [id, answer] of overSdk.answers) {
      expect(withoutTxnid(laned.answers.get(id)), `answer to ${id}`).toEqual(withoutTxnid(answer));
    }
    expect(laned.answers.has(11)).toBe(false);
    expect(laned.answers.has(13)).toBe(false);
    // Both reported the two lines that are JSON but not JSON-RPC messages.
    expect(laned.errors).toHaveLength(2);
    expect(overSdk.errors).toHaveLength(2);
    // 12 (checked first, for its _meta), 14 to 18 were the lane's.
    expect(inLane()).toBe(6);
    await overSdk.close();
    await laned.close();
  });

  it('ends the session on a line over 10 MiB, as the SDK does', async () => {
    const input = new PassThrough();
    const wire = new StdioWire(input, new PassThrough());
    const errors: string[] = [];
    let closed = false;
    wire.onerror = (error) => errors.push(error.message);
    wire.onclose = () => {
      closed = true;
    };
    await wire.start();
    const mebibyte = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 10; i++) input.write(mebibyte);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    input.write('x');
    await waitFor(() => closed);
    expect(errors).toEqual(['ReadBuffer exceeded maximum size of 10485760 bytes']);
  });

  it('shows a call cancelled while it runs an aborted signal', async () => {
    const calls = new LaneCalls();
    let seen: Cancellation | undefined;
    const answered = calls.answer(
      async (_params, signal) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = signal;
        return { content: [] };
      },
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get_tag' } },
    );
    calls.cancel({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    const { cancelled } = await answered;
    expect(cancelled).toBe(true);
    expect(seen?.aborted).toBe(true);
  });

  it('ends a cancelled call without answering it, as the SDK does', async () => {
    const audit: AuditRecord[] = [];
    const gateway = await gatewayFor(audit);
    const server = hub as FakeHub;
    server.inject({ path: '/v2/namespaces/library/repositories/nginx/tags/1.20', delayMs: 5_000 });
    const session = createHubgateSession(gateway, { agentName: 'reader', transport: 'stdio' });
    const inLane: unknown[] = [];
    const laned = await rawClient(session.server, (params, signal) => {
      inLane.push(params);
      return session.callTool(params, signal);
    });

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
