/**
 * The token verifier against a provider stand-in that counts what it is asked: keys found through
 * the issuer's metadata (OpenID discovery, else RFC 8414), metadata that names another issuer
 * refused, a provider that is down answered 503 (not 401: the token may be fine), and made-up key
 * ids unable to make hubgate fetch the JWKS more than once per cooldown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { OAuthConfig } from '../../src/config/types.js';
import { createTokenVerifier } from '../../src/oauth/verifier.js';

const AUDIENCE = 'http://127.0.0.1:9/mcp';
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function provider(options: {
  openid?: boolean;
  issuerInMetadata?: (issuer: string) => string;
}) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const asked: string[] = [];
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    asked.push(path);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const metadata = {
      issuer: options.issuerInMetadata?.(issuer) ?? issuer,
      jwks_uri: `${issuer.replace(/\/tenant$/, '')}/keys`,
    };
    if (path === '/tenant/.well-known/openid-configuration' && options.openid !== false)
      return json(200, metadata);
    if (path === '/.well-known/oauth-authorization-server/tenant') return json(200, metadata);
    if (path === '/keys') return json(200, { keys: [jwk] });
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant`;
  const sign = (kid = 'k1') =>
    new SignJWT({ client_id: 'ci' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  const oauth: OAuthConfig = {
    issuer,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    clockSkewSeconds: 30,
    rules: [],
  };
  return { issuer, asked, sign, oauth };
}

describe('the token verifier', () => {
  it('finds the keys through OpenID discovery, once, and verifies with them', async () => {
    const idp = await provider({});
    const verifier = createTokenVerifier(idp.oauth);
    for (let i = 0; i < 5; i += 1) {
      expect(await verifier.verify(await idp.sign())).toMatchObject({
        ok: true,
        claims: { client_id: 'ci', iss: idp.issuer },
      });
    }
    expect(idp.asked).toEqual(['/tenant/.well-known/openid-configuration', '/keys']);
  });

  it("falls back to RFC 8414's metadata", async () => {
    const idp = await provider({ openid: false });
    const verifier = createTokenVerifier(idp.oauth);
    expect((await verifier.verify(await idp.sign())).ok).toBe(true);
    expect(idp.asked).toEqual([
      '/tenant/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/tenant',
      '/keys',
    ]);
  });

  it('refuses metadata that names another issuer: 503, its keys never fetched', async () => {
    const idp = await provider({ issuerInMetadata: () => 'https://evil.example.com' });
    const checked = await createTokenVerifier(idp.oauth).verify(await idp.sign());
    expect(checked).toMatchObject({ ok: false, status: 503 });
    expect(checked.ok || checked.why).toMatch(/names another issuer/);
    expect(idp.asked).not.toContain('/keys');
  });

  it('answers 503 while the provider is unreachable', async () => {
    const idp = await provider({});
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const checked = await createTokenVerifier(idp.oauth, { timeoutMs: 500 }).verify(
      await idp.sign(),
    );
    expect(checked).toMatchObject({ ok: false, status: 503 });
  });

  it('fetches the keys at most once per cooldown, however many unknown key ids arrive', async () => {
    const idp = await provider({});
    const verifier = createTokenVerifier(idp.oauth, { jwksCooldownMs: 60_000 });
    expect((await verifier.verify(await idp.sign())).ok).toBe(true);
    const refused = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => verifier.verify(await idp.sign(`made-up-${i}`))),
    );
    for (const checked of refused) expect(checked).toMatchObject({ ok: false, status: 401 });
    expect(idp.asked.filter((path) => path === '/keys').length).toBeLessThanOrEqual(2);
    // The real key still works.
    expect((await verifier.verify(await idp.sign())).ok).toBe(true);
  });

  it('refuses what is not a JWT without asking the provider', async () => {
    const idp = await provider({});
    expect(await createTokenVerifier(idp.oauth).verify('hgk_notajwt')).toEqual({
      ok: false,
      status: 401,
      why: 'not a JWT',
    });
    expect(idp.asked).toEqual([]);
  });
});
