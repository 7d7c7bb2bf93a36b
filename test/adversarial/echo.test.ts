/**
 * An upstream that answers errors with the request quoted back (a misconfigured proxy, a hostile
 * --hub-url): whatever it echoes, no secret hubgate holds reaches the agent. For each kind of
 * credential (PAT, organization access token, password, SCIM token) and each error status, and
 * for a failing token exchange, the tool result holds neither the secret, nor the bearer token
 * it was exchanged for, nor their base64 forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/hub/auth.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';
import { ADMIN_AGENT, type CallResult, type Harness, startHarness } from '../helpers/harness.js';

const STATUSES = [400, 401, 403, 404, 429, 500, 502];

const CREDENTIALS: Record<string, Credential> = {
  PAT: { username: 'alice', secret: SEED.pats.aliceAdmin },
  'org access token': { username: SEED.oat.acme.identifier, secret: SEED.oat.acme.secret },
  password: { username: 'alice', secret: 'alice-password' },
};

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({ rateLimit: 1_000_000 });
});
afterAll(() => hub.close());

/** Every form of every secret in play: as is, base64, base64url, and Basic `user:secret`. */
function forms(secrets: string[], username?: string): string[] {
  return secrets.flatMap((secret) => [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    ...(username ? [Buffer.from(`${username}:${secret}`).toString('base64')] : []),
  ]);
}

function expectNoSecret(result: CallResult, secrets: string[]): void {
  expect(result.isError).toBe(true);
  // The echo did reach hubgate: the answer quotes what it can, redacted.
  expect(result.text).toMatch(/\[redacted\]/);
  for (const secret of secrets) expect(result.text).not.toContain(secret);
}

/** The bearer tokens the fake Hub issued for this run so far, from what it was sent. */
function bearers(): string[] {
  return hub.requests
    .map((request) => String(request.headers.authorization ?? ''))
    .filter((value) => value.startsWith('Bearer '))
    .map((value) => value.slice('Bearer '.length));
}

for (const [kind, credential] of Object.entries(CREDENTIALS)) {
  describe(`an echoing upstream, calling with a ${kind}`, () => {
    let h: Harness;
    const path = '/v2/namespaces/library/repositories/nginx';
    const args = { namespace: 'library', repository: 'nginx' };
    beforeAll(async () => {
      h = await startHarness({ hub, agent: ADMIN_AGENT, credential, timeoutMs: 3_000 });
      // A first call gets the bearer token, so that the echo carries it.
      expect((await h.call('get_repository', args)).isError).toBe(false);
    });
    afterAll(() => h.close());

    it.each(STATUSES)('answers %i without the secret or its token', async (status) => {
      hub.inject({ path, status, echo: true, times: 5, retryAfterSeconds: 1 });
      try {
        const result = await h.call('get_repository', args);
        expectNoSecret(result, forms([credential.secret, ...bearers()], credential.username));
      } finally {
        hub.clearFaults();
        await new Promise((resolve) => setTimeout(resolve, status === 429 ? 1_100 : 0));
      }
    });

    it('a failing token exchange quotes neither the secret nor the identifier:secret pair', async () => {
      const fresh = await startHarness({ hub, agent: ADMIN_AGENT, credential, timeoutMs: 3_000 });
      hub.inject({ path: '/v2/auth/token', status: 401, echo: true, times: 5 });
      try {
        const result = await fresh.call('get_repository', args);
        expectNoSecret(result, forms([credential.secret], credential.username));
      } finally {
        hub.clearFaults();
        await fresh.close();
      }
    });
  });
}

describe('an echoing upstream, calling with a SCIM token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      hub,
      agent: { name: 'scim', grants: [{ resource: 'scim:acme', access: 'admin' }] },
      scim: { org: 'acme', token: SEED.scim.acme },
    });
  });
  afterAll(() => h.close());

  it.each(STATUSES)('answers %i without the SCIM token', async (status) => {
    hub.inject({ path: '/v2/scim/2.0/Users', status, echo: true, times: 5, retryAfterSeconds: 1 });
    try {
      expectNoSecret(await h.call('scim_list_users', {}), forms([SEED.scim.acme]));
    } finally {
      hub.clearFaults();
      await new Promise((resolve) => setTimeout(resolve, status === 429 ? 1_100 : 0));
    }
  });
});
