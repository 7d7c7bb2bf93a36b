/**
 * Human approval over the 2026-07-28 era (issue 15): the server asks by answering. A call a
 * grant marks `approve:` gets `input_required` with the approval form and the pending call sealed
 * into `requestState`; the SDK client asks its user and retries with the answer. Yes sends exactly
 * that call; anything else (no, cancel, no capability, an expired, changed, replayed or borrowed
 * seal, other arguments) is refused with nothing sent. Each request leaves its audit record.
 */
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttp,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FormAnswer, REFUSING_ANSWERS } from '../helpers/approval-answers.js';
import { modernAnswer, modernBody, modernHeaders } from '../helpers/modern-request.js';
import { authorization, type ServiceHarness, startService } from './helpers.js';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startService({
    agents: {
      careful: { credential: 'alice', grants: ['repo:library/*=read'], approve: 'always' },
      other: { credential: 'alice', grants: ['repo:library/*=read'], approve: 'always' },
    },
    moreConfig: () =>
      'approvals: { key: "a-test-key-that-is-32-characters-long", expires_seconds: 2 }\n',
  });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.audit.length = 0;
  h.hub.clearRequests();
});

/** A 2026-07-28 SDK client whose user answers every approval with `answer`. */
async function modernClientAnswering(
  key: string | undefined,
  answer: FormAnswer | 'no elicitation',
  asked: string[] = [],
) {
  const client = new ModernClient(
    { name: 'approver-2026', version: '0' },
    {
      versionNegotiation: { mode: { pin: '2026-07-28' } },
      ...(answer === 'no elicitation' ? {} : { capabilities: { elicitation: { form: {} } } }),
    },
  );
  if (answer !== 'no elicitation') {
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(String((request.params as { message?: string }).message));
      return answer;
    });
  }
  await client.connect(
    new ModernHttp(new URL(`${h.url}/mcp`), { requestInit: { headers: authorization(key) } }),
  );
  return client;
}

async function call(client: ModernClient, args: Record<string, unknown>) {
  const result = await client.callTool({ name: 'get_tag', arguments: args });
  const text = (result.content as { text: string }[]).map((item) => item.text).join('\n');
  return { isError: result.isError === true, text };
}

let tagNumber = 0;
/** A tag no other test read (the read cache would answer without the Hub otherwise). */
const freshTag = () => ({ namespace: 'library', repository: 'nginx', tag: `1.${2 + tagNumber++}` });

/** One raw tools/call round, as a client would send it: the answer, or the question. */
async function rawCall(
  key: string,
  args: Record<string, unknown>,
  retry: { inputResponses?: unknown; requestState?: unknown } = {},
  capabilities: Record<string, unknown> = { elicitation: { form: {} } },
) {
  const response = await fetch(`${h.url}/mcp`, {
    method: 'POST',
    headers: { ...modernHeaders('tools/call', 'get_tag'), ...authorization(key) },
    body: modernBody('tools/call', { name: 'get_tag', arguments: args, ...retry }, 1, capabilities),
  });
  expect(response.status).toBe(200);
  const message = modernAnswer(await response.text()) as {
    result: {
      resultType?: string;
      isError?: boolean;
      content?: { text: string }[];
      requestState?: string;
      inputRequests?: Record<string, { method: string; params: { message: string } }>;
    };
  };
  return message.result;
}

const yes = { hubgate_approval: { action: 'accept', content: { approve: true } } };

describe('approval over 2026-07-28 (input_required)', () => {
  it('asks through the SDK client, naming tool, resources and arguments; yes sends exactly that call', async () => {
    const asked: string[] = [];
    const tag = freshTag();
    const client = await modernClientAnswering(
      h.keys.careful,
      { action: 'accept', content: { approve: true } },
      asked,
    );
    try {
      const result = await call(client, tag);
      expect(result.isError, result.text).toBe(false);
    } finally {
      await client.close();
    }
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('Agent "careful" asks to call get_tag on Docker Hub.');
    expect(asked[0]).toContain('Resources: repo:library/nginx');
    expect(asked[0]).toContain(`"tag": "${tag.tag}"`);
    expect(h.hub.apiRequests().map((request) => request.path)).toEqual([
      `/v2/namespaces/library/repositories/nginx/tags/${tag.tag}`,
    ]);
    // Two requests, two records: the question (nothing sent) and the approved call.
    expect(h.audit).toHaveLength(2);
    expect(h.audit[0]).toMatchObject({
      decision: 'deny',
      outcome: 'denied',
      approval: { decision: 'asked', via: 'input_required' },
    });
    expect(h.audit[1]).toMatchObject({
      decision: 'allow',
      outcome: 'ok',
      approval: { decision: 'accept', via: 'input_required', id: h.audit[0]?.approval?.id },
    });
  });

  it.each(REFUSING_ANSWERS)(
    'refuses, sending nothing, when the user %s',
    async (_what, answer, decision, message) => {
      const client = await modernClientAnswering(h.keys.careful, answer);
      try {
        const result = await call(client, freshTag());
        expect(result.isError).toBe(true);
        expect(result.text).toMatch(message);
        expect(result.text).toMatch(/Nothing was sent to Docker Hub\.$/);
      } finally {
        await client.close();
      }
      expect(h.hub.apiRequests()).toEqual([]);
      expect(h.audit.map((record) => record.approval?.decision)).toEqual(['asked', decision]);
      expect(h.audit[1]).toMatchObject({
        decision: 'deny',
        reason: `approval ${decision} (required by repo:library/* (read))`,
      });
    },
  );

  it('refuses a client that declares no elicitation, saying approval is required and how', async () => {
    const client = await modernClientAnswering(h.keys.careful, 'no elicitation');
    try {
      const result = await call(client, freshTag());
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/this client cannot ask one.*approve_via: operator/);
    } finally {
      await client.close();
    }
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit[0]).toMatchObject({ approval: { decision: 'unavailable', via: 'none' } });
  });

  it('seals the pending call: its arguments are not readable in requestState', async () => {
    const tag = freshTag();
    const asked = await rawCall(h.keys.careful as string, tag);
    expect(asked.resultType).toBe('input_required');
    expect(asked.inputRequests?.hubgate_approval?.method).toBe('elicitation/create');
    const state = asked.requestState as string;
    expect(state).toMatch(/^hg1\.[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(state.slice(4), 'base64url').toString('latin1');
    expect(decoded).not.toContain(tag.tag);
    expect(decoded).not.toContain('careful');
  });

  it('spends an answer once: the same yes sent again is refused, and only one call is sent', async () => {
    const tag = freshTag();
    const key = h.keys.careful as string;
    const asked = await rawCall(key, tag);
    const retry = { inputResponses: yes, requestState: asked.requestState };
    const first = await rawCall(key, tag, retry);
    expect(first.isError ?? false).toBe(false);
    const again = await rawCall(key, tag, retry);
    expect(again.isError).toBe(true);
    expect(again.content?.[0]?.text).toMatch(/this answer was already used/);
    expect(h.hub.apiRequests()).toHaveLength(1);
    expect(h.audit.at(-1)).toMatchObject({ approval: { decision: 'replayed' } });
  });

  it('refuses a yes carried to other arguments, or to another agent', async () => {
    const tag = freshTag();
    const asked = await rawCall(h.keys.careful as string, tag);
    const retry = { inputResponses: yes, requestState: asked.requestState };
    const otherArgs = await rawCall(h.keys.careful as string, { ...tag, tag: 'latest' }, retry);
    expect(otherArgs.isError).toBe(true);
    expect(otherArgs.content?.[0]?.text).toMatch(/for another call or another agent/);
    const otherAgent = await rawCall(h.keys.other as string, tag, retry);
    expect(otherAgent.isError).toBe(true);
    expect(otherAgent.content?.[0]?.text).toMatch(/for another call or another agent/);
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit.slice(1).map((record) => record.approval?.decision)).toEqual([
      'mismatch',
      'mismatch',
    ]);
  });

  it('refuses a changed seal, and asks again when a yes comes without one', async () => {
    const tag = freshTag();
    const key = h.keys.careful as string;
    const asked = await rawCall(key, tag);
    const state = asked.requestState as string;
    const flipped = `${state.slice(0, -2)}${state.at(-2) === 'A' ? 'B' : 'A'}${state.at(-1)}`;
    const changed = await rawCall(key, tag, { inputResponses: yes, requestState: flipped });
    expect(changed.isError).toBe(true);
    expect(changed.content?.[0]?.text).toMatch(/not one hubgate made/);
    const unsealed = await rawCall(key, tag, { inputResponses: yes });
    expect(unsealed.resultType).toBe('input_required');
    expect(h.hub.apiRequests()).toEqual([]);
  });

  it('refuses an answer that comes after the question expired (no answer in time)', async () => {
    const tag = freshTag();
    const key = h.keys.careful as string;
    const asked = await rawCall(key, tag);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await rawCall(key, tag, { inputResponses: yes, requestState: asked.requestState });
    expect(late.isError).toBe(true);
    expect(late.content?.[0]?.text).toMatch(/after the question expired/);
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit.at(-1)).toMatchObject({ approval: { decision: 'expired' } });
  });
});
