/** all_pages: following the Hub's next links, the max_items cap, and links that lead elsewhere. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addRepo, addTag } from '../fake-hub/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const PATH = '/v2/namespaces/acme/repositories/many/tags';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const repo = addRepo(h.hub.state, { namespace: 'acme', name: 'many' });
  for (let i = 0; i < 250; i += 1) {
    addTag(h.hub.state, repo, {
      name: `t${i}`,
      pushedAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    });
  }
});
afterAll(() => h.close());
beforeEach(() => {
  h.hub.clearRequests();
  h.hub.clearFaults();
});

describe('all_pages', () => {
  it('follows next links, 100 items a page, until the list ends', async () => {
    const result = await h.call('list_tags', {
      namespace: 'acme',
      repository: 'many',
      all_pages: true,
    });
    expect(h.hub.apiRequests().map((r) => [r.path, r.query])).toEqual([
      [PATH, { page: '1', page_size: '100' }],
      [PATH, { page: '2', page_size: '100' }],
      [PATH, { page: '3', page_size: '100' }],
    ]);
    expect(result.json.items).toHaveLength(250);
    expect(result.json).toMatchObject({ count: 250, has_more: false, pages_fetched: 3 });
    expect(result.json).not.toHaveProperty('page');
    expect(new Set(result.json.items.map((t: { name: string }) => t.name)).size).toBe(250);
  });

  it('stops at max_items and says there is more', async () => {
    const result = await h.call('list_tags', {
      namespace: 'acme',
      repository: 'many',
      all_pages: true,
      max_items: 120,
    });
    expect(h.hub.apiRequests()).toHaveLength(2);
    expect(result.json.items).toHaveLength(120);
    expect(result.json).toMatchObject({ count: 250, has_more: true, pages_fetched: 2 });
  });

  it('is a single page without all_pages', async () => {
    const result = await h.call('list_tags', {
      namespace: 'acme',
      repository: 'many',
      max_items: 5,
    });
    expect(h.hub.apiRequests()).toHaveLength(1);
    expect(result.json.items).toHaveLength(10);
  });

  it.each([
    ['another origin', () => `https://evil.example${PATH}?page=2&page_size=100`],
    ['another path', (url: string) => `${url}/v2/namespaces/acme/repositories/app/tags?page=2`],
    ['a path that only starts the same', (url: string) => `${url}${PATH}/../../app/tags?page=2`],
    ['no URL at all', () => 'not a url'],
  ])('refuses a next link to %s, and stops', async (_what, link) => {
    h.hub.inject({
      method: 'GET',
      path: PATH,
      status: 200,
      body: { count: 300, next: link(h.hub.url), previous: null, results: [{ name: 'x' }] },
    });
    const result = await h.call('list_tags', {
      namespace: 'acme',
      repository: 'many',
      all_pages: true,
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/next link (leaves|is not a URL)/);
    expect(h.hub.apiRequests()).toHaveLength(1);
  });

  it('validates max_items', async () => {
    const result = await h.call('list_tags', {
      namespace: 'acme',
      repository: 'many',
      all_pages: true,
      max_items: 0,
    });
    expect(result.text).toContain('max_items: must be between 1 and 10000');
    expect(h.hub.requests).toEqual([]);
  });
});
