import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_READ, startHarness } from '../helpers/harness.js';

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(() => hub.close());

describe('search_catalog', () => {
  it('turns page/page_size into from/size and shapes the results', async () => {
    const h = await startHarness({ hub });
    hub.clearRequests();
    try {
      const result = await h.call('search_catalog', {
        query: 'nginx',
        badges: ['official'],
        page: 1,
        page_size: 1,
      });
      expect(hub.apiRequests()[0]).toMatchObject({
        method: 'GET',
        path: '/api/search/v4',
        query: { query: 'nginx', badges: 'official', from: '0', size: '1' },
      });
      expect(result.json.items).toEqual([
        expect.objectContaining({ name: 'library/nginx', badge: 'official' }),
      ]);
      expect(result.json).toMatchObject({ page: 1, page_size: 1 });
    } finally {
      await h.close();
    }
  });
});

describe('account tools', () => {
  it('get_current_account reads the username from the token and fetches the user', async () => {
    const h = await startHarness({ hub, credential: ALICE_READ });
    hub.clearRequests();
    try {
      const result = await h.call('get_current_account');
      expect(hub.tokenExchanges()).toBe(1);
      expect(hub.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /v2/users/alice',
      ]);
      expect(result.json).toMatchObject({ username: 'alice', type: 'User' });
      const orgs = await h.call('list_my_orgs', { page_size: 50 });
      expect(hub.apiRequests()[1]).toMatchObject({
        path: '/v2/user/orgs',
        query: { page: '1', page_size: '50' },
      });
      expect(orgs.json.items).toEqual([expect.objectContaining({ org: 'acme', role: 'owner' })]);
    } finally {
      await h.close();
    }
  });

  it('refuses account tools without a credential, sending nothing', async () => {
    const h = await startHarness({ hub });
    hub.clearRequests();
    try {
      for (const tool of ['get_current_account', 'list_my_orgs']) {
        const result = await h.call(tool);
        expect(result.isError).toBe(true);
        expect(result.text).toContain(`${tool} needs a Docker Hub credential`);
      }
      expect(hub.requests).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
