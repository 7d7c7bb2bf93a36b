import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, SEED, startFakeHub } from './index.js';
import { claims, type TestClient, testClient } from './test-client.js';

let hub: FakeHub;
let c: TestClient;
let aliceAdmin: string;
let aliceRead: string;
let bob: string;
let carol: string;
let oat: string;

interface PatView {
  uuid: string;
  token: string;
  token_label: string;
  scopes: string[];
  is_active: boolean;
}

async function exchange(identifier: string, secret: string): Promise<number> {
  const res = await c.call('/v2/auth/token', undefined, {
    method: 'POST',
    body: { identifier, secret },
  });
  return res.status;
}

beforeAll(async () => {
  hub = await startFakeHub();
  c = testClient(hub);
  [aliceAdmin, aliceRead, bob, carol, oat] = await Promise.all([
    c.login(SEED.pats.aliceAdmin),
    c.login(SEED.pats.aliceRead),
    c.login(SEED.pats.bobAdmin, 'bob'),
    c.login(SEED.pats.carolAdmin, 'carol'),
    c.login(SEED.oat.acme.secret, SEED.oat.acme.identifier),
  ]);
});

afterAll(async () => {
  await hub.close();
});

describe('personal access tokens', () => {
  it("lists the caller's seeded tokens without their secrets", async () => {
    const res = await c.json<{ count: number; active_count: number; results: PatView[] }>(
      '/v2/access-tokens',
      aliceRead,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 4, active_count: 4, next: null, previous: null });
    expect(res.body.results.every((t) => t.token === '')).toBe(true);
    expect(res.body.results.map((t) => t.uuid)).toContain(SEED.patUuids.aliceRead);
    expect((await c.call('/v2/access-tokens?page_size=101', aliceRead)).status).toBe(400);
  });

  it('creates a token whose secret is shown once and exchanges with its scope', async () => {
    const res = await c.json<PatView>('/v2/access-tokens', aliceAdmin, {
      method: 'POST',
      body: { token_label: 'ci', scopes: ['repo:read'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      token_label: 'ci',
      scopes: ['repo:read'],
      is_active: true,
      expires_at: null,
    });
    expect(res.body.token).toMatch(/^dckr_pat_/);
    const jwt = await c.login(res.body.token);
    expect(claims(jwt).scope).toBe('repo:read');
    const got = await c.json<PatView>(`/v2/access-tokens/${res.body.uuid}`, aliceRead);
    expect(got.body).toMatchObject({ uuid: res.body.uuid, token: '', token_label: 'ci' });
    const list = await c.json<{ count: number }>('/v2/access-tokens', aliceRead);
    expect(list.body.count).toBe(5);
  });

  it('validates the label, scopes and expiry', async () => {
    const create = (body: unknown) =>
      c.call('/v2/access-tokens', aliceAdmin, { method: 'POST', body });
    expect((await create({ token_label: '', scopes: ['repo:read'] })).status).toBe(400);
    expect((await create({ token_label: 'x'.repeat(101), scopes: ['repo:read'] })).status).toBe(
      400,
    );
    expect((await create({ token_label: 'x', scopes: ['repo:root'] })).status).toBe(400);
    expect((await create({ token_label: 'x' })).status).toBe(400);
    expect(
      (
        await create({
          token_label: 'x',
          scopes: ['repo:read'],
          expires_at: '2001-01-01T00:00:00Z',
        })
      ).status,
    ).toBe(400);
  });

  it("deactivates, then deletes; another user's token is 404", async () => {
    const created = await c.json<PatView>('/v2/access-tokens', aliceAdmin, {
      method: 'POST',
      body: { token_label: 'temp', scopes: ['repo:write', 'repo:read'] },
    });
    const { uuid, token } = created.body;
    const path = `/v2/access-tokens/${uuid}`;
    expect(await exchange('alice', token)).toBe(200);
    const patched = await c.json<PatView>(path, aliceAdmin, {
      method: 'PATCH',
      body: { is_active: false, token_label: 'renamed' },
    });
    expect(patched.body).toMatchObject({ is_active: false, token_label: 'renamed', token: '' });
    expect(await exchange('alice', token)).toBe(401);
    const list = await c.json<{ count: number; active_count: number }>(
      '/v2/access-tokens',
      aliceRead,
    );
    expect(list.body.active_count).toBe(list.body.count - 1);

    expect((await c.call(path, bob)).status).toBe(404);
    expect((await c.call(path, bob, { method: 'DELETE' })).status).toBe(404);
    expect((await c.call(path, aliceRead, { method: 'DELETE' })).status).toBe(403);
    const deleted = await c.call(path, aliceAdmin, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await c.call(path, aliceAdmin)).status).toBe(404);
    expect((await c.call(path, aliceAdmin, { method: 'PATCH', body: {} })).status).toBe(404);
  });

  it('answers 401 anonymously and 403 to an org access token', async () => {
    expect((await c.call('/v2/access-tokens')).status).toBe(401);
    expect((await c.call('/v2/access-tokens', oat)).status).toBe(403);
    expect((await c.call(`/v2/access-tokens/${SEED.patUuids.aliceRead}`, oat)).status).toBe(403);
  });
});

describe('organization access tokens', () => {
  const base = '/v2/orgs/acme/access-tokens';

  it('exchanges as the org itself, with owner rights on it only', async () => {
    const payload = claims(oat);
    expect(payload['https://hub.docker.com']).toMatchObject({ username: 'acme' });
    expect((await c.call('/v2/orgs/acme/members', oat)).status).toBe(200);
    expect((await c.call('/v2/orgs/bobcorp/members', oat)).status).toBe(404);
    expect((await c.call('/v2/namespaces/acme/repositories/app', oat)).status).toBe(200);
    expect(await exchange('acme', 'dckr_oat_wrong')).toBe(401);
  });

  it('lists, creates, reads, updates and deletes', async () => {
    const list = await c.json<{ total: number; results: Array<Record<string, unknown>> }>(
      base,
      aliceAdmin,
    );
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, next: null, previous: null });
    expect(list.body.results[0]).toMatchObject({ id: SEED.oat.acme.id, label: 'acme-ci' });
    expect(list.body.results[0]).not.toHaveProperty('token');

    const created = await c.json<{ id: string; token: string }>(base, aliceAdmin, {
      method: 'POST',
      body: {
        label: 'deploy',
        description: 'deploys',
        resources: [{ type: 'TYPE_REPO', path: 'acme/app', scopes: ['repo-pull'] }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      label: 'deploy',
      created_by: 'alice',
      is_active: true,
      resources: [{ type: 'TYPE_REPO', path: 'acme/app', scopes: ['repo-pull'] }],
    });
    expect(created.body.token).toMatch(/^dckr_oat_/);
    expect(await exchange('acme', created.body.token)).toBe(200);

    const path = `${base}/${created.body.id}`;
    const got = await c.json(path, aliceAdmin);
    expect(got.body).toMatchObject({ id: created.body.id, description: 'deploys' });
    expect(got.body).not.toHaveProperty('token');

    const patched = await c.json(path, aliceAdmin, {
      method: 'PATCH',
      body: { is_active: false, label: 'deploy-off' },
    });
    expect(patched.body).toMatchObject({ is_active: false, label: 'deploy-off' });
    expect(await exchange('acme', created.body.token)).toBe(401);

    expect((await c.call(path, aliceAdmin, { method: 'DELETE' })).status).toBe(204);
    expect((await c.call(path, aliceAdmin)).status).toBe(404);
    expect((await c.json<{ total: number }>(base, aliceAdmin)).body.total).toBe(1);
  });

  it('is for owners: carol 403, bob 404, anonymous 401, bad bodies 400', async () => {
    expect((await c.call(base, carol)).status).toBe(403);
    expect((await c.call(base, bob)).status).toBe(404);
    expect((await c.call(base)).status).toBe(401);
    expect((await c.call(base, aliceRead)).status).toBe(403);
    const bad = await c.call(base, aliceAdmin, {
      method: 'POST',
      body: { label: 'x', resources: [{ type: 'TYPE_NOPE', path: 'acme', scopes: [] }] },
    });
    expect(bad.status).toBe(400);
    expect((await c.call(`${base}?page_size=101`, aliceAdmin)).status).toBe(400);
  });
});

describe('login', () => {
  const login = (username: string, password: string) =>
    c.json<{ token?: string; detail?: string; login_2fa_token?: string }>(
      '/v2/users/login',
      undefined,
      { method: 'POST', body: { username, password } },
    );

  it('accepts a password or a PAT and returns a working token', async () => {
    const byPassword = await login('alice', SEED.users.alice.password);
    expect(byPassword.status).toBe(200);
    expect(claims(byPassword.body.token ?? '').scope).toBe('repo:admin');
    expect((await c.call('/v2/user/orgs', byPassword.body.token)).status).toBe(200);
    const byPat = await login('alice', SEED.pats.aliceRead);
    expect(claims(byPat.body.token ?? '').scope).toBe('repo:read');
    const wrong = await login('alice', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      detail: 'Incorrect authentication credentials',
      message: 'Incorrect authentication credentials',
    });
  });

  it('asks a 2FA account for its second factor', async () => {
    const first = await login('dave', SEED.users.dave.password);
    expect(first.status).toBe(401);
    expect(first.body.detail).toBe('Require secondary authentication on MFA enabled account');
    const loginToken = first.body.login_2fa_token ?? '';
    expect(loginToken).not.toBe('');
    const second = (code: string) =>
      c.json<{ token?: string }>('/v2/users/2fa-login', undefined, {
        method: 'POST',
        body: { login_2fa_token: loginToken, code },
      });
    expect((await second('000000')).status).toBe(401);
    const ok = await second(SEED.users.dave.totp);
    expect(ok.status).toBe(200);
    expect(claims(ok.body.token ?? '')['https://hub.docker.com']).toMatchObject({
      username: 'dave',
    });
    // The login token is spent.
    expect((await second(SEED.users.dave.totp)).status).toBe(401);
  });
});
