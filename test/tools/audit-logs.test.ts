/**
 * The audit log answers only `{logs}`: paging without a count or links, and filters by time.
 * Organization settings are one replace-only object: a change is seen by the next read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED, seedTime } from '../fake-hub/index.js';
import { ADMIN_AGENT, ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ agent: ADMIN_AGENT, credential: ALICE_ADMIN });
});
afterAll(() => h.close());
beforeEach(() => h.hub.clearRequests());

describe('list_audit_logs', () => {
  it('says a full page may have more, and a short one has none', async () => {
    const first = await h.call('list_audit_logs', { org: 'acme' });
    expect(first.json).toMatchObject({ page: 1, page_size: 25, has_more: true });
    expect(first.json.items).toHaveLength(25);

    const second = await h.call('list_audit_logs', { org: 'acme', page: 2 });
    expect(second.json).toMatchObject({ page: 2, has_more: false });
    expect(second.json.items).toHaveLength(SEED.acmeAuditEventCount - 25);
    // Oldest last: the org's creation.
    expect(second.json.items.at(-1)).toMatchObject({ action: 'org.create', name: 'acme' });
  });

  it('sends the time window and actor, and gets only those events', async () => {
    const result = await h.call('list_audit_logs', {
      org: 'acme',
      actor: 'carol',
      from: seedTime(0),
      to: seedTime(10),
    });
    expect(h.hub.apiRequests()[0]?.query).toEqual({
      actor: 'carol',
      from: seedTime(0),
      to: seedTime(10),
      page: '1',
      page_size: '25',
    });
    expect(result.json.items.map((e: { action: string }) => e.action)).toEqual([
      'repo.tag.delete',
      'repo.tag.push',
    ]);
  });

  it('refuses a time that is not a date-time, sending nothing', async () => {
    const result = await h.call('list_audit_logs', { org: 'acme', from: 'last week' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('from: must be an ISO 8601 date-time');
    expect(h.hub.requests).toEqual([]);
  });

  it('returns the Hub objects unchanged with detail "full"', async () => {
    const result = await h.call('list_audit_logs', { org: 'acme', page_size: 1, detail: 'full' });
    expect(result.json.logs).toEqual([expect.objectContaining({ account: 'acme' })]);
  });
});

describe('org settings', () => {
  it('reads back what update_org_settings set', async () => {
    const restricted_images = {
      enabled: true,
      allow_official_images: false,
      allow_verified_publishers: true,
    };
    const updated = await h.call('update_org_settings', { org: 'acme', restricted_images });
    expect(updated.json).toEqual({ restricted_images });
    const read = await h.call('get_org_settings', { org: 'acme' });
    expect(read.json).toEqual({ restricted_images });
  });
});

describe('list_audit_logs for an agent that may read only some repositories', () => {
  let narrow: Harness;
  beforeAll(async () => {
    narrow = await startHarness({
      hub: h.hub,
      credential: ALICE_ADMIN,
      agent: {
        name: 'org-reader',
        grants: [
          { resource: 'org:acme', access: 'read' },
          { resource: 'repo:acme/web', access: 'read' },
        ],
      },
    });
  });
  afterAll(() => narrow.close());

  it("redacts events about repositories outside its grants, keeping the page's length", async () => {
    const all = await h.call('list_audit_logs', { org: 'acme', page_size: 100 });
    const seen = await narrow.call('list_audit_logs', { org: 'acme', page_size: 100 });
    expect(seen.json.items).toHaveLength(all.json.items.length);
    const names = seen.json.items.map((event: { name: string }) => event.name);
    expect(names).toContain('acme/web');
    expect(names).toContain('acme');
    expect(names.filter((name: string) => /^acme\/(?!web$)/.test(name))).toEqual([]);
    const hidden = seen.json.items.find((event: { action: string; name: string }) =>
      event.name.startsWith('('),
    );
    expect(hidden).toEqual({
      timestamp: expect.any(String),
      action: expect.stringMatching(/^repo\./),
      actor: expect.any(String),
      name: "(a repository outside this agent's grants)",
    });
    expect(seen.text).not.toMatch(/acme\/app|svc-\d/);
  });

  it('refuses a filter on a repository outside its grants, with nothing sent', async () => {
    h.hub.clearRequests();
    const refused = await narrow.call('list_audit_logs', { org: 'acme', name: 'acme/app' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('no grant for read on repo:acme/app');
    expect(h.hub.apiRequests()).toEqual([]);
    // Its own repository, the org or a member: asked as usual.
    for (const name of ['acme/web', 'acme', 'carol']) {
      const allowed = await narrow.call('list_audit_logs', { org: 'acme', name });
      expect(allowed.isError, allowed.text).toBe(false);
    }
  });
});
