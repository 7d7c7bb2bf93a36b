/**
 * Member administration against the fake Hub: what removing a member really changes, what the
 * Hub's owner-only rules look like to an agent, and the CSV export as text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../fake-hub/index.js';
import { ADMIN_AGENT, ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const CAROL_ADMIN = { username: 'carol', secret: SEED.pats.carolAdmin };

let h: Harness;
afterEach(() => h.close());

function groupsOf(harness: Harness, username: string): string[] {
  const acme = harness.hub.state.orgs.get('acme');
  return (acme?.groups ?? []).filter((g) => g.members.includes(username)).map((g) => g.name);
}

describe('as alice, an owner of acme', () => {
  beforeEach(async () => {
    h = await startHarness({ agent: ADMIN_AGENT, credential: ALICE_ADMIN });
  });

  it('removes carol: she leaves the member list and every team of the org', async () => {
    expect(groupsOf(h, 'carol')).toEqual(['ops']);

    const removed = await h.call('remove_org_member', { org: 'acme', username: 'carol' });
    expect(removed).toMatchObject({
      isError: false,
      json: { removed: { org: 'acme', username: 'carol' } },
    });

    const list = await h.call('list_org_members', { org: 'acme' });
    expect(list.isError).toBe(false);
    expect(list.json).toMatchObject({ count: 1, has_more: false });
    expect(list.json.items.map((m: { username: string }) => m.username)).toEqual(['alice']);
    const search = await h.call('list_org_members', { org: 'acme', search: 'carol' });
    expect(search.json).toMatchObject({ count: 0, items: [] });

    expect(groupsOf(h, 'carol')).toEqual([]);
    expect(groupsOf(h, 'alice')).toEqual(['developers']);

    const logged = await h.call('list_audit_logs', { org: 'acme', action: 'org.member.removed' });
    expect(logged.json.items).toEqual([
      expect.objectContaining({ action: 'org.member.removed', name: 'carol', actor: 'alice' }),
    ]);
  });

  it('repeating a removal gets the Hub\'s 404, not a second "removed"', async () => {
    await h.call('remove_org_member', { org: 'acme', username: 'carol' });
    const again = await h.call('remove_org_member', { org: 'acme', username: 'carol' });
    expect(again.isError).toBe(true);
    expect(again.text).toContain('Docker Hub answered 404 to DELETE /v2/orgs/acme/members/carol');
  });

  it('changes a role, and the member list shows it in the lowercase the tool takes', async () => {
    const updated = await h.call('update_org_member_role', {
      org: 'acme',
      username: 'carol',
      role: 'editor',
    });
    expect(updated.json).toMatchObject({ username: 'carol', role: 'editor' });
    expect(h.hub.state.orgs.get('acme')?.members.get('carol')).toBe('editor');

    const editors = await h.call('list_org_members', { org: 'acme', role: 'editor' });
    expect(h.hub.apiRequests().at(-1)?.query).toEqual({
      role: 'editor',
      page: '1',
      page_size: '10',
    });
    expect(editors.json.items).toEqual([expect.objectContaining({ username: 'carol' })]);
  });

  it('passes on the Hub refusing to demote the last owner', async () => {
    const result = await h.call('update_org_member_role', {
      org: 'acme',
      username: 'alice',
      role: 'member',
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('Docker Hub answered 403 to PUT /v2/orgs/acme/members/alice');
    expect(result.text).toContain('The last owner of the organization cannot be demoted.');
    expect(h.hub.state.orgs.get('acme')?.members.get('alice')).toBe('owner');
  });

  it('lists only pending invites with type "invitee", with the ids cancel_invite takes', async () => {
    const result = await h.call('list_org_members', { org: 'acme', type: 'invitee' });
    expect(result.json.items).toEqual([
      {
        email: 'erin@example.com',
        role: 'invitee',
        groups: ['developers'],
        invite_id: SEED.orgs.acme.invites.erin,
      },
      {
        email: 'frank@example.com',
        role: 'invitee',
        groups: [],
        invite_id: SEED.orgs.acme.invites.frank,
      },
    ]);
  });

  it('exports the members as CSV text, one line each', async () => {
    const result = await h.call('export_org_members', { org: 'acme' });
    expect(result.isError).toBe(false);
    const lines = result.text.trimEnd().split('\n');
    expect(lines[0]).toBe('Name,Username,Email,Type,Role,Teams,Date Joined');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^Alice Liddell,alice,alice@example\.com,User,Owner,developers,\d{4}-/),
      expect.stringMatching(/^Carol Danvers,carol,carol@example\.com,User,Member,ops,\d{4}-/),
    ]);
  });
});

describe('as carol, a plain member of acme', () => {
  beforeEach(async () => {
    // The policy allows it: the refusal must come from the Hub, and be readable.
    h = await startHarness({ agent: ADMIN_AGENT, credential: CAROL_ADMIN });
  });

  it('gets a clear 403 when she tries to change a role, and nothing changes', async () => {
    const result = await h.call('update_org_member_role', {
      org: 'acme',
      username: 'carol',
      role: 'owner',
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^Docker Hub answered 403 to PUT \/v2\/orgs\/acme\/members\/carol \(the credential's scope or the account's role does not allow this\): Only owners of the organization can perform this action\./,
    );
    expect(h.hub.state.orgs.get('acme')?.members.get('carol')).toBe('member');
    expect(h.audit.at(-1)).toMatchObject({
      tool: 'update_org_member_role',
      decision: 'allow',
      outcome: 'error',
      hub_status: 403,
    });
  });

  it('cannot remove a member either', async () => {
    const result = await h.call('remove_org_member', { org: 'acme', username: 'alice' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('Only owners of the organization can perform this action.');
    expect(h.hub.state.orgs.get('acme')?.members.has('alice')).toBe(true);
  });
});

describe('without a credential', () => {
  beforeEach(async () => {
    h = await startHarness({ agent: ADMIN_AGENT });
  });

  it('refuses member tools before sending anything', async () => {
    const result = await h.call('list_org_members', { org: 'acme' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('list_org_members needs a Docker Hub credential');
    expect(h.hub.requests).toEqual([]);
  });
});
