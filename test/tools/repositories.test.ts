import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_AGENT, ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ agent: ADMIN_AGENT, credential: ALICE_ADMIN });
});
afterAll(() => h.close());
beforeEach(() => h.hub.clearRequests());

function sent() {
  return h.hub
    .apiRequests()
    .map(({ method, path, query, body }) => ({ method, path, query, body }));
}

describe('list_repositories', () => {
  it('sends page, page_size and filters, and shapes the page', async () => {
    const result = await h.call('list_repositories', {
      namespace: 'acme',
      page: 2,
      page_size: 5,
      ordering: '-name',
    });
    expect(sent()).toEqual([
      {
        method: 'GET',
        path: '/v2/namespaces/acme/repositories',
        query: { page: '2', page_size: '5', ordering: '-name' },
        body: undefined,
      },
    ]);
    expect(result.isError).toBe(false);
    expect(result.json).toMatchObject({ count: 15, page: 2, page_size: 5, has_more: true });
    expect(result.json.items).toHaveLength(5);
    expect(Object.keys(result.json.items[0]).sort()).toEqual(
      expect.arrayContaining(['name', 'namespace', 'is_private', 'pull_count', 'last_updated']),
    );
    expect(result.json.items[0]).not.toHaveProperty('full_description');
    expect(result.text).not.toMatch(/\n/);
  });

  it('defaults to page 1 of 10 and says when there is no more', async () => {
    const result = await h.call('list_repositories', { namespace: 'alice' });
    expect(sent()[0]?.query).toEqual({ page: '1', page_size: '10' });
    expect(result.json).toEqual({
      items: [expect.objectContaining({ namespace: 'alice', name: 'tools', is_private: true })],
      count: 1,
      page: 1,
      page_size: 10,
      has_more: false,
    });
  });

  it("leaves out repositories outside the agent's grants", async () => {
    const narrow = await startHarness({
      hub: h.hub,
      credential: ALICE_ADMIN,
      agent: { name: 'svc-reader', grants: [{ resource: 'repo:acme/svc-*', access: 'read' }] },
    });
    try {
      const result = await narrow.call('list_repositories', { namespace: 'acme', page_size: 100 });
      const names = result.json.items.map((item: { name: string }) => item.name);
      expect(names).toHaveLength(12);
      expect(names.every((name: string) => name.startsWith('svc-'))).toBe(true);
      // Counted among what the agent may see; nothing says how many others there are.
      expect(result.json.count).toBe(12);
      expect(result.json).not.toHaveProperty('hidden_by_policy');
      const full = await narrow.call('list_repositories', {
        namespace: 'acme',
        page_size: 100,
        detail: 'full',
      });
      expect(full.json.results.map((r: { name: string }) => r.name)).not.toContain('app');
      // A namespace with nothing grantable is refused outright, with nothing sent.
      h.hub.clearRequests();
      const refused = await narrow.call('list_repositories', { namespace: 'library' });
      expect(refused.isError).toBe(true);
      expect(refused.text).toContain('no grant for read on repo:library/*');
      expect(h.hub.apiRequests()).toEqual([]);
    } finally {
      await narrow.close();
    }
  });
});

describe('get_repository and check_repository', () => {
  it('gets a compact repository, or the Hub object in full', async () => {
    const compact = await h.call('get_repository', { namespace: 'acme', repository: 'app' });
    expect(sent()).toEqual([
      { method: 'GET', path: '/v2/namespaces/acme/repositories/app', query: {}, body: undefined },
    ]);
    expect(compact.json).toMatchObject({ namespace: 'acme', name: 'app', is_private: true });
    expect(compact.json).not.toHaveProperty('permissions');
    const full = await h.call('get_repository', {
      namespace: 'acme',
      repository: 'app',
      detail: 'full',
    });
    expect(full.json).toHaveProperty('permissions');
    expect(full.json).toHaveProperty('full_description');
  });

  it('answers exists true and false with HEAD', async () => {
    expect(
      (await h.call('check_repository', { namespace: 'acme', repository: 'app' })).json,
    ).toEqual({
      exists: true,
    });
    const absent = await h.call('check_repository', { namespace: 'acme', repository: 'nope' });
    expect(absent).toMatchObject({ isError: false, json: { exists: false } });
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /v2/namespaces/acme/repositories/app',
      'HEAD /v2/namespaces/acme/repositories/nope',
    ]);
  });
});

describe('writes', () => {
  it('create_repository posts the body and the repository then exists', async () => {
    const result = await h.call('create_repository', {
      namespace: 'acme',
      name: 'new-api',
      description: 'The new API',
    });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/v2/namespaces/acme/repositories',
        query: {},
        body: { name: 'new-api', namespace: 'acme', description: 'The new API', is_private: false },
      },
    ]);
    expect(result.json).toMatchObject({
      namespace: 'acme',
      name: 'new-api',
      description: 'The new API',
    });
    expect(
      (await h.call('check_repository', { namespace: 'acme', repository: 'new-api' })).json,
    ).toEqual({
      exists: true,
    });
  });

  it('update_repository patches only the fields given, and needs one', async () => {
    const result = await h.call('update_repository', {
      namespace: 'acme',
      repository: 'web',
      full_description: '# Web',
    });
    expect(sent()).toEqual([
      {
        method: 'PATCH',
        path: '/v2/namespaces/acme/repositories/web',
        query: {},
        body: { full_description: '# Web' },
      },
    ]);
    expect(result.isError).toBe(false);
    h.hub.clearRequests();
    const empty = await h.call('update_repository', { namespace: 'acme', repository: 'web' });
    expect(empty.isError).toBe(true);
    expect(empty.text).toContain('description: give description, full_description or both');
    expect(sent()).toEqual([]);
  });

  it('update_immutable_tags and verify_immutable_tags send their bodies', async () => {
    const verify = await h.call('verify_immutable_tags', {
      namespace: 'acme',
      repository: 'app',
      regex: 'latest',
    });
    expect(verify.json).toEqual({ tags: ['latest'] });
    const update = await h.call('update_immutable_tags', {
      namespace: 'acme',
      repository: 'app',
      immutable_tags: true,
      immutable_tags_rules: ['latest'],
    });
    expect(update.json).toMatchObject({ name: 'app', immutable_tags: ['latest'] });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/v2/namespaces/acme/repositories/app/immutabletags/verify',
        query: {},
        body: { regex: 'latest' },
      },
      {
        method: 'PATCH',
        path: '/v2/namespaces/acme/repositories/app/immutabletags',
        query: {},
        body: { immutable_tags: true, immutable_tags_rules: ['latest'] },
      },
    ]);
  });

  it('assign_repository_group posts the group and permission', async () => {
    const result = await h.call('assign_repository_group', {
      namespace: 'acme',
      repository: 'app',
      group_id: 101,
      permission: 'write',
    });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/v2/repositories/acme/app/groups',
        query: {},
        body: { group_id: 101, permission: 'write' },
      },
    ]);
    expect(result.json).toEqual({ group_name: 'developers', permission: 'write', group_id: 101 });
  });
});
