/** The read cache seen through tools: on for most reads, off where freshness matters. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubClients } from '../../src/hub/clients.js';
import { HubConnection } from '../../src/hub/connection.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    credential: ALICE_ADMIN,
    cacheTtlMs: 10_000,
    agent: {
      name: 'cached',
      grants: [
        { resource: 'repo:*/*', access: 'admin' },
        { resource: 'account', access: 'admin' },
        { resource: 'org:acme', access: 'admin' },
      ],
    },
  });
});
afterAll(() => h.close());
beforeEach(() => h.hub.clearRequests());

const hits = (path: string) => h.hub.apiRequests().filter((r) => r.path === path).length;

describe('the read cache through tools', () => {
  it('serves a repeated read from the cache', async () => {
    const args = { namespace: 'library', repository: 'nginx', tag: 'latest' };
    const first = await h.call('get_tag', args);
    const second = await h.call('get_tag', args);
    expect(second.text).toBe(first.text);
    expect(hits('/v2/namespaces/library/repositories/nginx/tags/latest')).toBe(1);
    expect(h.audit.slice(-2).map((r) => r.outcome)).toEqual(['ok', 'ok']);
  });

  it.each([
    ['list_personal_access_tokens', {}, '/v2/access-tokens'],
    ['list_audit_logs', { org: 'acme' }, '/v2/auditlogs/acme'],
    ['list_org_members', { org: 'acme' }, '/v2/orgs/acme/members'],
    ['list_org_invites', { org: 'acme' }, '/v2/orgs/acme/invites'],
  ])('always asks the Hub for %s', async (tool, args, path) => {
    await h.call(tool, args);
    await h.call(tool, args);
    expect(hits(path)).toBe(2);
  });

  it('a write through a tool clears what was cached', async () => {
    const repo = { namespace: 'acme', repository: 'web' };
    await h.call('get_repository', repo);
    await h.call('update_repository', { ...repo, description: 'fresh words' });
    const after = await h.call('get_repository', repo);
    expect(after.json.description).toBe('fresh words');
    expect(hits('/v2/namespaces/acme/repositories/web')).toBe(3);
  });
});

describe("the read cache's byte bound through tools", () => {
  const BOUND = 1024 * 1024;
  const TAGS = '/v2/namespaces/library/repositories/nginx/tags';
  let hub: FakeHub;
  let connection: HubConnection;
  let bounded: Harness;
  beforeAll(async () => {
    hub = await startFakeHub();
    connection = new HubConnection({
      baseUrl: hub.url,
      timeoutMs: 5_000,
      userAgent: 'hubgate-test',
    });
    bounded = await startHarness({
      hub,
      clients: new HubClients(connection, { cacheTtlMs: 60_000, cacheMaxBytes: BOUND }),
      credential: ALICE_ADMIN,
      agent: { name: 'cached', grants: [{ resource: 'repo:*/*', access: 'read' }] },
    });
  });
  afterAll(async () => {
    await bounded.close();
    await connection.close();
    await hub.close();
  });

  const tagHits = (tag: string) =>
    hub.apiRequests().filter((r) => r.path === `${TAGS}/${tag}`).length;
  const getTag = async (tag: string) => {
    const result = await bounded.call('get_tag', {
      namespace: 'library',
      repository: 'nginx',
      tag,
    });
    expect(result.isError, result.text).toBe(false);
  };

  it('two big answers over the bound: the older is asked of the Hub again, the newer is not', async () => {
    // 600 KB each: one fits, two do not. One is sent chunked, so that it is weighed by its JSON
    // text rather than its Content-Length; each way of weighing must see it as big.
    hub.inject({ path: `${TAGS}/latest`, bodyBytes: 600_000, times: 10 });
    hub.inject({ path: `${TAGS}/alpine`, bodyBytes: 600_000, chunked: true, times: 10 });
    await getTag('latest');
    await getTag('latest');
    expect(tagHits('latest')).toBe(1);
    await getTag('alpine');
    await getTag('alpine');
    expect(tagHits('alpine')).toBe(1);
    await getTag('latest');
    expect(tagHits('latest')).toBe(2);
  });

  it('an answer larger than the whole bound is not cached, and does not push the others out', async () => {
    hub.clearFaults();
    hub.clearRequests();
    await getTag('1.27');
    hub.inject({ path: `${TAGS}/1.0`, bodyBytes: BOUND + 1, times: 10 });
    await getTag('1.0');
    await getTag('1.0');
    await getTag('1.27');
    expect([tagHits('1.0'), tagHits('1.27')]).toEqual([2, 1]);
  });
});
