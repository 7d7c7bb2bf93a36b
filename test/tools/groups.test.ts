/**
 * Group (team) tools over several calls: what one call changes, the next one sees; PUT and PATCH
 * send the bodies the spec gives them; and deleting a team needs more than changing one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findGroup, SEED } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const ACME_WRITER = {
  name: 'acme-team-manager',
  grants: [{ resource: 'org:acme', access: 'write' as const }],
};

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ credential: ALICE_ADMIN, agent: ACME_WRITER });
  h.hub.clearRequests();
});
afterEach(() => h.close());

function acme() {
  const org = h.hub.state.orgs.get('acme');
  if (!org) throw new Error('acme is seeded');
  return org;
}

describe('groups', () => {
  it('lists a group once it is created', async () => {
    const created = await h.call('create_org_group', { org: 'acme', name: 'qa' });
    expect(created).toMatchObject({ isError: false, json: { name: 'qa', member_count: 0 } });
    // No description given: none is sent, and none is shown.
    expect(h.hub.apiRequests()[0]?.body).toEqual({ name: 'qa' });
    expect(created.json).not.toHaveProperty('description');

    const listed = await h.call('list_org_groups', { org: 'acme' });
    expect(listed.isError).toBe(false);
    expect(listed.json.count).toBe(3);
    expect(listed.json.items.map((g: { name: string }) => g.name)).toEqual([
      'developers',
      'ops',
      'qa',
    ]);
    expect(listed.json.items[2]).toEqual({ id: created.json.id, name: 'qa', member_count: 0 });
  });

  it('drops a member from the group list once removed', async () => {
    const added = await h.call('add_group_member', {
      org: 'acme',
      group: 'developers',
      member: 'carol',
    });
    expect(added.isError, added.text).toBe(false);
    const members = async () => {
      const result = await h.call('list_group_members', { org: 'acme', group: 'developers' });
      expect(result.isError, result.text).toBe(false);
      return result.json.items.map((m: { username: string }) => m.username);
    };
    expect(await members()).toEqual(['alice', 'carol']);

    const removed = await h.call('remove_group_member', {
      org: 'acme',
      group: 'developers',
      username: 'carol',
    });
    expect(removed).toMatchObject({
      isError: false,
      json: { removed: { org: 'acme', group: 'developers', username: 'carol' } },
    });
    expect(await members()).toEqual(['alice']);
    expect(h.hub.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/orgs/acme/groups/developers/members',
      'GET /v2/orgs/acme/groups/developers/members',
      'DELETE /v2/orgs/acme/groups/developers/members/carol',
      'GET /v2/orgs/acme/groups/developers/members',
    ]);
  });

  it('PUT sends the name it requires, PATCH only the fields given', async () => {
    const noName = await h.call('update_org_group', {
      org: 'acme',
      group: 'ops',
      description: 'x',
    });
    expect(noName.isError).toBe(true);
    expect(noName.text).toContain('name: is required');

    const put = await h.call('update_org_group', { org: 'acme', group: 'ops', name: 'ops' });
    expect(put).toMatchObject({ isError: false, json: { name: 'ops' } });

    const patch = await h.call('patch_org_group', {
      org: 'acme',
      group: 'ops',
      description: 'On call',
    });
    expect(patch).toMatchObject({ isError: false, json: { name: 'ops', description: 'On call' } });

    const renamed = await h.call('patch_org_group', {
      org: 'acme',
      group: 'ops',
      name: 'sre',
    });
    expect(renamed).toMatchObject({
      isError: false,
      json: { id: SEED.orgs.acme.groups.ops, name: 'sre', description: 'On call' },
    });

    expect(h.hub.apiRequests().map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: 'PUT', path: '/v2/orgs/acme/groups/ops', body: { name: 'ops' } },
      { method: 'PATCH', path: '/v2/orgs/acme/groups/ops', body: { description: 'On call' } },
      { method: 'PATCH', path: '/v2/orgs/acme/groups/ops', body: { name: 'sre' } },
    ]);
    expect(findGroup(acme(), 'ops')).toBeUndefined();
    expect(findGroup(acme(), 'sre')?.members).toEqual(['carol']);
  });

  it('refuses delete_org_group to an agent that may only write the org', async () => {
    const result = await h.call('delete_org_group', { org: 'acme', group: 'ops' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('has no grant for admin on org:acme');
    expect(h.hub.requests).toEqual([]);
    expect(findGroup(acme(), 'ops')).toBeDefined();
  });

  it('deletes a group for an admin agent, and reports what it deleted', async () => {
    const admin = await startHarness({
      hub: h.hub,
      credential: ALICE_ADMIN,
      agent: { name: 'acme-admin', grants: [{ resource: 'org:acme', access: 'admin' }] },
    });
    try {
      const result = await admin.call('delete_org_group', { org: 'acme', group: 'ops' });
      expect(result).toMatchObject({
        isError: false,
        json: { deleted: { org: 'acme', group: 'ops' } },
      });
      expect(findGroup(acme(), 'ops')).toBeUndefined();
    } finally {
      await admin.close();
    }
  });

  it('sends nothing without a credential', async () => {
    const anonymous = await startHarness({ hub: h.hub, agent: ACME_WRITER });
    try {
      const result = await anonymous.call('list_org_groups', { org: 'acme' });
      expect(result.isError).toBe(true);
      expect(result.text).toContain('list_org_groups needs a Docker Hub credential');
      expect(h.hub.requests).toEqual([]);
    } finally {
      await anonymous.close();
    }
  });
});
