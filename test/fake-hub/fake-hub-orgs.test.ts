import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHub, findInvite, SEED, startFakeHub } from './index.js';
import { type TestClient, testClient } from './test-client.js';

interface Tokens {
  alice: string;
  aliceRead: string;
  bob: string;
  carol: string;
  oat: string;
}

interface Page<T = Record<string, unknown>> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

interface AuditLogs {
  logs: Array<{ action: string; name: string; actor: string; timestamp: string }>;
}

async function start(): Promise<{ hub: FakeHub; c: TestClient; t: Tokens }> {
  const hub = await startFakeHub();
  const c = testClient(hub);
  const [alice, aliceRead, bob, carol, oat] = await Promise.all([
    c.login(SEED.pats.aliceAdmin),
    c.login(SEED.pats.aliceRead),
    c.login(SEED.pats.bobAdmin, 'bob'),
    c.login(SEED.pats.carolAdmin, 'carol'),
    c.login(SEED.oat.acme.secret, SEED.oat.acme.identifier),
  ]);
  return { hub, c, t: { alice, aliceRead, bob, carol, oat } };
}

// Every describe gets a fresh fake, so state changes stay within it.
let hub: FakeHub;
let c: TestClient;
let t: Tokens;

function fresh(): void {
  beforeAll(async () => {
    ({ hub, c, t } = await start());
  });
  afterAll(async () => {
    await hub.close();
  });
}

describe('org administration access', () => {
  fresh();

  it('answers 401 anonymous, 404 to outsiders, 403 to plain members and narrow scopes', async () => {
    for (const path of [
      '/v2/orgs/acme/members',
      '/v2/orgs/acme/groups',
      '/v2/orgs/acme/invites',
      '/v2/orgs/acme/settings',
      '/v2/auditlogs/acme',
    ]) {
      expect((await c.call(path)).status, path).toBe(401);
      expect((await c.call(path, t.bob)).status, path).toBe(404);
      expect((await c.call(path, t.carol)).status, path).toBe(403);
      expect((await c.call(path, t.aliceRead)).status, path).toBe(403);
      expect((await c.call(path, t.alice)).status, path).toBe(200);
    }
    const unknown = await c.json('/v2/orgs/nope/members', t.alice);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ message: 'object not found' });
    expect((await c.call('/v2/orgs/bobcorp/members', t.bob)).status).toBe(200);
  });

  it('records requests and applies injected faults on the new routes too', async () => {
    hub.clearRequests();
    hub.inject({ method: 'GET', path: '/v2/orgs/acme/groups', status: 503 });
    expect((await c.call('/v2/orgs/acme/groups', t.alice)).status).toBe(503);
    expect((await c.call('/v2/orgs/acme/groups', t.alice)).status).toBe(200);
    const scim = '/v2/scim/2.0/Users';
    hub.inject({ path: scim, status: 429, retryAfterSeconds: 3 });
    const limited = await c.call(scim, SEED.scim.acme);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const sent = hub.apiRequests().filter((r) => r.path === '/v2/orgs/acme/groups');
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${t.alice}`);
  });

  it('lets an editor read but not write', async () => {
    const promoted = await c.json('/v2/orgs/acme/members/carol', t.alice, {
      method: 'PUT',
      body: { role: 'editor' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ username: 'carol', role: 'Editor' });
    expect((await c.call('/v2/orgs/acme/members', t.carol)).status).toBe(200);
    const write = await c.json('/v2/orgs/acme/groups', t.carol, {
      method: 'POST',
      body: { name: 'qa' },
    });
    expect(write.status).toBe(403);
    expect(write.body).toHaveProperty('detail');
  });
});

describe('settings', () => {
  fresh();
  const path = '/v2/orgs/acme/settings';
  const restricted = {
    enabled: true,
    allow_official_images: true,
    allow_verified_publishers: false,
  };

  it('reads and replaces restricted_images; owners only write', async () => {
    const before = await c.json(path, t.alice);
    expect(before.body).toEqual({
      restricted_images: {
        enabled: false,
        allow_official_images: true,
        allow_verified_publishers: true,
      },
    });
    const put = await c.json(path, t.alice, {
      method: 'PUT',
      body: { restricted_images: restricted },
    });
    expect(put.status).toBe(200);
    expect((await c.json(path, t.alice)).body).toEqual({ restricted_images: restricted });
    expect((await c.call(path, t.alice, { method: 'PUT', body: {} })).status).toBe(400);
    const partial = { restricted_images: { enabled: true } };
    expect((await c.call(path, t.alice, { method: 'PUT', body: partial })).status).toBe(400);
    const carol = { method: 'PUT', body: { restricted_images: restricted } };
    expect((await c.call(path, t.carol, carol)).status).toBe(403);
    expect((await c.call(path, t.bob, carol)).status).toBe(404);
  });
});

describe('audit log', () => {
  fresh();

  it('pages the seeded events newest first and filters them', async () => {
    const first = await c.json<AuditLogs>('/v2/auditlogs/acme', t.alice);
    expect(first.status).toBe(200);
    expect(first.body.logs).toHaveLength(25);
    const times = first.body.logs.map((l) => l.timestamp);
    expect(times).toEqual([...times].sort().reverse());
    expect(first.body.logs[0]).toMatchObject({
      account: 'acme',
      action: 'org.team.member.invite',
      name: SEED.orgs.acme.inviteEmails.frank,
      actor: 'alice',
    });
    expect(typeof (first.body.logs[0] as Record<string, unknown>).action_description).toBe(
      'string',
    );
    const second = await c.json<AuditLogs>('/v2/auditlogs/acme?page=2', t.alice);
    expect(second.body.logs).toHaveLength(SEED.acmeAuditEventCount - 25);
    const pushes = await c.json<AuditLogs>('/v2/auditlogs/acme?action=repo.tag.push', t.alice);
    expect(pushes.body.logs.map((l) => l.action)).toEqual(Array(5).fill('repo.tag.push'));
    const byCarol = await c.json<AuditLogs>(
      '/v2/auditlogs/acme?actor=carol&page_size=100',
      t.alice,
    );
    expect(byCarol.body.logs).toHaveLength(2);
    const byOat = await c.json<AuditLogs>('/v2/auditlogs/acme?actor=acme&page_size=100', t.alice);
    expect(byOat.body.logs).toHaveLength(SEED.svcRepoCount);
    const app = await c.json<AuditLogs>('/v2/auditlogs/acme?name=acme/app&page_size=100', t.alice);
    expect(app.body.logs.every((l) => l.name === 'acme/app')).toBe(true);
    const window = await c.json<AuditLogs>(
      '/v2/auditlogs/acme?from=2025-01-01T00:00:00Z&to=2025-01-31T00:00:00Z',
      t.alice,
    );
    expect(window.body.logs.map((l) => l.action)).toEqual([
      'repo.tag.push',
      'repo.tag.push',
      'repo.tag.push',
      'repo.tag.push',
      'repo.tag.delete',
      'repo.tag.push',
    ]);
    expect((await c.call('/v2/auditlogs/acme?from=last-week', t.alice)).status).toBe(400);
    expect((await c.call('/v2/auditlogs/acme?page_size=101', t.alice)).status).toBe(400);
  });

  it('lists the action catalogue', async () => {
    const res = await c.json<{
      actions: Record<string, { label: string; actions: Array<Record<string, string>> }>;
    }>('/v2/auditlogs/acme/actions', t.alice);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.actions)).toEqual(['org', 'repo']);
    expect(res.body.actions.repo?.label).toBe('Repository');
    expect(res.body.actions.org?.actions).toContainEqual({
      name: 'member.removed',
      description: 'contains org member remove events',
      label: 'Organization Member Removed',
    });
    expect((await c.call('/v2/auditlogs/acme/actions', t.carol)).status).toBe(403);
  });

  it('records repository creation, group creation and member removal', async () => {
    const latest = async () =>
      (await c.json<AuditLogs>('/v2/auditlogs/acme?page_size=1', t.alice)).body.logs[0];
    await c.call('/v2/namespaces/acme/repositories', t.alice, {
      method: 'POST',
      body: { name: 'audited', namespace: 'acme' },
    });
    expect(await latest()).toMatchObject({ action: 'repo.create', name: 'acme/audited' });
    await c.call('/v2/orgs/acme/groups', t.oat, { method: 'POST', body: { name: 'audit-team' } });
    expect(await latest()).toMatchObject({ action: 'org.team.create', actor: 'acme' });
    await c.call('/v2/orgs/acme/members/carol', t.alice, { method: 'DELETE' });
    expect(await latest()).toMatchObject({
      action: 'org.member.removed',
      name: 'carol',
      actor: 'alice',
    });
  });
});

describe('members', () => {
  fresh();
  const path = '/v2/orgs/acme/members';

  it('lists members with roles and groups, searches and filters', async () => {
    const res = await c.json<Page>(path, t.alice);
    expect(res.body.count).toBe(2);
    expect(res.body.results).toEqual([
      expect.objectContaining({
        username: 'alice',
        email: 'alice@example.com',
        role: 'Owner',
        groups: ['developers'],
        is_guest: false,
        type: 'User',
      }),
      expect.objectContaining({ username: 'carol', role: 'Member', groups: ['ops'] }),
    ]);
    expect((await c.json<Page>(`${path}?search=CAR`, t.alice)).body.count).toBe(1);
    expect((await c.json<Page>(`${path}?role=owner`, t.alice)).body.results).toEqual([
      expect.objectContaining({ username: 'alice' }),
    ]);
    const invitees = await c.json<Page>(`${path}?type=invitee`, t.alice);
    expect(invitees.body.results.map((r) => r.email)).toEqual([
      SEED.orgs.acme.inviteEmails.erin,
      SEED.orgs.acme.inviteEmails.frank,
    ]);
    expect(invitees.body.results[0]).toMatchObject({ role: 'Invitee', type: 'Invitee' });
    expect((await c.json<Page>(`${path}?invites=true`, t.alice)).body.count).toBe(4);
    expect((await c.call(`${path}?page_size=101`, t.alice)).status).toBe(400);
    expect((await c.call(`${path}?role=admin`, t.alice)).status).toBe(400);
  });

  it('exports the members as CSV', async () => {
    const res = await c.call(`${path}/export`, t.alice);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="acme-members.csv"');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('Name,Username,Email,Type,Role,Teams,Date Joined');
    expect(lines[1]).toMatch(
      /^Alice Liddell,alice,alice@example\.com,User,Owner,developers,\d{4}-/,
    );
    expect((await c.call(`${path}/export`, t.carol)).status).toBe(403);
  });

  it('changes roles but keeps the last owner', async () => {
    const put = (username: string, body: unknown) =>
      c.json(`${path}/${username}`, t.alice, { method: 'PUT', body });
    expect((await put('alice', { role: 'member' })).status).toBe(403);
    expect((await put('carol', { role: 'admin' })).status).toBe(400);
    expect((await put('carol', {})).status).toBe(400);
    expect((await put('bob', { role: 'member' })).status).toBe(404);
    const ok = await put('carol', { role: 'owner' });
    expect(ok.body).toMatchObject({ username: 'carol', role: 'Owner', groups: ['ops'] });
    expect((await put('carol', { role: 'member' })).status).toBe(200);
    const asCarol = await c.call(`${path}/carol`, t.carol, {
      method: 'PUT',
      body: { role: 'owner' },
    });
    expect(asCarol.status).toBe(403);
  });

  it('removes a member from the org and from every group', async () => {
    expect((await c.call(`${path}/carol`, t.carol, { method: 'DELETE' })).status).toBe(403);
    const removed = await c.call(`${path}/carol`, t.alice, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect((await c.json<Page>(path, t.alice)).body.count).toBe(1);
    const ops = await c.json<Page>('/v2/orgs/acme/groups/ops/members', t.alice);
    expect(ops.body.count).toBe(0);
    expect(hub.state.orgs.get('acme')?.groups.some((g) => g.members.includes('carol'))).toBe(false);
    expect((await c.call(`${path}/carol`, t.alice, { method: 'DELETE' })).status).toBe(404);
    // carol is out: the org is now hidden from her.
    expect((await c.call(path, t.carol)).status).toBe(404);
    expect((await c.call(`${path}/alice`, t.alice, { method: 'DELETE' })).status).toBe(403);
  });
});

describe('invites', () => {
  fresh();
  const { acme, bobcorp } = SEED.orgs;

  it('lists pending invites per org', async () => {
    const res = await c.json<{ data: Array<Record<string, unknown>> }>(
      '/v2/orgs/acme/invites',
      t.alice,
    );
    expect(res.body.data.map((i) => i.id)).toEqual([acme.invites.erin, acme.invites.frank]);
    expect(res.body.data[0]).toEqual({
      id: acme.invites.erin,
      inviter_username: 'alice',
      invitee: acme.inviteEmails.erin,
      org: 'acme',
      team: 'developers',
      created_at: expect.any(String),
    });
    const bobs = await c.json<{ data: unknown[] }>('/v2/orgs/bobcorp/invites', t.bob);
    expect(bobs.body.data).toEqual([expect.objectContaining({ id: bobcorp.invites.grace })]);
  });

  it("cannot touch another org's invite", async () => {
    const path = `/v2/invites/${bobcorp.invites.grace}`;
    expect((await c.call(path, t.alice, { method: 'DELETE' })).status).toBe(404);
    expect((await c.call(path, t.oat, { method: 'DELETE' })).status).toBe(404);
    expect((await c.call(`${path}/resend`, t.oat, { method: 'PATCH' })).status).toBe(404);
    expect(findInvite(hub.state, bobcorp.invites.grace)).toBeDefined();
    expect(
      (await c.call(`/v2/invites/${acme.invites.erin}`, t.carol, { method: 'DELETE' })).status,
    ).toBe(403);
    expect(
      (await c.call(`/v2/invites/${acme.invites.erin}`, undefined, { method: 'DELETE' })).status,
    ).toBe(401);
    expect(
      (
        await c.call('/v2/invites/00000000-0000-4000-8000-000000000000', t.alice, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(404);
  });

  it('resends and cancels', async () => {
    const resend = await c.call(`/v2/invites/${acme.invites.frank}/resend`, t.alice, {
      method: 'PATCH',
    });
    expect(resend.status).toBe(204);
    expect(findInvite(hub.state, acme.invites.frank)?.resent_count).toBe(1);
    const cancel = await c.call(`/v2/invites/${acme.invites.erin}`, t.oat, { method: 'DELETE' });
    expect(cancel.status).toBe(204);
    const left = await c.json<{ data: Array<{ id: string }> }>('/v2/orgs/acme/invites', t.alice);
    expect(left.body.data.map((i) => i.id)).toEqual([acme.invites.frank]);
    expect(
      (await c.call(`/v2/invites/${acme.invites.erin}`, t.alice, { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('invites in bulk, with a dry run that changes nothing', async () => {
    const body = {
      org: 'acme',
      team: 'ops',
      role: 'member',
      invitees: ['carol', 'new@example.com', 'dave', 'not a docker id!'],
    };
    const before = hub.state.invites.length;
    const dry = await c.json<{ invitees: Array<Record<string, unknown>> }>(
      '/v2/invites/bulk',
      t.alice,
      { method: 'POST', body: { ...body, dry_run: true } },
    );
    expect(dry.status).toBe(202);
    expect(dry.body.invitees.map((i) => [i.invitee, i.status])).toEqual([
      ['carol', 'existing_org_member'],
      ['new@example.com', 'invited'],
      ['dave', 'invited'],
      ['not a docker id!', 'invalid_email_or_docker_id'],
    ]);
    expect(dry.body.invitees[1]?.invite).toMatchObject({
      invitee: 'new@example.com',
      org: 'acme',
      team: 'ops',
      inviter_username: 'alice',
    });
    expect(hub.state.invites.length).toBe(before);

    const real = await c.json<{ invitees: Array<{ invite?: { id: string } }> }>(
      '/v2/invites/bulk',
      t.alice,
      { method: 'POST', body },
    );
    expect(real.status).toBe(202);
    expect(hub.state.invites.length).toBe(before + 2);
    const id = real.body.invitees[1]?.invite?.id ?? '';
    expect(findInvite(hub.state, id)).toMatchObject({ org: 'acme', invitee: 'new@example.com' });

    const post = (b: unknown, token = t.alice) =>
      c.call('/v2/invites/bulk', token, { method: 'POST', body: b });
    expect((await post({ ...body, team: 'nope' })).status).toBe(400);
    expect((await post({ org: 'acme', invitees: [] })).status).toBe(400);
    expect((await post(body, t.carol)).status).toBe(403);
    expect((await post({ ...body, org: 'bobcorp' })).status).toBe(404);
  });
});

describe('groups', () => {
  fresh();
  const base = '/v2/orgs/acme/groups';
  let groups: Page<{ id: number; name: string; member_count: number }>;

  beforeEach(async () => {
    groups = (await c.json<typeof groups>(base, t.alice)).body;
  });

  it('lists the seeded groups', () => {
    expect(groups.results).toEqual([
      expect.objectContaining({
        id: SEED.orgs.acme.groups.developers,
        name: 'developers',
        member_count: 1,
        uuid: expect.any(String),
        description: '',
      }),
      expect.objectContaining({ id: SEED.orgs.acme.groups.ops, name: 'ops', member_count: 1 }),
    ]);
  });

  it('filters by member and name, and caps page_size', async () => {
    const alices = await c.json<Page>(`${base}?username=alice`, t.alice);
    expect(alices.body.results.map((g) => g.name)).toEqual(['developers']);
    const ops = await c.json<Page>(`${base}?search=OPS`, t.alice);
    expect(ops.body.results.map((g) => g.name)).toEqual(['ops']);
    expect((await c.call(`${base}?page_size=101`, t.alice)).status).toBe(400);
  });

  it('creates, renames, updates and deletes a group', async () => {
    const created = await c.json(base, t.alice, {
      method: 'POST',
      body: { name: 'qa', description: 'testers' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'qa', description: 'testers', member_count: 0 });
    const list = await c.json<Page>(base, t.alice);
    expect(list.body.results.map((g) => g.name)).toEqual(['developers', 'ops', 'qa']);
    expect((await c.call(base, t.alice, { method: 'POST', body: { name: 'qa' } })).status).toBe(
      409,
    );
    expect((await c.call(base, t.alice, { method: 'POST', body: {} })).status).toBe(400);

    expect((await c.json(`${base}/qa`, t.alice)).body).toMatchObject({ name: 'qa' });
    const put = await c.json(`${base}/qa`, t.alice, { method: 'PUT', body: { name: 'quality' } });
    expect(put.body).toMatchObject({ name: 'quality', description: 'testers' });
    expect((await c.call(`${base}/qa`, t.alice)).status).toBe(404);
    expect((await c.call(`${base}/quality`, t.alice, { method: 'PUT', body: {} })).status).toBe(
      400,
    );
    const patch = await c.json(`${base}/quality`, t.alice, {
      method: 'PATCH',
      body: { description: 'QA' },
    });
    expect(patch.body).toMatchObject({ name: 'quality', description: 'QA' });
    const clash = await c.call(`${base}/quality`, t.alice, {
      method: 'PATCH',
      body: { name: 'ops' },
    });
    expect(clash.status).toBe(409);

    expect((await c.call(`${base}/quality`, t.alice, { method: 'DELETE' })).status).toBe(204);
    expect((await c.call(`${base}/quality`, t.alice)).status).toBe(404);
  });

  it('adds and removes group members, who must belong to the org', async () => {
    const members = `${base}/developers/members`;
    const added = await c.json(members, t.alice, { method: 'POST', body: { member: 'carol' } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ username: 'carol', email: 'carol@example.com' });
    const list = await c.json<Page>(members, t.alice);
    expect(list.body.results.map((u) => u.username)).toEqual(['alice', 'carol']);
    expect((await c.json<Page>(`${members}?search=danvers`, t.alice)).body.count).toBe(1);
    expect(
      (await c.call(members, t.alice, { method: 'POST', body: { member: 'bob' } })).status,
    ).toBe(404);
    expect((await c.call(`${members}/carol`, t.alice, { method: 'DELETE' })).status).toBe(204);
    expect((await c.call(`${members}/carol`, t.alice, { method: 'DELETE' })).status).toBe(404);
    expect((await c.json<Page>(members, t.alice)).body.count).toBe(1);
  });

  it('keeps writes to owners and hides the org from outsiders', async () => {
    expect((await c.call(base, t.carol, { method: 'POST', body: { name: 'x' } })).status).toBe(403);
    expect((await c.call(`${base}/ops`, t.carol, { method: 'DELETE' })).status).toBe(403);
    expect((await c.call(`${base}/ops`, t.bob)).status).toBe(404);
    expect((await c.call(`${base}/nope`, t.alice)).status).toBe(404);
  });
});
