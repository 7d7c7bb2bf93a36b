/**
 * How a 2025-era Streamable HTTP session's calls are answered. An answer is an SSE stream only
 * when hubgate may need to ask the client something before it (an approval, by elicitation); a
 * client that declared no elicitation capability gets each answer as one JSON body.
 *
 * And the call lane (src/http/call-lane.ts): a session whose answers are JSON has its
 * tools/call POSTs answered without the SDK's transport. Its answers must be the SDK's, message
 * for message; what the SDK would refuse must still be the SDK's to refuse; and a call in the
 * lane must end when the client cancels it or ends the session, as a call in the SDK does. (The
 * SDK then leaves the POST unanswered; the lane answers it with the call's error.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withoutTxnid } from '../helpers/harness.js';
import {
  authorization,
  initializeBody,
  messagesOf,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startService,
} from './helpers.js';

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const VERSION = '2025-06-18';

interface RawSession {
  sessionId: string;
  key: string | undefined;
  /** POSTs `body` with the session's headers, `headers` over them. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** The one JSON-RPC message answering `body`. */
  ask(body: unknown): Promise<unknown>;
  end(): Promise<Response>;
}

/** A raw session for `agent`; `asking`: its client declares elicitation (its answers are SSE). */
async function open(service: ServiceHarness, agent: string, asking: boolean): Promise<RawSession> {
  const key = service.keys[agent];
  const opening = initializeBody();
  const capabilities = asking ? { elicitation: {} } : {};
  const initialize = await fetch(`${service.url}/mcp`, {
    method: 'POST',
    headers: { ...PROTOCOL_HEADERS, ...authorization(key) },
    body: JSON.stringify({ ...opening, params: { ...opening.params, capabilities } }),
  });
  await initialize.text();
  const sessionId = initialize.headers.get('mcp-session-id') as string;
  const headers = {
    ...PROTOCOL_HEADERS,
    ...authorization(key),
    'mcp-session-id': sessionId,
    'mcp-protocol-version': VERSION,
  };
  const post = (body: unknown, more: Record<string, string> = {}) =>
    fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, ...more },
      body: JSON.stringify(body),
    });
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  return {
    sessionId,
    key,
    post,
    async ask(body) {
      const response = await post(body);
      expect(response.status).toBe(200);
      const messages = await messagesOf(response);
      expect(messages).toHaveLength(1);
      return messages[0];
    },
    end: () => fetch(`${service.url}/mcp`, { method: 'DELETE', headers }),
  };
}

const call = (id: number | string, name: unknown, args?: unknown) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, ...(args === undefined ? {} : { arguments: args }) },
});

const nginx = (tag: string) => ({ namespace: 'library', repository: 'nginx', tag });

describe('answers to calls in a 2025-era HTTP session', () => {
  const AGENTS = {
    reader: { credential: 'alice' as const, grants: ['repo:*/*=read'] },
    // A grant marked approve: (for admin calls only): its session's calls may have to ask.
    careful: {
      credential: 'alice' as const,
      grants: ['repo:*/*=read'],
      approve: '{ access: admin }',
    },
  };

  it('are one JSON body for a client that cannot be asked, an SSE stream where it may be', async () => {
    h = await startService({ agents: AGENTS });
    const plain = await open(h, 'reader', false);
    const asking = await open(h, 'careful', true);

    const inJson = await plain.post(call(7, 'get_tag', nginx('latest')));
    expect(inJson.status).toBe(200);
    expect(inJson.headers.get('content-type')).toMatch(/^application\/json/);
    const [jsonAnswer] = await messagesOf(inJson);

    const inSse = await asking.post(call(7, 'get_tag', nginx('latest')));
    expect(inSse.status).toBe(200);
    expect(inSse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const [sseAnswer] = await messagesOf(inSse);

    // The same answer either way: the call went to the Hub and came back whole.
    expect(jsonAnswer).toEqual(sseAnswer);
    expect(jsonAnswer).toMatchObject({ jsonrpc: '2.0', id: 7 });
    expect((jsonAnswer as { result: { isError?: boolean } }).result.isError).not.toBe(true);
    const text = (jsonAnswer as { result: { content: { text: string }[] } }).result.content[0];
    expect(JSON.parse(text?.text ?? '')).toMatchObject({ name: 'latest' });
    expect(h.audit.filter((record) => record.tool === 'get_tag')).toHaveLength(2);
  });

  it('answers a batch in JSON as an array of every answer, each to its id', async () => {
    h = await startService({ agents: AGENTS });
    const plain = await open(h, 'reader', false);
    const batch = await plain.post([
      call(1, 'get_tag', nginx('latest')),
      call(2, 'get_tag', nginx('no-such-tag')),
    ]);
    expect(batch.headers.get('content-type')).toMatch(/^application\/json/);
    const answers = (await batch.json()) as { id: number; result: { isError?: boolean } }[];
    expect(answers.map((answer) => [answer.id, answer.result.isError === true]).sort()).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('answers in JSON, in the lane, a client that can be asked while its agent has nothing to ask', async () => {
    h = await startService({ agents: AGENTS });
    const service = h;
    const asking = await open(service, 'reader', true);
    const before = await asking.post(call(1, 'get_tag', nginx('latest')));
    expect(before.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await messagesOf(before)).toMatchObject([{ id: 1, result: { content: [{}] } }]);

    // A reload marks the agent's grants approve: (for admin calls): its next call may have to
    // ask, so it goes to the SDK and its stream again.
    const { config } = service.store;
    const reader = config.agents.get('reader');
    if (!reader) throw new Error('no reader');
    const approving = {
      ...reader,
      grants: reader.grants.map((grant) => ({ ...grant, approve: { access: 'admin' as const } })),
    };
    service.store.replace({
      ...config,
      agents: new Map([...config.agents, ['reader', approving]]),
    });
    const after = await asking.post(call(2, 'get_tag', nginx('latest')));
    expect(after.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await messagesOf(after)).toMatchObject([{ id: 2, result: { content: [{}] } }]);
  });

  it('keeps the standalone stream for notifications in a JSON session', async () => {
    h = await startService({ agents: AGENTS });
    const plain = await open(h, 'reader', false);
    const controller = new AbortController();
    const stream = await fetch(`${h.url}/mcp`, {
      method: 'GET',
      signal: controller.signal,
      headers: {
        accept: 'text/event-stream',
        ...authorization(plain.key),
        'mcp-session-id': plain.sessionId,
        'mcp-protocol-version': VERSION,
      },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });
});

describe('the call lane', () => {
  it('answers every kind of call with the message the SDK sends', async () => {
    h = await startService({
      agents: {
        lane: { credential: 'alice', grants: ['repo:library/*=read'] },
        // Its client can be asked and an admin call would ask it: its calls stay with the SDK.
        sdk: { credential: 'alice', grants: ['repo:library/*=read'], approve: '{ access: admin }' },
      },
    });
    const inLane = await open(h, 'lane', false);
    const inSdk = await open(h, 'sdk', true);
    const cases = [
      call(1, 'get_tag', nginx('latest')), // a result from the Hub
      call('two', 'get_tag', nginx('no-such-tag')), // the Hub's 404, an error result
      call(3, 'delete_repository', { namespace: 'library', repository: 'nginx' }), // refused
      call(4, 'get_tag', { namespace: 'library' }), // invalid arguments
      call(5, 'no_such_tool', {}), // a JSON-RPC error
      call(6, 42), // a malformed call: a JSON-RPC error
      call(7, 'get_tag', 'not an object'),
    ];
    for (const request of cases) {
      const fromLane = withoutTxnid(await inLane.ask(request));
      const fromSdk = withoutTxnid(await inSdk.ask(request));
      expect(fromLane, JSON.stringify(request)).toEqual(fromSdk);
    }
    // Each session's calls were recorded alike: the lane is not a way around the audit log.
    const recorded = (agent: string) =>
      h?.audit
        .filter((record) => record.agent === agent)
        .map(({ tool, decision, outcome, reason }) => ({ tool, decision, outcome, reason }));
    expect(recorded('lane')).toEqual(recorded('sdk'));
    expect(recorded('lane')).toHaveLength(cases.length);
  });

  it('answers a rate-limited call with the same JSON-RPC error as the SDK', async () => {
    h = await startService({
      agents: {
        lane: { credential: 'alice', grants: ['repo:library/*=read'], callsPerMinute: 1 },
        sdk: {
          credential: 'alice',
          grants: ['repo:library/*=read'],
          callsPerMinute: 1,
          approve: '{ access: admin }',
        },
      },
    });
    const inLane = await open(h, 'lane', false);
    const inSdk = await open(h, 'sdk', true);
    const refusals = [];
    for (const session of [inLane, inSdk]) {
      await session.ask(call(1, 'get_tag', nginx('latest')));
      refusals.push(await session.ask(call(2, 'get_tag', nginx('latest'))));
    }
    const [lane, sdk] = refusals as { error: { message: string } }[];
    expect(lane).toMatchObject({ jsonrpc: '2.0', id: 2, error: { code: -32029 } });
    // The agents' names differ, and so may the seconds left: the rest is the same message.
    const shape = (answer: typeof lane) =>
      JSON.stringify(answer)
        .replace(/\\"(lane|sdk)\\"/g, 'AGENT')
        .replace(/\d+ s\b/g, 'N s')
        .replace(/"retry_after_seconds":\d+/, '"retry_after_seconds":N');
    expect(shape(lane)).toEqual(shape(sdk));
  });

  it('leaves to the SDK what the SDK refuses, and nothing of it reaches the Hub', async () => {
    h = await startService({
      agents: { lane: { credential: 'alice', grants: ['repo:*/*=read'] } },
    });
    const session = await open(h, 'lane', false);
    h.hub.clearRequests();
    const request = call(1, 'get_tag', nginx('latest'));
    const refused = [
      [{ accept: 'application/json' }, 406],
      [{ 'content-type': 'text/plain' }, 415],
      [{ 'mcp-protocol-version': '1999-01-01' }, 400],
    ] as const;
    for (const [headers, status] of refused) {
      const response = await session.post(request, headers);
      expect(response.status, JSON.stringify(headers)).toBe(status);
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    }
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit).toEqual([]);

    // A message with a member JSON-RPC does not have: the SDK's schema refuses it.
    const extra = await session.post({ ...request, extra: true });
    expect(extra.status).toBe(400);
    expect(await extra.json()).toMatchObject({ error: { code: -32600 } });
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit).toEqual([]);

    // Another version the SDK supports than the session's: the SDK serves it.
    const older = await session.post(request, { 'mcp-protocol-version': '2025-03-26' });
    expect(older.status).toBe(200);
    expect(await messagesOf(older)).toMatchObject([{ id: 1, result: { content: [{}] } }]);
  });

  it('ends a call the client cancels, or whose session it ends, and still answers its POST', async () => {
    h = await startService({
      agents: { lane: { credential: 'alice', grants: ['repo:*/*=read'] } },
    });
    const service = h;
    for (const tag of ['1.20', '1.21']) {
      service.hub.inject({
        path: `/v2/namespaces/library/repositories/nginx/tags/${tag}`,
        delayMs: 5_000,
      });
    }
    const session = await open(service, 'lane', false);

    const began = Date.now();
    const cancelled = session.ask(call(1, 'get_tag', nginx('1.20')));
    await waitFor(() => service.hub.apiRequests().length === 1);
    const notice = await session.post({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 1, reason: 'the user moved on' },
    });
    expect(notice.status).toBe(202);
    const answer = (await cancelled) as { result: { isError?: boolean } };
    expect(answer.result.isError).toBe(true);
    expect(Date.now() - began).toBeLessThan(4_000);

    const ended = session.post(call(2, 'get_tag', nginx('1.21')));
    await waitFor(() => service.hub.apiRequests().length === 2);
    expect((await session.end()).status).toBe(200);
    const afterEnd = await messagesOf(await ended);
    expect(afterEnd).toMatchObject([{ id: 2, result: { isError: true } }]);
    expect(Date.now() - began).toBeLessThan(4_000);
    // Both were sent, and both records say they failed: the answers were not the Hub's.
    expect(service.audit.map((record) => record.outcome)).toEqual(['error', 'error']);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
