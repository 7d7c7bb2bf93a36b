/**
 * Token tools across calls: a created token's secret is shown once and never again, by any list
 * or read, compact or full; a deleted token is gone; and the policy holds before anything is sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findOrgToken, findPat, SEED } from '../fake-hub/index.js';
import { ADMIN_AGENT, ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const ACME_OAT = SEED.oat.acme.id;

/** Every secret the fake Hub knows of, plus those created during the tests. */
const secrets: string[] = [...Object.values(SEED.pats), SEED.oat.acme.secret];

function expectNoSecret(text: string): void {
  expect(text).not.toMatch(/dckr_(pat|oat)_/);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ agent: ADMIN_AGENT, credential: ALICE_ADMIN });
});
afterAll(() => h.close());
beforeEach(() => h.hub.clearRequests());

describe('personal access tokens', () => {
  it('lists a created token without its secret, and a deleted one is gone', async () => {
    const created = await h.call('create_personal_access_token', {
      token_label: 'deploy',
      scopes: ['repo:write'],
    });
    expect(created.isError, created.text).toBe(false);
    const { uuid, token } = created.json as { uuid: string; token: string };
    expect(token).toMatch(/^dckr_pat_/);
    secrets.push(token);

    for (const detail of ['compact', 'full']) {
      const list = await h.call('list_personal_access_tokens', { detail });
      expect(list.isError, list.text).toBe(false);
      expectNoSecret(list.text);
      const items = (detail === 'full' ? list.json.results : list.json.items) as {
        uuid: string;
      }[];
      expect(items).toContainEqual(
        expect.objectContaining({ uuid, token_label: 'deploy', scopes: ['repo:write'] }),
      );
    }

    const deleted = await h.call('delete_personal_access_token', { uuid });
    expect(deleted.json).toEqual({ deleted: { uuid } });
    const alice = h.hub.state.users.get('alice');
    expect(alice && findPat(alice, uuid)).toBeUndefined();

    const gone = await h.call('get_personal_access_token', { uuid });
    expect(gone.isError).toBe(true);
    expect(gone.text).toContain(`Docker Hub answered 404 to GET /v2/access-tokens/${uuid}`);
    expect(gone.text).toContain('not found');

    const list = await h.call('list_personal_access_tokens', { all_pages: true });
    expect((list.json.items as { uuid: string }[]).map((item) => item.uuid)).not.toContain(uuid);
  });

  it('is refused without a credential, with nothing sent', async () => {
    const anonymous = await startHarness({ agent: ADMIN_AGENT, hub: h.hub });
    try {
      const result = await anonymous.call('list_personal_access_tokens');
      expect(result.isError).toBe(true);
      expect(result.text).toContain('list_personal_access_tokens needs a Docker Hub credential');
      expect(h.hub.requests).toEqual([]);
    } finally {
      await anonymous.close();
    }
  });

  it('needs admin on account to create, checked before anything is sent', async () => {
    const reader = await startHarness({
      agent: { name: 'reader', grants: [{ resource: 'account', access: 'read' }] },
      credential: ALICE_ADMIN,
      hub: h.hub,
    });
    try {
      const result = await reader.call('create_personal_access_token', {
        token_label: 'sneaky',
        scopes: ['repo:admin'],
      });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/^Refused by hubgate policy: .*admin on account/);
      expect(h.hub.requests).toEqual([]);
      expect((await reader.call('list_personal_access_tokens')).isError).toBe(false);
    } finally {
      await reader.close();
    }
  });
});

describe('organization access tokens', () => {
  it('shows a created secret once; reads never show it', async () => {
    const created = await h.call('create_org_access_token', {
      org: 'acme',
      label: 'pull-only',
      resources: [{ type: 'TYPE_REPO', path: 'acme/web', scopes: ['repo-pull'] }],
      expires_at: '2099-12-31T23:59:59Z',
    });
    expect(created.isError, created.text).toBe(false);
    const { id, token } = created.json as { id: string; token: string };
    expect(token).toMatch(/^dckr_oat_/);
    expect(findOrgToken(h.hub.state, 'acme', id)?.token).toBe(token);
    secrets.push(token);

    const got = await h.call('get_org_access_token', { org: 'acme', access_token_id: id });
    expect(got.json).toMatchObject({ id, label: 'pull-only', expires_at: '2099-12-31T23:59:59Z' });
    expectNoSecret(got.text);

    const deleted = await h.call('delete_org_access_token', { org: 'acme', access_token_id: id });
    expect(deleted.json).toEqual({ deleted: { org: 'acme', access_token_id: id } });
    const gone = await h.call('get_org_access_token', { org: 'acme', access_token_id: id });
    expect(gone.isError).toBe(true);
    expect(gone.text).toContain('Docker Hub answered 404');
  });

  it('counts from the Hub\'s "total"', async () => {
    const list = await h.call('list_org_access_tokens', { org: 'acme' });
    expect(list.json).toMatchObject({ count: 1, has_more: false });
  });
});

describe('no list or read result carries a secret', () => {
  const reads: [string, Record<string, unknown>][] = [
    ['list_personal_access_tokens', {}],
    ['list_personal_access_tokens', { all_pages: true }],
    ['get_personal_access_token', { uuid: SEED.patUuids.aliceAdmin }],
    ['list_org_access_tokens', { org: 'acme' }],
    ['list_org_access_tokens', { org: 'acme', all_pages: true }],
    ['get_org_access_token', { org: 'acme', access_token_id: ACME_OAT }],
  ];

  it.each(
    reads.flatMap(([tool, args]) =>
      ['compact', 'full'].map((detail) => [tool, { ...args, detail }] as const),
    ),
  )('%s %j', async (tool, args) => {
    const result = await h.call(tool, args);
    expect(result.isError, result.text).toBe(false);
    expectNoSecret(result.text);
    // Compact results have no token field at all, not even the Hub's empty one.
    if (args.detail === 'compact') expect(result.text).not.toContain('"token"');
  });
});

describe('descriptions', () => {
  it('say that a new secret is shown once', async () => {
    const { tools } = await h.mcp.listTools();
    for (const name of ['create_personal_access_token', 'create_org_access_token']) {
      expect(tools.find((tool) => tool.name === name)?.description).toContain('shown once');
    }
  });
});
