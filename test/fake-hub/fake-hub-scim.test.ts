import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, SEED, startFakeHub } from './index.js';
import { type TestClient, testClient } from './test-client.js';

let hub: FakeHub;
let c: TestClient;
let alice: string;

const SCIM = '/v2/scim/2.0';
const TOKEN = SEED.scim.acme;
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const IDS = SEED.scimUserIds.acme;
const SCIM_JSON = { contentType: 'application/scim+json' };

interface ListResponse<T = Record<string, unknown>> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

interface ScimUser {
  id: string;
  userName: string;
  displayName: string;
  active: boolean;
  name: { givenName: string; familyName: string };
  groups: Array<{ value: string }>;
}

beforeAll(async () => {
  hub = await startFakeHub();
  c = testClient(hub);
  alice = await c.login(SEED.pats.aliceAdmin);
});

afterAll(async () => {
  await hub.close();
});

describe('SCIM authentication', () => {
  it('accepts only the SCIM bearer token and answers SCIM errors otherwise', async () => {
    for (const token of [undefined, alice, 'scim_token_nope']) {
      const res = await c.json(`${SCIM}/Users`, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/scim+json');
      expect(res.body).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '401',
        detail: expect.any(String),
      });
    }
    const ok = await c.call(`${SCIM}/ServiceProviderConfig`, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/scim+json');
    expect(await ok.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      filter: { supported: true },
      authenticationSchemes: { type: 'oauthbearertoken' },
    });
  });
});

describe('SCIM discovery', () => {
  it('lists and reads resource types and schemas', async () => {
    const types = await c.json<ListResponse>(`${SCIM}/ResourceTypes`, TOKEN);
    expect(types.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1 });
    expect(types.body.Resources[0]).toMatchObject({ id: 'User', endpoint: '/Users' });
    const user = await c.json(`${SCIM}/ResourceTypes/User`, TOKEN);
    expect(user.body).toMatchObject({ name: 'User', schema: USER_SCHEMA });
    const group = await c.json(`${SCIM}/ResourceTypes/Group`, TOKEN);
    expect(group.status).toBe(404);
    expect(group.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });

    const schemas = await c.json<ListResponse>(`${SCIM}/Schemas`, TOKEN);
    expect(schemas.body.Resources.map((s) => s.id)).toEqual([USER_SCHEMA]);
    const schema = await c.json<{ attributes: Array<{ name: string }> }>(
      `${SCIM}/Schemas/${USER_SCHEMA}`,
      TOKEN,
    );
    expect(schema.body.attributes.map((a) => a.name)).toContain('userName');
    expect((await c.call(`${SCIM}/Schemas/urn:nope`, TOKEN)).status).toBe(404);
  });
});

describe('SCIM users', () => {
  it("lists the org's members as a ListResponse", async () => {
    const res = await c.json<ListResponse<ScimUser>>(`${SCIM}/Users`, TOKEN);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      schemas: [LIST_SCHEMA],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
    });
    expect(res.body.Resources[0]).toMatchObject({
      schemas: [USER_SCHEMA],
      id: IDS.alice,
      userName: 'alice@example.com',
      displayName: 'alice',
      active: true,
      name: { givenName: 'Alice', familyName: 'Liddell' },
      emails: [{ value: 'alice@example.com', primary: true }],
      groups: [{ value: 'developers', display: 'developers' }],
      meta: { resourceType: 'User', location: `${hub.url}${SCIM}/Users/${IDS.alice}` },
    });
  });

  it('pages with startIndex and count, and caps count at 200', async () => {
    const second = await c.json<ListResponse<ScimUser>>(
      `${SCIM}/Users?startIndex=2&count=1`,
      TOKEN,
    );
    expect(second.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
    expect(second.body.Resources.map((u) => u.displayName)).toEqual(['carol']);
    const tooMany = await c.json(`${SCIM}/Users?count=201`, TOKEN);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400' });
    expect(tooMany.headers.get('content-type')).toBe('application/scim+json');
    expect((await c.call(`${SCIM}/Users?count=200`, TOKEN)).status).toBe(200);
    expect((await c.call(`${SCIM}/Users?startIndex=0`, TOKEN)).status).toBe(400);
  });

  it('filters, sorts and projects attributes', async () => {
    const filter = encodeURIComponent('userName eq "CAROL@example.com"');
    const one = await c.json<ListResponse<ScimUser>>(`${SCIM}/Users?filter=${filter}`, TOKEN);
    expect(one.body.totalResults).toBe(1);
    expect(one.body.Resources[0]?.id).toBe(IDS.carol);
    const either = encodeURIComponent('displayName sw "al" or (emails.value co "carol")');
    const two = await c.json<ListResponse>(`${SCIM}/Users?filter=${either}`, TOKEN);
    expect(two.body.totalResults).toBe(2);
    const sorted = await c.json<ListResponse<ScimUser>>(
      `${SCIM}/Users?sortBy=userName&sortOrder=descending`,
      TOKEN,
    );
    expect(sorted.body.Resources.map((u) => u.displayName)).toEqual(['carol', 'alice']);
    const projected = await c.json<ListResponse>(`${SCIM}/Users?attributes=userName`, TOKEN);
    expect(Object.keys(projected.body.Resources[0] ?? {}).sort()).toEqual([
      'id',
      'schemas',
      'userName',
    ]);
    const bad = await c.json(
      `${SCIM}/Users?filter=${encodeURIComponent('userName zz "x"')}`,
      TOKEN,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ scimType: 'invalidFilter' });
  });

  it('gets one user by SCIM id', async () => {
    const res = await c.json<ScimUser>(`${SCIM}/Users/${IDS.carol}`, TOKEN);
    expect(res.body).toMatchObject({
      id: IDS.carol,
      displayName: 'carol',
      groups: [{ value: 'ops' }],
    });
    expect((await c.call(`${SCIM}/Users/nope`, TOKEN)).status).toBe(404);
  });

  it('provisions a user into the org, once', async () => {
    const body = {
      schemas: [USER_SCHEMA],
      userName: 'zoe@example.com',
      name: { givenName: 'Zoe', familyName: 'Washburne' },
    };
    const created = await c.json<ScimUser>(`${SCIM}/Users`, TOKEN, {
      method: 'POST',
      body,
      ...SCIM_JSON,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      userName: 'zoe@example.com',
      displayName: 'zoe',
      active: true,
      name: { givenName: 'Zoe', familyName: 'Washburne' },
    });
    const members = await c.json<{ results: Array<{ username: string }> }>(
      '/v2/orgs/acme/members',
      alice,
    );
    expect(members.body.results.map((m) => m.username)).toContain('zoe');
    const again = await c.json(`${SCIM}/Users`, TOKEN, { method: 'POST', body, ...SCIM_JSON });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409' });
    const missing = await c.json(`${SCIM}/Users`, TOKEN, {
      method: 'POST',
      body: { schemas: [USER_SCHEMA] },
      ...SCIM_JSON,
    });
    expect(missing.status).toBe(400);
    // Plain JSON is not a SCIM document.
    const plain = await c.json(`${SCIM}/Users`, TOKEN, {
      method: 'POST',
      body: { ...body, userName: 'zed@example.com' },
    });
    expect(plain.status).toBe(415);
  });

  it('deactivates and reactivates through PUT', async () => {
    const path = `${SCIM}/Users/${IDS.carol}`;
    const put = (body: Record<string, unknown>) =>
      c.json<ScimUser>(path, TOKEN, { method: 'PUT', body, ...SCIM_JSON });
    const carol = { schemas: [USER_SCHEMA], userName: 'carol@example.com' };
    const off = await put({
      ...carol,
      active: false,
      name: { givenName: 'Carol', familyName: 'D' },
    });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({
      active: false,
      name: { givenName: 'Carol', familyName: 'D' },
    });
    const acme = hub.state.orgs.get('acme');
    expect(acme?.members.has('carol')).toBe(false);
    expect(acme?.groups.some((g) => g.members.includes('carol'))).toBe(false);
    const listed = await c.json<ListResponse<ScimUser>>(
      `${SCIM}/Users?filter=${encodeURIComponent('active eq false')}`,
      TOKEN,
    );
    expect(listed.body.Resources.map((u) => u.id)).toEqual([IDS.carol]);
    // The 2-beta spec's `enabled` does the same.
    const on = await put({ ...carol, enabled: true });
    expect(on.body.active).toBe(true);
    expect(acme?.members.get('carol')).toBe('member');
    // As Docker documents it: a PUT without the activation deactivates.
    expect((await put(carol)).body.active).toBe(false);
    expect((await put({ ...carol, active: true })).body.active).toBe(true);
    // userName is required, and must be the user's; schemas too.
    expect((await put({ schemas: [USER_SCHEMA], active: true })).status).toBe(400);
    expect((await put({ ...carol, userName: 'x@example.com', active: true })).status).toBe(400);
    expect((await put({ userName: carol.userName, active: false })).status).toBe(400);
    expect((await put({ ...carol, active: true, enabled: false })).status).toBe(400);
    const plain = await c.call(path, TOKEN, { method: 'PUT', body: { ...carol, active: true } });
    expect(plain.status).toBe(415);
  });
});
