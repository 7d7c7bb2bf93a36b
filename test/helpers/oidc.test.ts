/**
 * Checks the OpenID provider fixture itself, so that a failing resource-server test points at
 * hubgate and not at a fixture that mints the wrong tokens: the claims a verifier relies on are
 * present, both grants work, rotation changes the kid the JWKS publishes, and close frees the port.
 */
import { createServer } from 'node:net';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcProviderHarness, startOidcProvider } from './oidc.js';

const RESOURCE = 'http://127.0.0.1:8080/mcp';

describe('oidc provider fixture', () => {
  let op: OidcProviderHarness;

  beforeAll(async () => {
    op = await startOidcProvider({
      // Only user tokens get groups, to see both the accountId and its absence.
      extraClaims: ({ clientId, accountId }) =>
        accountId ? { groups: ['hub-readers'], via: clientId } : { via: clientId },
    });
  });

  afterAll(async () => {
    await op.close();
  });

  it('issues a client-credentials JWT for the resource, signed with the current key', async () => {
    const token = await op.clientCredentialsToken({
      clientId: 'ci-client',
      resource: RESOURCE,
      scope: 'mcp hub:read',
    });
    expect(op.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: op.currentKid() });

    // Verified for real against the published JWKS, not just decoded.
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(op.jwksUri)), {
      issuer: op.issuer,
      audience: RESOURCE,
    });
    expect(payload).toMatchObject({
      iss: op.issuer,
      aud: RESOURCE,
      client_id: 'ci-client',
      sub: 'ci-client',
      scope: 'mcp hub:read',
      via: 'ci-client',
    });
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000);
    expect(payload).not.toHaveProperty('groups');
  });

  it('rejects an unknown client with the provider error', async () => {
    await expect(
      op.clientCredentialsToken({ clientId: 'nobody', resource: RESOURCE }),
    ).rejects.toThrow(/invalid_client/);
  });

  it('runs the authorization code + PKCE flow headlessly', async () => {
    const token = await op.authorizationCodeToken({ accountId: 'alice', resource: RESOURCE });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      iss: op.issuer,
      sub: 'alice',
      aud: RESOURCE,
      client_id: 'pkce-client',
      scope: 'mcp',
      groups: ['hub-readers'],
      via: 'pkce-client',
    });
  });

  it('signs with a new kid after rotation and publishes it', async () => {
    const before = op.currentKid();
    await op.rotateKeys();
    const after = op.currentKid();
    expect(after).not.toBe(before);
    expect(op.signingKey().publicJwk.kid).toBe(after);

    const token = await op.clientCredentialsToken({ clientId: 'other-client', resource: RESOURCE });
    expect(decodeProtectedHeader(token).kid).toBe(after);
    const jwks = (await (await fetch(op.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual([after, before]);

    // The user flow still works on the swapped provider instance.
    const userToken = await op.authorizationCodeToken({ accountId: 'bob', resource: RESOURCE });
    expect(decodeProtectedHeader(userToken).kid).toBe(after);
    expect(decodeJwt(userToken).sub).toBe('bob');
  });
});

describe('oidc provider fixture lifecycle', () => {
  it('frees its port on close', async () => {
    const op = await startOidcProvider({ accessTokenTtl: 60 });
    const token = await op.clientCredentialsToken({ clientId: 'ci-client', resource: RESOURCE });
    const { exp = 0, iat = 0 } = decodeJwt(token);
    expect(exp - iat).toBe(60);
    await op.close();

    const port = Number(new URL(op.issuer).port);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});
