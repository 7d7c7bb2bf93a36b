/**
 * How a 2025-era Streamable HTTP session's calls are answered. An answer is an SSE stream only
 * when hubgate may need to ask the client something before it (an approval, by elicitation);
 * a client that declared no elicitation capability gets each answer as one JSON body, which costs
 * the service less per call. Either way the answer is the same JSON-RPC message.
 */
import { afterEach, describe, expect, it } from 'vitest';
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

const AGENTS = {
  reader: { credential: 'alice' as const, grants: ['repo:*/*=read'] },
};

const getTag = (id: number, tag: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'get_tag', arguments: { namespace: 'library', repository: 'nginx', tag } },
});

/** Opens a raw session whose initialize declares `capabilities`; returns a POST to it. */
async function openSession(service: ServiceHarness, capabilities: Record<string, unknown>) {
  const key = service.keys.reader;
  const opening = initializeBody();
  const initialize = await fetch(`${service.url}/mcp`, {
    method: 'POST',
    headers: { ...PROTOCOL_HEADERS, ...authorization(key) },
    body: JSON.stringify({ ...opening, params: { ...opening.params, capabilities } }),
  });
  expect(initialize.status).toBe(200);
  await initialize.text();
  const sessionId = initialize.headers.get('mcp-session-id') as string;
  const post = (body: unknown) =>
    fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: {
        ...PROTOCOL_HEADERS,
        ...authorization(key),
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify(body),
    });
  const initialized = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  expect(initialized.status).toBe(202);
  return { post, sessionId, key };
}

describe('answers to calls in a 2025-era HTTP session', () => {
  it('are one JSON body for a client that cannot be asked, an SSE stream for one that can', async () => {
    h = await startService({ agents: AGENTS });
    const plain = await openSession(h, {});
    const asking = await openSession(h, { elicitation: {} });

    const inJson = await plain.post(getTag(7, 'latest'));
    expect(inJson.status).toBe(200);
    expect(inJson.headers.get('content-type')).toMatch(/^application\/json/);
    const [jsonAnswer] = await messagesOf(inJson);

    const inSse = await asking.post(getTag(7, 'latest'));
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
    const plain = await openSession(h, {});
    const batch = await plain.post([getTag(1, 'latest'), getTag(2, 'no-such-tag')]);
    expect(batch.headers.get('content-type')).toMatch(/^application\/json/);
    const answers = (await batch.json()) as { id: number; result: { isError?: boolean } }[];
    expect(answers.map((answer) => [answer.id, answer.result.isError === true]).sort()).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('keeps the standalone stream for notifications in a JSON session', async () => {
    h = await startService({ agents: AGENTS });
    const plain = await openSession(h, {});
    const controller = new AbortController();
    const stream = await fetch(`${h.url}/mcp`, {
      method: 'GET',
      signal: controller.signal,
      headers: {
        accept: 'text/event-stream',
        ...authorization(plain.key),
        'mcp-session-id': plain.sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });
});
