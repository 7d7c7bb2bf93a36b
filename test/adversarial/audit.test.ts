/**
 * Audit completeness: every tool call leaves exactly one audit record, with its agent, tool,
 * session and decision, whatever happens to it: allowed, refused by policy, invalid, unknown,
 * rate-limited, failed at Docker Hub, cancelled by its client, sent in a JSON-RPC batch, over
 * either transport, all at once. And on the built CLI (run `npm run build` first), a SIGTERM with
 * calls in flight loses no record of a call that was answered, leaves a file of whole JSON lines,
 * and exits 0 within its grace.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { newAgentKey } from '../../src/commands/key.js';
import { RATE_LIMITED } from '../../src/gateway/rejection.js';
import { addTag, type FakeHub, findRepo, seedTime, startFakeHub } from '../fake-hub/index.js';
import { auditFileRecords } from '../helpers/audit-file.js';
import {
  authorization,
  type ConnectedClient,
  callTool,
  configYaml,
  messagesOf,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startHttpCli,
  startService,
} from '../http/helpers.js';

let h: ServiceHarness | undefined;
const dir = mkdtempSync(join(tmpdir(), 'hubgate-audit-'));
const children = new Set<ChildProcess>();
const hubs = new Set<FakeHub>();
const clients = new Set<Client>();
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all([...clients].map((client) => client.close().catch(() => {})));
  clients.clear();
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  await Promise.all([...hubs].map((hub) => hub.close()));
  hubs.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NGINX = { namespace: 'library', repository: 'nginx' };
const tagPath = (tag: string) => `/v2/namespaces/library/repositories/nginx/tags/${tag}`;

/** JSON with object keys sorted: the same arguments give the same text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

type Kind = 'ok' | 'hub-404' | 'policy' | 'invalid' | 'unknown' | 'cancelled';

interface Planned {
  index: number;
  kind: Kind;
  tool: string;
  args: Record<string, unknown>;
}

/** What one call is, unique by its index: the tool and arguments identify its record. */
function plan(index: number, kind: Kind): Planned {
  switch (kind) {
    case 'ok':
      return { index, kind, tool: 'get_tag', args: { ...NGINX, tag: `a${index}` } };
    case 'hub-404':
      return { index, kind, tool: 'get_tag', args: { ...NGINX, tag: `missing-${index}` } };
    case 'policy':
      return {
        index,
        kind,
        tool: 'get_repository',
        args: { namespace: 'acme', repository: `r${index}` },
      };
    case 'invalid':
      return { index, kind, tool: 'get_tag', args: { ...NGINX, tag: `x${index}`, bogus: index } };
    case 'unknown':
      return { index, kind, tool: `no_such_tool_${index}`, args: { marker: `u${index}` } };
    case 'cancelled':
      return { index, kind, tool: 'get_tag', args: { ...NGINX, tag: `c${index}` } };
  }
}

const keyOf = (tool: string, args: unknown) => `${tool} ${canonical(args)}`;

/** The answer a client got: a tool result, a JSON-RPC error with its code, or none at all. */
type Answer =
  | { type: 'result'; isError: boolean; json: unknown; text: string }
  | { type: 'error'; code: number; message: string }
  | { type: 'none'; message: string };

async function answerOf(call: Promise<{ isError: boolean; json: unknown; text: string }>) {
  return call.then(
    (result): Answer => ({ type: 'result', ...result }),
    (error: unknown): Answer =>
      error instanceof McpError &&
      error.code !== ErrorCode.RequestTimeout &&
      error.code !== ErrorCode.ConnectionClosed
        ? { type: 'error', code: error.code, message: error.message }
        : { type: 'none', message: String(error) },
  );
}

/** The record the call must have left, given what it was and what its client was told. */
function expectedRecord(call: Planned, answer: Answer): Partial<AuditRecord> {
  if (answer.type === 'error' && answer.code === RATE_LIMITED) {
    return { decision: 'deny', outcome: 'denied', reason: expect.stringMatching(/^rate limit: /) };
  }
  switch (call.kind) {
    case 'ok':
      return { decision: 'allow', outcome: 'ok', hub_status: 200 };
    case 'hub-404':
      return { decision: 'allow', outcome: 'error', hub_status: 404 };
    case 'policy':
      return {
        decision: 'deny',
        outcome: 'denied',
        hub_status: null,
        resources: [`repo:acme/r${call.index}`],
      };
    case 'invalid':
      return {
        decision: 'deny',
        outcome: 'denied',
        reason: expect.stringMatching(/^invalid arguments/),
      };
    case 'unknown':
      return { decision: 'deny', outcome: 'denied', reason: 'unknown tool' };
    case 'cancelled':
      // Aborted at the Hub (no status); or, when the cancellation overtook its call on another
      // connection and was ignored as being for no known request, run to the Hub's 404.
      return {
        decision: 'allow',
        outcome: 'error',
        hub_status: expect.toSatisfy((status) => status === null || status === 404),
      };
  }
}

/** The answer itself is right for the call (a refusal where one is due, the tag asked for…). */
function expectAnswerFits(call: Planned, answer: Answer): void {
  const why = `call ${call.index} (${call.kind}): ${JSON.stringify(answer).slice(0, 200)}`;
  if (answer.type === 'error' && answer.code === RATE_LIMITED) return;
  switch (call.kind) {
    case 'ok':
      expect(answer, why).toMatchObject({
        type: 'result',
        isError: false,
        json: { name: call.args.tag },
      });
      return;
    case 'hub-404':
      expect(answer, why).toMatchObject({ type: 'result', isError: true });
      return;
    case 'policy':
      expect(answer, why).toMatchObject({
        type: 'result',
        isError: true,
        text: expect.stringMatching(/^Refused by hubgate policy/),
      });
      return;
    case 'invalid':
      expect(answer, why).toMatchObject({
        type: 'result',
        isError: true,
        text: expect.stringMatching(/^Invalid arguments/),
      });
      return;
    case 'unknown':
      expect(answer, why).toMatchObject({ type: 'error', code: ErrorCode.InvalidParams });
      return;
    case 'cancelled':
      expect(answer.type, why).toBe('none');
      return;
  }
}

interface Sender {
  agent: string;
  transport: 'http' | 'sse';
  key: string | undefined;
  connected: ConnectedClient;
}

describe('one audit record per call', () => {
  it('200 concurrent calls from four agents over both transports, mixed, give exactly 200 records, one each', async () => {
    const N = 200;
    h = await startService({
      agents: {
        reader: { credential: 'alice', grants: ['repo:library/*=read'] },
        writer: { credential: 'bob', grants: ['repo:library/*=read', 'repo:bob/*=admin'] },
        limited: { grants: ['repo:library/*=read'], callsPerMinute: 8 },
        guest: { grants: ['repo:library/*=read'], key: false },
      },
      options: { allowAnonymous: 'guest' },
    });
    const service = h;
    const nginx = findRepo(service.hub.state, 'library', 'nginx');
    if (!nginx) throw new Error('the fake Hub has no library/nginx');
    for (let index = 0; index < N; index++) {
      addTag(service.hub.state, nginx, { name: `a${index}`, pushedAt: seedTime(index % 50) });
    }

    const senders: Sender[] = [];
    for (const agent of ['reader', 'writer', 'limited', 'guest']) {
      const key = service.keys[agent];
      senders.push({ agent, transport: 'http', key, connected: await service.connectHttp(key) });
      senders.push({ agent, transport: 'sse', key, connected: await service.connectSse(key) });
    }
    expect(new Set(senders.map((sender) => sender.connected.sessionId)).size).toBe(8);

    const KINDS: Kind[] = ['ok', 'hub-404', 'policy', 'invalid', 'unknown', 'ok', 'policy', 'ok'];
    const calls = Array.from({ length: N }, (_, index) => {
      const sender = senders[index % senders.length] as Sender;
      let kind = KINDS[Math.floor(index / senders.length) % KINDS.length] as Kind;
      // A few calls are cancelled by their client while Docker Hub is slow to answer (not the
      // rate-limited agent's: a refusal there would come back before any cancellation).
      if (index % 25 === 3 && sender.agent !== 'limited') kind = 'cancelled';
      // Every third round of calls on a Streamable HTTP session travels in a JSON-RPC batch.
      const batched =
        sender.transport === 'http' &&
        Math.floor(index / senders.length) % 3 === 1 &&
        kind !== 'cancelled';
      return { ...plan(index, kind), sender, batched };
    });
    for (const call of calls) {
      if (call.kind === 'cancelled')
        service.hub.inject({ path: tagPath(`c${call.index}`), delayMs: 2_000 });
    }
    expect(new Set(calls.map((call) => keyOf(call.tool, call.args))).size).toBe(N);

    // Everything at once: the SDK clients' calls, and one batch per Streamable HTTP session.
    const answers = new Map<number, Promise<Answer>>();
    for (const call of calls.filter((call) => !call.batched)) {
      answers.set(
        call.index,
        answerOf(
          callTool(call.sender.connected.client, call.tool, call.args, {
            timeout: call.kind === 'cancelled' ? 1_000 : 10_000,
          }),
        ),
      );
    }
    for (const sender of senders.filter((sender) => sender.transport === 'http')) {
      const batch = calls.filter((call) => call.batched && call.sender === sender);
      const response = fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: {
          ...PROTOCOL_HEADERS,
          'mcp-protocol-version': '2025-06-18',
          'mcp-session-id': sender.connected.sessionId,
          ...authorization(sender.key),
        },
        body: JSON.stringify(
          batch.map((call) => ({
            jsonrpc: '2.0',
            // String ids: they cannot collide with the numbers the SDK client uses meanwhile.
            id: `batch-${call.index}`,
            method: 'tools/call',
            params: { name: call.tool, arguments: call.args },
          })),
        ),
      }).then(async (answer) => {
        expect(answer.status).toBe(200);
        return (await messagesOf(answer)) as {
          id: string;
          result?: { isError?: boolean; content: { text: string }[] };
          error?: { code: number; message: string };
        }[];
      });
      for (const call of batch) {
        answers.set(
          call.index,
          response.then((messages): Answer => {
            const message = messages.find((item) => item.id === `batch-${call.index}`);
            if (!message) return { type: 'none', message: 'no answer in the batch' };
            if (message.error) return { type: 'error', ...message.error };
            const text = message.result?.content.map((item) => item.text).join('\n') ?? '';
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            return { type: 'result', isError: message.result?.isError === true, json, text };
          }),
        );
      }
    }
    expect(answers.size).toBe(N);
    const settled = new Map<number, Answer>();
    for (const [index, answer] of answers) settled.set(index, await answer);

    // A cancelled call's record comes when its aborted Hub request unwinds (or, its cancellation
    // having overtaken it, when the Hub answers).
    // A burst of rate-limited calls leaves one record with a count, a second after its first
    // refusal (which has a record of its own): every call is covered once, written or counted.
    const covered = () => service.audit.reduce((sum, record) => sum + (record.count ?? 1), 0);
    await expect.poll(covered, { timeout: 5_000, interval: 20 }).toBe(N);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(covered()).toBe(N);

    const records = new Map<string, AuditRecord[]>();
    const tallies = service.audit.filter((record) => record.count !== undefined);
    for (const record of service.audit) {
      if (record.count !== undefined) continue;
      const key = keyOf(record.tool, record.arguments);
      records.set(key, [...(records.get(key) ?? []), record]);
    }
    const counted = new Map<string, number>();
    for (const call of calls) {
      const answer = settled.get(call.index) as Answer;
      expectAnswerFits(call, answer);
      const mine = records.get(keyOf(call.tool, call.args)) ?? [];
      if (mine.length === 0 && answer.type === 'error' && answer.code === RATE_LIMITED) {
        counted.set(call.tool, (counted.get(call.tool) ?? 0) + 1);
        continue;
      }
      expect(mine, `records of call ${call.index}`).toHaveLength(1);
      expect(mine[0], `record of call ${call.index} (${call.kind})`).toMatchObject({
        agent: call.sender.agent,
        transport: call.sender.transport,
        session: call.sender.connected.sessionId,
        tool: call.tool,
        arguments: call.args,
        ...expectedRecord(call, answer),
      });
    }
    // The calls counted and not written are exactly those the tallies say, by tool.
    const tallied = new Map<string, number>();
    for (const record of tallies) {
      expect(record).toMatchObject({ agent: 'limited', decision: 'deny', outcome: 'denied' });
      for (const [tool, count] of Object.entries(record.tools ?? {}))
        tallied.set(tool, (tallied.get(tool) ?? 0) + count);
    }
    expect(tallied).toEqual(counted);
    expect(tallies.length).toBeGreaterThan(0);
    // The rate limit did bite, and let exactly the limited agent's budget through.
    const limited = calls.filter((call) => call.sender.agent === 'limited');
    const throttled = limited.filter((call) => {
      const answer = settled.get(call.index) as Answer;
      return answer.type === 'error' && answer.code === RATE_LIMITED;
    });
    expect(limited.length - throttled.length).toBeGreaterThanOrEqual(8);
    expect(limited.length - throttled.length).toBeLessThanOrEqual(9);
    expect(calls.filter((call) => call.kind === 'cancelled').length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((call) => call.batched).length).toBeGreaterThanOrEqual(20);
  });

  it('records a malformed tools/call (no name, a numeric name, arguments not an object) as refused', async () => {
    h = await startService({ agents: { reader: { grants: ['repo:library/*=read'] } } });
    const service = h;
    const http = await service.connectHttp(service.keys.reader);
    const sse = await service.connectSse(service.keys.reader);
    const malformed = [
      { name: 42, arguments: {} },
      { name: 'get_tag', arguments: 'namespace=library' },
      { name: 'get_tag', arguments: [NGINX] },
      { arguments: NGINX },
      undefined,
    ];
    const post = (url: string, headers: Record<string, string>, id: number, params: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { ...headers, ...authorization(service.keys.reader) },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params }),
      });
    let id = 100;
    for (const params of malformed) {
      // Each is answered with a JSON-RPC error and nothing reaches Docker Hub…
      const viaHttp = await post(
        `${service.url}/mcp`,
        {
          ...PROTOCOL_HEADERS,
          'mcp-protocol-version': '2025-06-18',
          'mcp-session-id': http.sessionId,
        },
        id++,
        params,
      );
      expect(((await messagesOf(viaHttp))[0] as { error?: unknown }).error).toBeDefined();
      const viaSse = await post(
        `${service.url}/messages?sessionId=${sse.sessionId}`,
        { 'content-type': 'application/json' },
        id++,
        params,
      );
      expect(viaSse.status).toBe(202);
      await viaSse.text();
    }
    expect(service.hub.apiRequests()).toEqual([]);
    // …and each is a tool call refused, so each leaves its record, like an unknown tool does.
    await expect
      .poll(() => service.audit.length, { timeout: 1_000, interval: 20 })
      .toBe(malformed.length * 2);
    for (const [session, transport] of [
      [http.sessionId, 'http'],
      [sse.sessionId, 'sse'],
    ] as const) {
      expect(service.audit.filter((record) => record.session === session)).toEqual(
        malformed.map(() =>
          expect.objectContaining({
            agent: 'reader',
            transport,
            decision: 'deny',
            outcome: 'denied',
          }),
        ),
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The built CLI, SIGTERM with calls in flight.

const startCli = (args: string[]) => startHttpCli(args, children);

async function connectCli(url: string, key: string, transport: 'http' | 'sse') {
  const client = new Client({ name: 'hubgate-audit-test', version: '0' });
  clients.add(client);
  if (transport === 'http') {
    const http = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: authorization(key) },
    });
    await client.connect(http);
    return { client, sessionId: http.sessionId ?? '' };
  }
  let sessionId = '';
  const sse = new SSEClientTransport(new URL('/sse', url), {
    requestInit: { headers: authorization(key) },
    eventSourceInit: {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('Authorization', `Bearer ${key}`);
        return fetch(input, { ...init, headers });
      },
    },
    fetch: (input, init) => {
      if (!sessionId) sessionId = new URL(String(input)).searchParams.get('sessionId') ?? '';
      return fetch(input, init);
    },
  });
  await client.connect(sse);
  return { client, sessionId };
}

function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('hubgate http, SIGTERM with calls in flight', () => {
  it('keeps the record of every answered call, writes only whole JSON lines, and exits 0 within its grace', async () => {
    const GRACE_S = 2;
    const hub = await startFakeHub();
    hubs.add(hub);
    const nginx = findRepo(hub.state, 'library', 'nginx');
    if (!nginx) throw new Error('the fake Hub has no library/nginx');
    for (let index = 0; index < 60; index++) {
      addTag(hub.state, nginx, { name: `s${index}`, pushedAt: seedTime(index % 50) });
    }
    const readerKey = newAgentKey();
    const writerKey = newAgentKey();
    const audit = join(dir, 'sigterm-audit.ndjson');
    const config = join(dir, 'sigterm.yaml');
    writeFileSync(
      config,
      configYaml(
        hub.url,
        {
          reader: { credential: 'alice', grants: ['repo:library/*=read'] },
          writer: { credential: 'bob', grants: ['repo:library/*=read'] },
        },
        { reader: readerKey.hash, writer: writerKey.hash },
        `audit: { file: "${audit}" }\n`,
      ),
    );
    const running = await startCli([
      '--config',
      config,
      '--port',
      '0',
      '--shutdown-timeout',
      String(GRACE_S),
    ]);
    const sessions = [
      {
        agent: 'reader',
        transport: 'http' as const,
        ...(await connectCli(running.url, readerKey.key, 'http')),
      },
      {
        agent: 'reader',
        transport: 'sse' as const,
        ...(await connectCli(running.url, readerKey.key, 'sse')),
      },
      {
        agent: 'writer',
        transport: 'http' as const,
        ...(await connectCli(running.url, writerKey.key, 'http')),
      },
      {
        agent: 'writer',
        transport: 'http' as const,
        ...(await connectCli(running.url, writerKey.key, 'http')),
      },
    ];

    // 60 calls: quick ones, refusals, 10 that Docker Hub holds for less than the grace and 4 it
    // holds far past it. (The 14 held at once stay under hubgate's 16 connections to the Hub,
    // so that all of them are in flight together when the signal comes.)
    type Speed = 'quick' | 'refused' | 'slow' | 'stuck';
    const speedOf = (index: number): Speed => {
      if (index % 15 === 7) return 'stuck';
      if (index % 6 === 5) return 'slow';
      return index % 6 === 4 ? 'refused' : 'quick';
    };
    const calls = Array.from({ length: 60 }, (_, index) => {
      const session = sessions[index % sessions.length] as (typeof sessions)[number];
      const speed = speedOf(index);
      const tool = speed === 'refused' ? 'get_repository' : 'get_tag';
      const args: Record<string, unknown> =
        speed === 'refused'
          ? { namespace: 'alice', repository: `r${index}` }
          : { ...NGINX, tag: `s${index}` };
      if (speed === 'slow')
        hub.inject({ path: tagPath(`s${index}`), delayMs: 600 + (index % 7) * 100 });
      if (speed === 'stuck') hub.inject({ path: tagPath(`s${index}`), delayMs: 8_000 });
      return { index, session, speed, tool, args };
    });
    const answeredAt = new Map<number, number>();
    const answers = calls.map((call) =>
      answerOf(
        callTool(call.session.client, call.tool, call.args, {
          // A stuck call's client gives up soon after the grace: the server will not answer it.
          timeout: call.speed === 'stuck' ? GRACE_S * 1_000 + 1_500 : 6_000,
        }),
      ).finally(() => answeredAt.set(call.index, Date.now())),
    );
    // SIGTERM once every slow and stuck call is waiting on Docker Hub.
    const held = calls.filter((call) => call.speed === 'slow' || call.speed === 'stuck');
    await expect
      .poll(
        () =>
          held.every((call) =>
            hub.requests.some((request) => request.path === tagPath(String(call.args.tag))),
          ),
        { timeout: 5_000, interval: 10 },
      )
      .toBe(true);
    const killedAt = Date.now();
    running.child.kill('SIGTERM');
    // Calls sent after the signal are turned away at the door: no answer, no record.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const late = sessions.map((session, index) => ({
      session,
      tool: 'get_tag',
      args: { ...NGINX, tag: `late-${index}` },
    }));
    const lateAnswers = late.map((call) =>
      answerOf(callTool(call.session.client, call.tool, call.args, { timeout: 3_000 })),
    );

    const code = await within(running.exited, GRACE_S * 1_000 + 3_000, 'still running');
    const exitedAfter = Date.now() - killedAt;
    expect(code).toBe(0);
    // The stuck calls hold it to the end of the grace, and not a moment past (about 2 s here).
    expect(exitedAfter).toBeLessThan(GRACE_S * 1_000 + 2_000);
    // The server is gone: what it did not answer, it never will.
    await Promise.all(sessions.map((session) => session.client.close()));
    const settled = await Promise.all(answers);
    const lateSettled = await Promise.all(lateAnswers);

    // The file: whole lines, each valid JSON, each an audit record of a call that was made.
    const text = readFileSync(audit, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').slice(0, -1);
    for (const [at, line] of lines.entries()) {
      expect(() => JSON.parse(line), `line ${at + 1}: ${line.slice(0, 120)}`).not.toThrow();
    }
    // Intent records paired with their outcomes; one outcome record per call.
    const records = auditFileRecords(text);
    const byKey = new Map<string, AuditRecord[]>();
    for (const record of records) {
      const key = keyOf(record.tool, record.arguments);
      byKey.set(key, [...(byKey.get(key) ?? []), record]);
    }
    const sent = new Set(calls.map((call) => keyOf(call.tool, call.args)));
    for (const key of byKey.keys()) expect(sent.has(key), `a record of no call: ${key}`).toBe(true);
    for (const call of late) {
      expect(byKey.has(keyOf(call.tool, call.args)), 'a record of a call after SIGTERM').toBe(
        false,
      );
    }
    expect(lateSettled.every((answer) => answer.type === 'none')).toBe(true);

    // Every answered call has exactly one record, with its agent, session and decision; the
    // quick, refused and slow ones were all answered (the slow ones inside the grace).
    let answered = 0;
    for (const [at, call] of calls.entries()) {
      const answer = settled[at] as Answer;
      const mine = byKey.get(keyOf(call.tool, call.args)) ?? [];
      expect(mine.length, `records of call ${call.index}`).toBeLessThanOrEqual(1);
      if (call.speed !== 'stuck') {
        expect(answer.type, `call ${call.index} (${call.speed}): ${JSON.stringify(answer)}`).toBe(
          'result',
        );
      }
      if (answer.type === 'none') continue;
      answered += 1;
      expect(mine, `the record of answered call ${call.index} (${call.speed})`).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        agent: call.session.agent,
        transport: call.session.transport,
        session: call.session.sessionId,
        decision: call.speed === 'refused' ? 'deny' : 'allow',
      });
      if (call.speed === 'refused') {
        expect(answer).toMatchObject({
          isError: true,
          text: expect.stringMatching(/^Refused by hubgate policy/),
        });
      } else if (call.speed === 'stuck') {
        // Past the grace its Hub request was ended: it answers with the error, recorded as one.
        expect(answer).toMatchObject({
          isError: true,
          text: expect.stringMatching(/^(?:Could not reach Docker Hub|Docker Hub did not answer)/),
        });
        expect(mine[0]).toMatchObject({ outcome: 'error' });
      } else {
        expect(answer).toMatchObject({ isError: false, json: { name: call.args.tag } });
        expect(mine[0]).toMatchObject({ outcome: 'ok', hub_status: 200 });
      }
    }
    // The slow calls were in flight at SIGTERM, and were answered after it.
    for (const call of calls.filter((call) => call.speed === 'slow')) {
      expect(answeredAt.get(call.index)).toBeGreaterThan(killedAt);
    }
    expect(answered).toBeGreaterThanOrEqual(calls.filter((call) => call.speed !== 'stuck').length);
    // The stuck calls were cut off at the end of the grace, not waited for: each answered with
    // the error of its ended Hub request (checked above), none with a Hub answer.
    expect(
      settled.filter(
        (answer, at) =>
          calls[at]?.speed === 'stuck' && answer.type === 'result' && answer.isError === false,
      ),
    ).toEqual([]);
    expect(running.stderr()).toContain('"hubgate http stopped"');
  }, 20_000);
});
