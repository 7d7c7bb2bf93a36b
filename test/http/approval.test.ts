/**
 * Human approval for grants marked `approve:` (issue 15, the 2025-era part): before such a call
 * goes to Docker Hub, the client's user is asked through an elicitation naming the tool, the
 * resources and the arguments. Yes sends exactly that call; no, cancel, no answer in time, or a
 * client that cannot ask anyone: refused, nothing sent. The audit record says how it was decided.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REFUSING_ANSWERS } from '../helpers/approval-answers.js';
import { authorization, callTool, type ServiceHarness, startService } from './helpers.js';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startService({
    agents: {
      careful: { credential: 'alice', grants: ['repo:library/*=read'], approve: 'always' },
      admin_only: {
        credential: 'alice',
        grants: ['repo:library/*=admin'],
        approve: '{ access: admin }',
      },
    },
    // A person has a second to answer, so that the test of no answer is quick.
    moreConfig: () => 'approvals: { expires_seconds: 1 }\n',
  });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.audit.length = 0;
  h.hub.clearRequests();
});

const nginxTag = { namespace: 'library', repository: 'nginx', tag: '1.0' };

/** A 2025-era client whose user answers every approval with `answer` (or never). */
async function clientAnswering(
  key: string | undefined,
  answer: ElicitResult | 'never' | 'no elicitation',
  asked: string[] = [],
) {
  const client = new Client(
    { name: 'approver', version: '0' },
    answer === 'no elicitation' ? {} : { capabilities: { elicitation: { form: {} } } },
  );
  if (answer !== 'no elicitation') {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(String(request.params.message));
      if (answer === 'never') return new Promise<ElicitResult>(() => {});
      return answer;
    });
  }
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${h.url}/mcp`), {
      requestInit: { headers: authorization(key) },
    }),
  );
  return client;
}

describe('approval of calls a grant marks approve:', () => {
  it('asks the user, naming tool, resources and arguments; yes sends exactly that call', async () => {
    const asked: string[] = [];
    const client = await clientAnswering(
      h.keys.careful,
      { action: 'accept', content: { approve: true } },
      asked,
    );
    try {
      const result = await callTool(client, 'get_tag', nginxTag);
      expect(result.isError, result.text).toBe(false);
    } finally {
      await client.close();
    }
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('Agent "careful" asks to call get_tag on Docker Hub.');
    expect(asked[0]).toContain('Resources: repo:library/nginx');
    expect(asked[0]).toContain('"tag": "1.0"');
    expect(asked[0]).toContain('required by the grant repo:library/* (read)');
    expect(h.hub.apiRequests().map((request) => request.path)).toEqual([
      '/v2/namespaces/library/repositories/nginx/tags/1.0',
    ]);
    expect(h.audit[0]).toMatchObject({
      decision: 'allow',
      outcome: 'ok',
      approval: { decision: 'accept', via: 'elicitation' },
    });
  });

  it.each(REFUSING_ANSWERS)(
    'refuses, sending nothing, when the user %s',
    async (_what, answer, decision, message) => {
      const client = await clientAnswering(h.keys.careful, answer);
      try {
        const result = await callTool(client, 'get_tag', nginxTag);
        expect(result.isError).toBe(true);
        expect(result.text).toMatch(message);
        expect(result.text).toMatch(/Nothing was sent to Docker Hub\.$/);
      } finally {
        await client.close();
      }
      expect(h.hub.apiRequests()).toEqual([]);
      expect(h.audit[0]).toMatchObject({
        decision: 'deny',
        outcome: 'denied',
        reason: `approval ${decision} (required by repo:library/* (read))`,
        approval: { decision, via: 'elicitation' },
      });
    },
  );

  it('refuses an answer that tries to change the arguments, sending nothing', async () => {
    const client = await clientAnswering(h.keys.careful, {
      action: 'accept',
      content: { approve: true, tag: 'latest' },
    });
    try {
      const result = await callTool(client, 'get_tag', { ...nginxTag, tag: '1.3' });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/answered nothing \(cancelled\)/);
    } finally {
      await client.close();
    }
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit[0]).toMatchObject({ approval: { decision: 'cancel', via: 'elicitation' } });
  });

  it('refuses, sending nothing, when no answer comes in time (approvals.expires_seconds)', async () => {
    const asked: string[] = [];
    const client = await clientAnswering(h.keys.careful, 'never', asked);
    try {
      const result = await callTool(client, 'get_tag', { ...nginxTag, tag: '1.2' });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/and none came in time/);
    } finally {
      await client.close();
    }
    expect(asked).toHaveLength(1);
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit[0]).toMatchObject({ approval: { decision: 'timeout', via: 'elicitation' } });
  });

  it('refuses a client that cannot ask anyone, saying approval is required and how', async () => {
    const client = await clientAnswering(h.keys.careful, 'no elicitation');
    try {
      const result = await callTool(client, 'get_tag', nginxTag);
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(
        /needs a person's approval \(grant repo:library\/\* \(read\)\), and this client cannot ask one/,
      );
    } finally {
      await client.close();
    }
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit[0]).toMatchObject({ approval: { decision: 'unavailable', via: 'none' } });
  });

  it('asks only for the calls the rule names: { access: admin } lets reads through', async () => {
    const asked: string[] = [];
    const client = await clientAnswering(h.keys.admin_only, { action: 'decline' }, asked);
    try {
      // (Another tag than the tests above read: theirs is in the read cache.)
      expect((await callTool(client, 'get_tag', { ...nginxTag, tag: '1.1' })).isError).toBe(false);
      const changed = await callTool(client, 'update_immutable_tags', {
        namespace: 'library',
        repository: 'nginx',
        immutable_tags: true,
        immutable_tags_rules: ['release'],
      });
      expect(changed.isError).toBe(true);
      expect(changed.text).toMatch(/answered no/);
    } finally {
      await client.close();
    }
    expect(asked).toHaveLength(1);
    expect(h.hub.apiRequests().map((request) => request.method)).toEqual(['GET']);
  });
});
