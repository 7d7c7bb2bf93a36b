/**
 * The policy on tools whose resources are not a single path parameter: delete_images names a
 * repository per manifest, and an invite's id does not name its org.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findInvite, SEED } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const { untagged } = SEED.images.acmeApp;
const { erin } = SEED.orgs.acme.invites;
const { grace } = SEED.orgs.bobcorp.invites;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    credential: ALICE_ADMIN,
    agent: {
      name: 'acme-admin',
      grants: [
        { resource: 'repo:acme/app', access: 'admin' },
        { resource: 'repo:acme/web', access: 'read' },
        { resource: 'org:acme', access: 'write' },
        // The credential is bob's org's outsider, but the policy must not even ask the Hub.
        { resource: 'org:bobcorp', access: 'read' },
      ],
    },
  });
});
afterAll(() => h.close());
beforeEach(() => h.hub.clearRequests());

describe('delete_images', () => {
  it('is refused, with nothing sent, when one of its repositories is not granted', async () => {
    const result = await h.call('delete_images', {
      namespace: 'acme',
      manifests: [
        { repository: 'app', digest: untagged },
        { repository: 'web', digest: untagged },
      ],
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(
      'has no grant for admin on repo:acme/web (needed by delete_images)',
    );
    expect(result.text).not.toContain('repo:acme/app');
    expect(h.hub.requests).toEqual([]);
    expect(h.audit.at(-1)).toMatchObject({
      resources: ['repo:acme/app', 'repo:acme/web'],
      decision: 'deny',
      outcome: 'denied',
    });
  });

  it('sends the body when every repository is granted, and returns the warnings to acknowledge', async () => {
    const tagged = SEED.images.acmeApp.latest;
    const result = await h.call('delete_images', {
      namespace: 'acme',
      manifests: [{ repository: 'app', digest: tagged }],
      dry_run: true,
    });
    expect(h.hub.apiRequests()).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v2/namespaces/acme/delete-images',
        body: { dry_run: true, manifests: [{ repository: 'app', digest: tagged }] },
      }),
    ]);
    expect(result.isError).toBe(false);
    expect(result.json).toMatchObject({
      deleted: false,
      warnings: expect.arrayContaining([
        expect.objectContaining({ repository: 'app', digest: tagged, warning: 'current_tag' }),
      ]),
    });
  });

  it('deletes an untagged image and reports the metrics', async () => {
    const result = await h.call('delete_images', {
      namespace: 'acme',
      manifests: [{ repository: 'app', digest: untagged }],
      ignore_warnings: [{ repository: 'app', digest: untagged, warning: 'is_active' }],
    });
    expect(result.json).toMatchObject({ deleted: true, metrics: { manifest_deletes: 1 } });
  });
});

describe('invites', () => {
  it('cancel_invite confirms the invite belongs to the org, then deletes it', async () => {
    const result = await h.call('cancel_invite', { org: 'acme', id: erin });
    expect(result).toMatchObject({
      isError: false,
      json: { cancelled: { org: 'acme', id: erin } },
    });
    expect(h.hub.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/orgs/acme/invites',
      `DELETE /v2/invites/${erin}`,
    ]);
    expect(findInvite(h.hub.state, erin)).toBeUndefined();
  });

  it('refuses an invite of another org, sending no change', async () => {
    // The agent may write org:acme, and names acme, but the invite is bobcorp's.
    const result = await h.call('resend_invite', { org: 'acme', id: grace });
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      `Refused by hubgate policy: invite ${grace} is not a pending invite of org acme. Nothing was changed on Docker Hub.`,
    );
    expect(h.hub.apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/orgs/acme/invites',
    ]);
    expect(findInvite(h.hub.state, grace)).toBeDefined();
    expect(h.audit.at(-1)).toMatchObject({
      tool: 'resend_invite',
      decision: 'deny',
      outcome: 'denied',
    });
  });

  it('refuses to act on an org the agent may only read, before any request', async () => {
    const result = await h.call('cancel_invite', { org: 'bobcorp', id: grace });
    expect(result.text).toContain('has no grant for write on org:bobcorp');
    expect(h.hub.requests).toEqual([]);
  });

  it('bulk_invite needs admin to invite owners', async () => {
    const asOwner = await h.call('bulk_invite', {
      org: 'acme',
      invitees: ['dave'],
      role: 'owner',
      dry_run: true,
    });
    expect(asOwner.text).toContain('has no grant for admin on org:acme');
    expect(h.hub.requests).toEqual([]);
    const asMember = await h.call('bulk_invite', {
      org: 'acme',
      invitees: ['dave'],
      dry_run: true,
    });
    expect(asMember.isError).toBe(false);
    expect(h.hub.apiRequests()[0]).toMatchObject({
      method: 'POST',
      path: '/v2/invites/bulk',
      body: { org: 'acme', invitees: ['dave'], role: 'member', dry_run: true },
    });
  });
});
