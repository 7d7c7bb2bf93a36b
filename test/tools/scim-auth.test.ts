/**
 * SCIM and authentication tools: what a single call case cannot show. SCIM calls carry the
 * agent's SCIM token and are bound to its org; the auth tools carry the caller's own secrets,
 * which the audit log must never hold, and answer nothing but the token asked for.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwtClaims } from '../../src/hub/auth.js';
import type { AgentPolicy } from '../../src/policy/types.js';
import { SEED } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ACME_SCIM = { org: 'acme', token: SEED.scim.acme };
const { carol } = SEED.scimUserIds.acme;
const { dave } = SEED.users;

const agent = (grants: string[]): AgentPolicy => ({
  name: 'provisioner',
  grants: grants.map((resource) => ({ resource, access: 'admin' as const })),
});

describe('SCIM tools', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      agent: agent(['scim:acme']),
      credential: ALICE_ADMIN,
      scim: ACME_SCIM,
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.hub.clearRequests());

  it('send the SCIM token, never the Hub credential', async () => {
    const result = await h.call('scim_get_user', { id: carol });
    expect(result.isError, result.text).toBe(false);
    expect(h.hub.requests).toHaveLength(1);
    expect(h.hub.requests[0]?.headers.authorization).toBe(`Bearer ${SEED.scim.acme}`);
    expect(h.hub.tokenExchanges()).toBe(0);
    expect(h.audit.at(-1)).toMatchObject({ resources: ['scim:acme'], decision: 'allow' });
  });

  it('send writes as SCIM documents, the activation under both names, userName as given', async () => {
    const result = await h.call('scim_update_user', {
      id: carol,
      userName: 'carol@example.com',
      active: false,
    });
    expect(result.isError, result.text).toBe(false);
    // userName given: no read first, one PUT.
    expect(h.hub.requests.map((r) => r.method)).toEqual(['PUT']);
    const [put] = h.hub.requests;
    expect(put?.headers['content-type']).toBe('application/scim+json');
    expect(put?.body).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'carol@example.com',
      active: false,
      enabled: false,
    });
    expect((await h.call('scim_update_user', { id: carol, active: true })).isError).toBe(false);
    const created = await h.call('scim_create_user', { userName: 'yara@example.com' });
    expect(created.isError, created.text).toBe(false);
    expect(h.hub.requests.at(-1)?.headers['content-type']).toBe('application/scim+json');
  });

  it('deactivate a user with active false, and bring them back with active true', async () => {
    const off = await h.call('scim_update_user', { id: carol, active: false });
    expect(off.isError, off.text).toBe(false);
    expect(off.json).toMatchObject({ id: carol, active: false });
    expect(h.hub.state.orgs.get('acme')?.members.has('carol')).toBe(false);

    const listed = await h.call('scim_list_users', { filter: 'userName eq "carol@example.com"' });
    expect(listed.json).toMatchObject({ total: 1, has_more: false, items: [{ active: false }] });

    const on = await h.call('scim_update_user', { id: carol, active: true });
    expect(on.json).toMatchObject({ id: carol, active: true });
    expect(h.hub.state.orgs.get('acme')?.members.get('carol')).toBe('member');
  });

  it('provision a user who can then be found by filter', async () => {
    const created = await h.call('scim_create_user', {
      userName: 'new.hire@example.com',
      name: { givenName: 'New', familyName: 'Hire' },
    });
    expect(created.isError, created.text).toBe(false);
    const found = await h.call('scim_list_users', { filter: 'userName sw "new.hire"' });
    expect(found.json).toMatchObject({
      total: 1,
      items: [{ id: created.json.id, userName: 'new.hire@example.com', active: true }],
    });
    const again = await h.call('scim_create_user', { userName: 'new.hire@example.com' });
    expect(again.isError).toBe(true);
    expect(again.text).toContain('409');
  });

  it('page users honestly: has_more only while users remain', async () => {
    const first = await h.call('scim_list_users', { count: 1 });
    const last = await h.call('scim_list_users', { startIndex: first.json.next_start_index });
    expect(first.json).toMatchObject({ start_index: 1, has_more: true });
    expect(last.json.has_more).toBe(false);
    expect(last.json).not.toHaveProperty('next_start_index');
    expect(first.json.total).toBe(last.json.start_index - 1 + last.json.items.length);
  });

  it('answer an empty page as no items, not as a missing field', async () => {
    const none = await h.call('scim_list_users', { filter: 'userName eq "nobody@example.com"' });
    expect(none.json).toEqual({
      items: [],
      total: 0,
      start_index: 1,
      items_per_page: 0,
      has_more: false,
    });
  });

  it('return the Hub objects unchanged with detail full', async () => {
    const full = await h.call('scim_get_user', { id: carol, detail: 'full' });
    expect(full.json).toMatchObject({ schemas: [USER_SCHEMA], meta: { resourceType: 'User' } });
  });

  it('refuse to update without active, as the Hub would deactivate the user', async () => {
    const result = await h.call('scim_update_user', { id: carol, name: { givenName: 'C' } });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('active: is required');
    expect(h.hub.requests).toEqual([]);
  });

  it('take no org argument: the org is the SCIM credential', async () => {
    const result = await h.call('scim_list_users', { org: 'bobcorp' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('unknown argument "org"');
    expect(h.hub.requests).toEqual([]);
  });
});

describe('SCIM tools without the grant or the credential', () => {
  let h: Harness | undefined;
  afterEach(() => h?.close());

  it('are refused, nothing sent, for an agent with no SCIM credential', async () => {
    h = await startHarness({ agent: agent(['scim:*']), credential: ALICE_ADMIN });
    const result = await h.call('scim_list_users', {});
    expect(result.isError).toBe(true);
    expect(result.text).toContain(
      'agent "provisioner" has no SCIM credential (scim_credential in the config), which scim_list_users needs',
    );
    expect(result.text).toContain('Nothing was sent to Docker Hub.');
    expect(h.hub.requests).toEqual([]);
    expect(h.audit.at(-1)).toMatchObject({ decision: 'deny', outcome: 'denied' });
  });

  it("are refused for a credential of an org the agent's grants do not name", async () => {
    h = await startHarness({ agent: agent(['scim:bobcorp']), scim: ACME_SCIM });
    const result = await h.call('scim_get_service_provider_config', {});
    expect(result.isError).toBe(true);
    expect(result.text).toContain('scim:acme');
    expect(h.hub.requests).toEqual([]);
  });
});

describe('auth tools', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ agent: agent(['auth']), credential: ALICE_ADMIN });
  });
  afterAll(() => h.close());
  beforeEach(() => h.hub.clearRequests());

  const lastArguments = () => h.audit.at(-1)?.arguments;

  it("auth_create_token sends the caller's identifier and secret only, and answers only the token", async () => {
    const result = await h.call('auth_create_token', {
      identifier: 'bob',
      secret: SEED.pats.bobAdmin,
    });
    expect(result.isError, result.text).toBe(false);
    expect(h.hub.requests).toHaveLength(1);
    const [request] = h.hub.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v2/auth/token',
      body: { identifier: 'bob', secret: SEED.pats.bobAdmin },
    });
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.keys(result.json)).toEqual(['access_token']);
    expect(decodeJwtClaims(result.json.access_token)?.username).toBe('bob');
    expect(lastArguments()).toEqual({ identifier: 'bob', secret: '[redacted]' });
    expect(JSON.stringify(h.audit)).not.toContain(SEED.pats.bobAdmin);
  });

  it('auth_create_token takes an org access token with the org as identifier', async () => {
    const result = await h.call('auth_create_token', {
      identifier: SEED.oat.acme.identifier,
      secret: SEED.oat.acme.secret,
    });
    expect(result.isError, result.text).toBe(false);
    expect(decodeJwtClaims(result.json.access_token)?.username).toBe('acme');
  });

  it('auth_login with a 2FA account answers the second step, which auth_login_2fa completes', async () => {
    const first = await h.call('auth_login', { username: 'dave', password: dave.password });
    expect(first.isError, first.text).toBe(false);
    expect(first.json).toEqual({
      second_factor_required: true,
      login_2fa_token: expect.any(String),
    });
    expect(lastArguments()).toEqual({ username: 'dave', password: '[redacted]' });
    expect(h.audit.at(-1)).toMatchObject({ outcome: 'ok', hub_status: 401 });

    const wrong = await h.call('auth_login_2fa', {
      login_2fa_token: first.json.login_2fa_token,
      code: '000000',
    });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toContain('401');

    const second = await h.call('auth_login_2fa', {
      login_2fa_token: first.json.login_2fa_token,
      code: dave.totp,
    });
    expect(second.isError, second.text).toBe(false);
    expect(Object.keys(second.json)).toEqual(['token']);
    expect(decodeJwtClaims(second.json.token)?.username).toBe('dave');
    expect(lastArguments()).toEqual({ login_2fa_token: '[redacted]', code: '[redacted]' });
    for (const request of h.hub.requests) expect(request.headers.authorization).toBeUndefined();
    const audit = JSON.stringify(h.audit);
    for (const secret of [dave.password, dave.totp, first.json.login_2fa_token]) {
      expect(audit).not.toContain(secret);
    }
  });

  it('auth_login with a wrong password is an error, not a second step', async () => {
    const result = await h.call('auth_login', { username: 'alice', password: 'not-her-password' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('Docker Hub answered 401 to POST /v2/users/login');
    expect(result.text).not.toContain('login_2fa_token');
    expect(h.audit.at(-1)).toMatchObject({ outcome: 'error', hub_status: 401 });
    expect(lastArguments()).toEqual({ username: 'alice', password: '[redacted]' });
  });

  it('auth_login with a password answers the token and nothing else', async () => {
    const result = await h.call('auth_login', {
      username: 'alice',
      password: SEED.users.alice.password,
    });
    expect(result.isError, result.text).toBe(false);
    expect(Object.keys(result.json)).toEqual(['token']);
    expect(decodeJwtClaims(result.json.token)?.username).toBe('alice');
  });
});
