/**
 * No result carries a secret but the one a tool exists to hand out, even with detail "full",
 * which returns the Hub's objects: a Hub that starts echoing tokens must not leak them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const uuid = SEED.patUuids.aliceRead;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    credential: ALICE_ADMIN,
    agent: {
      name: 'account-admin',
      grants: [
        { resource: 'account', access: 'admin' },
        { resource: 'org:acme', access: 'read' },
      ],
    },
  });
});
afterAll(() => h.close());
beforeEach(() => {
  h.hub.clearRequests();
  h.hub.clearFaults();
});

describe('secrets in results', () => {
  it('detail "full" redacts a token the Hub sends where it should not', async () => {
    h.hub.inject({
      method: 'GET',
      path: `/v2/access-tokens/${uuid}`,
      status: 200,
      body: {
        uuid,
        token_label: 'ci',
        token: 'dckr_pat_leaked_canary',
        nested: [{ secret: 'canary-2', password: '' }],
      },
    });
    const result = await h.call('get_personal_access_token', { uuid, detail: 'full' });
    expect(result.isError).toBe(false);
    expect(result.json).toEqual({
      uuid,
      token_label: 'ci',
      token: '[redacted]',
      nested: [{ secret: '[redacted]', password: '' }],
    });
    expect(result.text).not.toContain('canary');
  });

  it('compact results of tools that pass the Hub through are redacted alike', async () => {
    const leak = {
      accessToken: 'canary-3',
      api_key: 'canary-4',
      credentials: { user: 'x', pass: 'canary-5' },
      nested: [{ secret: 'canary-6', token: '' }],
    };
    h.hub.inject({
      method: 'GET',
      path: '/v2/orgs/acme/invites',
      status: 200,
      body: { data: [{ id: 'i-1', inviter: 'alice', ...leak }] },
    });
    const invites = await h.call('list_org_invites', { org: 'acme' });
    expect(invites.isError, invites.text).toBe(false);
    expect(invites.text).not.toContain('canary');
    expect(invites.json.items[0]).toMatchObject({
      id: 'i-1',
      inviter: 'alice',
      accessToken: '[redacted]',
      api_key: '[redacted]',
      credentials: '[redacted]',
      nested: [{ secret: '[redacted]', token: '' }],
    });
  });

  it('a created token is shown, once, by the tool that creates it', async () => {
    const created = await h.call('create_personal_access_token', {
      token_label: 'new',
      scopes: ['repo:read'],
    });
    expect(created.json.token).toMatch(/^dckr_pat_/);
    // Afterwards it is metadata only, even in full.
    const again = await h.call('get_personal_access_token', {
      uuid: created.json.uuid,
      detail: 'full',
    });
    expect(again.text).not.toContain(created.json.token);
  });

  it('export_org_members asks for CSV and answers the CSV text', async () => {
    const result = await h.call('export_org_members', { org: 'acme' });
    expect(h.hub.apiRequests()[0]?.headers.accept).toBe('text/csv');
    expect(result.text.split('\n')[0]).toMatch(/^Name,Username,Email/);
  });
});
