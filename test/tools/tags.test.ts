import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

// The default agent, anonymous: public tags need nothing more.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.hub.clearRequests());

describe('tag tools', () => {
  it('list_tags pages and shapes tags compactly', async () => {
    const result = await h.call('list_tags', {
      namespace: 'library',
      repository: 'nginx',
      page: 3,
      page_size: 10,
    });
    const [request] = h.hub.apiRequests();
    expect(request).toMatchObject({
      method: 'GET',
      path: '/v2/namespaces/library/repositories/nginx/tags',
      query: { page: '3', page_size: '10' },
    });
    expect(request?.headers.authorization).toBeUndefined();
    expect(result.json).toMatchObject({ count: 25, page: 3, page_size: 10, has_more: false });
    expect(result.json.items).toHaveLength(5);
    const first = await h.call('list_tags', { namespace: 'library', repository: 'nginx' });
    expect(first.json.has_more).toBe(true);
    expect(first.json.items[0]).toMatchObject({ name: 'latest' });
  });

  it('get_tag answers name, digest, sizes, platforms, times and status only', async () => {
    const result = await h.call('get_tag', {
      namespace: 'library',
      repository: 'nginx',
      tag: 'latest',
    });
    expect(h.hub.apiRequests()[0]).toMatchObject({
      method: 'GET',
      path: '/v2/namespaces/library/repositories/nginx/tags/latest',
    });
    expect(Object.keys(result.json).sort()).toEqual(
      ['digest', 'last_pulled', 'last_pushed', 'name', 'platforms', 'size', 'status'].sort(),
    );
    expect(result.json.name).toBe('latest');
    expect(result.json.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.json.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    const full = await h.call('get_tag', {
      namespace: 'library',
      repository: 'nginx',
      tag: 'latest',
      detail: 'full',
    });
    expect(full.json.images).toHaveLength(2);
  });

  it('check_tag and check_tags answer exists for present and absent', async () => {
    const answers = await Promise.all([
      h.call('check_tag', { namespace: 'library', repository: 'nginx', tag: '1.27' }),
      h.call('check_tag', { namespace: 'library', repository: 'nginx', tag: 'nope' }),
      h.call('check_tags', { namespace: 'library', repository: 'nginx' }),
      h.call('check_tags', { namespace: 'acme', repository: 'empty' }),
    ]);
    expect(answers.map((a) => [a.isError, a.json])).toEqual([
      [false, { exists: true }],
      [false, { exists: false }],
      [false, { exists: true }],
      [false, { exists: false }],
    ]);
    expect(h.hub.apiRequests().every((r) => r.method === 'HEAD')).toBe(true);
  });

  it('a private repository refused by the Hub comes back as a clear error', async () => {
    const result = await h.call('get_tag', { namespace: 'acme', repository: 'app', tag: 'latest' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^Docker Hub answered 404 to GET \/v2\/namespaces\/acme\/repositories\/app\/tags\/latest \(not found, or not visible to this credential/,
    );
    expect(result.text).toMatch(/object not found/);
    expect(result.text).toMatch(/\[txnid [0-9a-f]+\]/);
  });
});
