/**
 * Out-of-band approval (issue 15), for agents that run unattended (`approve_via: operator`): the
 * agent's call is refused with an approval id and nothing sent; an operator lists it and decides
 * it through `/approvals` (what `hubgate approvals` and `hubgate approve` call), with an
 * operator's key, never an agent's; the agent's next identical call takes the decision, once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decideApproval, listApprovals } from '../../src/commands/approve.js';
import { newAgentKey } from '../../src/commands/key.js';
import { authorization, callTool, type ServiceHarness, startService } from './helpers.js';

const operator = newAgentKey();
let h: ServiceHarness;
beforeAll(async () => {
  h = await startService({
    agents: {
      nightly: {
        credential: 'alice',
        grants: ['repo:library/*=read'],
        approve: 'always',
        approveVia: 'operator',
      },
    },
    moreConfig: () => `approvals: { operators: [{ name: oncall, key: "${operator.hash}" }] }\n`,
  });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.audit.length = 0;
  h.hub.clearRequests();
});

const env = () => ({ HUBGATE_OPERATOR_KEY: operator.key });

async function nightlyCalls(tag: string) {
  const { client, close } = await h.connectHttp(h.keys.nightly);
  try {
    return await callTool(client, 'get_tag', { namespace: 'library', repository: 'nginx', tag });
  } finally {
    await close();
  }
}

const idIn = (text: string) => /approval ([A-Za-z0-9]+)\. An operator/.exec(text)?.[1];

describe('out-of-band approval by an operator', () => {
  it('refuses with an id, lets the operator approve it, then sends the identical call once', async () => {
    const first = await nightlyCalls('1.3');
    expect(first.isError).toBe(true);
    expect(first.text).toMatch(
      /waits for an operator as approval \w+\. An operator approves it with `hubgate approve \w+`/,
    );
    const id = idIn(first.text) as string;
    // Asking again finds the same approval, not a second one.
    expect(idIn((await nightlyCalls('1.3')).text)).toBe(id);
    expect(h.hub.apiRequests()).toEqual([]);

    const listed = await listApprovals(h.url, env());
    expect(listed).toContain(`${id}  pending`);
    expect(listed).toContain('agent nightly asks to call get_tag on repo:library/nginx');
    expect(listed).toContain('"tag":"1.3"');

    expect(await decideApproval(h.url, env(), id, true)).toMatch(`Approved ${id}: get_tag`);
    // Another call (other arguments) does not take it.
    expect((await nightlyCalls('1.4')).isError).toBe(true);
    const approved = await nightlyCalls('1.3');
    expect(approved.isError, approved.text).toBe(false);
    expect(h.hub.apiRequests().map((request) => request.path)).toEqual([
      '/v2/namespaces/library/repositories/nginx/tags/1.3',
    ]);
    // One decision, one call: the next is asked again, under a new id.
    const next = await nightlyCalls('1.3');
    expect(next.isError).toBe(true);
    expect(idIn(next.text)).not.toBe(id);

    const decisions = h.audit.map((record) => record.approval);
    expect(decisions[0]).toMatchObject({ decision: 'pending', via: 'operator', id });
    expect(decisions[3]).toMatchObject({ decision: 'accept', via: 'operator', id, by: 'oncall' });
    expect(h.audit[3]).toMatchObject({ decision: 'allow', outcome: 'ok' });
  });

  it('refuses the call an operator denies, and a second decision on it', async () => {
    const id = idIn((await nightlyCalls('1.5')).text) as string;
    expect(await decideApproval(h.url, env(), id, false)).toMatch(`Denied ${id}`);
    await expect(decideApproval(h.url, env(), id, true)).rejects.toThrow(
      /409: approval \w+ is already decided/,
    );
    const refused = await nightlyCalls('1.5');
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(`an operator declined it (approval ${id})`);
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit.at(-1)).toMatchObject({ approval: { decision: 'decline', by: 'oncall' } });
  });

  it("opens only to an operator's key, and says what is wrong with a bad request", async () => {
    const endpoint = `${h.url}/approvals`;
    expect((await fetch(endpoint)).status).toBe(401);
    // An agent's key is not an operator's: no agent approves its own calls.
    expect((await fetch(endpoint, { headers: authorization(h.keys.nightly) })).status).toBe(401);
    await expect(listApprovals(h.url, {})).rejects.toThrow(/HUBGATE_OPERATOR_KEY is not set/);
    const post = (body: unknown) =>
      fetch(endpoint, {
        method: 'POST',
        headers: { ...authorization(operator.key), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const badDecision = await post({ id: 'abc', decision: 'yes' });
    expect(badDecision.status).toBe(400);
    expect(await badDecision.json()).toEqual({ error: 'decision: must be "approve" or "deny"' });
    expect((await post({ id: '../x', decision: 'approve' })).status).toBe(400);
    const unknown = await post({ id: 'nosuchid', decision: 'approve' });
    expect(unknown.status).toBe(404);
    // Over the 4 KB cap: 413, and the connection with the unread rest is closed.
    const oversized = await post({ id: 'abc', decision: 'approve', pad: 'x'.repeat(8_192) });
    expect(oversized.status).toBe(413);
    expect(oversized.headers.get('connection')).toBe('close');
    expect(await oversized.json()).toEqual({ error: 'the request body is over 4096 bytes' });
    await expect(decideApproval(h.url, env(), 'nosuchid', true)).rejects.toThrow(
      /404: no approval nosuchid is waiting/,
    );
  });
});
