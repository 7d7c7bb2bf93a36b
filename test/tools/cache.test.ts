/** The read cache seen through tools: on for most reads, off where freshness matters. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
