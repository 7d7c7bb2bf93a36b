/**
 * hubgate http as an OAuth 2.1 resource server, against a real OpenID provider on loopback
 * (`oidc-provider`, test/helpers/oidc.ts): tokens it mints through client credentials and through
 * authorization code + PKCE sign agents in; the MCP SDK client's own OAuth support finds the
 * provider from hubgate's metadata and gets in by itself; every token that must not pass (expired,
 * for another resource, from another issuer, an unknown key, `alg: none`, HS256 keyed with the
 * public key, a tampered payload) is a 401 with nothing sent to Docker Hub; a key rotation at the
 * provider is picked up; and agent keys keep working beside tokens.
 */
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CryptoKey, exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OidcProviderHarness, startOidcProvider } from '../helpers/oidc.js';
import {
  callTool,
  initializeBody,
  PROTOCOL_HEADERS,
  type ServiceHarness,
  startService,
} from '../http/helpers.js';

let oidc: OidcProviderHarness;
let h: ServiceHarness;
let resource: string;

beforeAll(async () => {
  oidc = await startOidcProvider({
    extraClaims: ({ accountId }) => (accountId === 'alice' ? { groups: ['hub-readers'] } : {}),
  });
  h = await startService({
    agents: {
      'ci-bot': { credential: 'alice', grants: ['repo:library/*=read'] },
      reader: { credential: 'alice', grants: ['repo:library/*=read'], key: false },
    },
    // Fetch the keys again at once on an unknown kid (30 s by default), for the rotation below.
    options: { oauthVerifier: { jwksCooldownMs: 0 } },
    moreConfig: (url) => `oauth:
  issuer: "${oidc.issuer}"
  audience: "${url}/mcp"
  agents:
    - { agent: ci-bot, when: { client_id: ci-client } }
    - { agent: reader, when: { groups: hub-readers, scope: mcp } }
`,
  });
  resource = `${h.url}/mcp`;
}, 30_000);
afterAll(async () => {
  await h?.close();
  await oidc?.close();
});
beforeEach(() => {
  h.hub.clearRequests();
  h.audit.length = 0;
});

const nginxTag = { namespace: 'library', repository: 'nginx', tag: '1.0' };

/** What the service answers an initialize carrying this bearer. */
async function initializeWith(bearer: string) {
  const response = await fetch(resource, {
    method: 'POST',
    headers: { ...PROTOCOL_HEADERS, authorization: `Bearer ${bearer}` },
    body: JSON.stringify(initializeBody(1)),
  });
  const body = await response.text();
  // The refusal's message, or the body as it came.
  let text = body;
  try {
    text = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
  } catch {}
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate') ?? '',
    session: response.headers.get('mcp-session-id'),
    text,
  };
}

/** A token shaped like the provider's, signed by whatever key the case needs. */
async function forge(
  claims: Record<string, unknown>,
  key: { privateKey: CryptoKey | Uint8Array; alg: string; kid?: string },
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'ci-client', scope: 'mcp', ...claims })
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuer(String(claims.iss ?? oidc.issuer))
    .setAudience(String(claims.aud ?? resource))
    .setSubject('ci-client')
    .setIssuedAt(now - 10)
    .setExpirationTime(Number(claims.exp ?? now + 300))
    .sign(key.privateKey);
}

const realKey = () => {
  const { privateKey } = oidc.signingKey();
  return { privateKey, alg: 'RS256', kid: oidc.currentKid() };
};

describe('OAuth access tokens from a real provider', () => {
  it('signs a client-credentials client in as its agent, and records who', async () => {
    const token = await oidc.clientCredentialsToken({ clientId: 'ci-client', resource });
    const connected = await h.connectHttp(token);
    try {
      const result = await callTool(connected.client, 'get_tag', nginxTag);
      expect(result.isError, result.text).toBe(false);
    } finally {
      await connected.close();
    }
    expect(h.audit).toHaveLength(1);
    expect(h.audit[0]).toMatchObject({
      agent: 'ci-bot',
      decision: 'allow',
      principal: { sub: 'ci-client', client_id: 'ci-client' },
    });
    // The token went nowhere but hubgate: not to Docker Hub, not into the record.
    expect(JSON.stringify(h.audit)).not.toContain(token);
    expect(JSON.stringify(h.hub.apiRequests())).not.toContain(token);
    expect(JSON.stringify(h.hub.apiRequests())).not.toContain(token.split('.')[2] as string);
  });

  it('signs a person in through authorization code + PKCE, mapped by group and scope', async () => {
    const token = await oidc.authorizationCodeToken({ accountId: 'alice', resource });
    const connected = await h.connectHttp(token);
    try {
      expect((await callTool(connected.client, 'get_tag', nginxTag)).isError).toBe(false);
    } finally {
      await connected.close();
    }
    expect(h.audit[0]).toMatchObject({
      agent: 'reader',
      principal: { sub: 'alice', client_id: 'pkce-client' },
    });
  });

  it("lets the MCP SDK client's OAuth support find the provider and sign in by itself", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(resource), {
      authProvider: new ClientCredentialsProvider({
        clientId: 'ci-client',
        clientSecret: 'ci-client-secret',
        expectedIssuer: oidc.issuer,
      }),
    });
    const client = new Client({ name: 'oauth-sdk-client', version: '0' });
    await client.connect(transport);
    try {
      const result = await callTool(client, 'get_tag', nginxTag);
      expect(result.isError, result.text).toBe(false);
    } finally {
      await client.close();
    }
    expect(h.audit.at(-1)).toMatchObject({
      agent: 'ci-bot',
      principal: { client_id: 'ci-client' },
    });
  });

  it('publishes its protected-resource metadata and names it on a 401', async () => {
    const metadataUrl = `${h.url}/.well-known/oauth-protected-resource/mcp`;
    const metadata = await fetch(metadataUrl);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toEqual({
      resource,
      authorization_servers: [oidc.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: ['mcp'],
      resource_name: 'hubgate',
    });
    const anonymous = await fetch(resource, {
      method: 'POST',
      headers: PROTOCOL_HEADERS,
      body: JSON.stringify(initializeBody(1)),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      `Bearer realm="hubgate", resource_metadata="${metadataUrl}"`,
    );
  });
});

describe('tokens that must not pass: 401, nothing sent', () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    [
      'expired',
      () => forge({ exp: Math.floor(Date.now() / 1000) - 120 }, realKey()),
      /the token has expired/,
    ],
    [
      'issued for another resource',
      () =>
        oidc.clientCredentialsToken({ clientId: 'ci-client', resource: 'http://127.0.0.1:1/mcp' }),
      /not issued for this resource \(aud\)/,
    ],
    [
      'from another issuer',
      () => forge({ iss: 'http://127.0.0.1:2' }, realKey()),
      /from another issuer \(iss\)/,
    ],
    [
      'signed with a key the provider does not publish',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return forge({}, { privateKey, alg: 'RS256', kid: 'not-published' });
      },
      /a key the issuer does not publish/,
    ],
    [
      'alg none',
      async () => {
        const real = await oidc.clientCredentialsToken({ clientId: 'ci-client', resource });
        const [, payload] = real.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
          'base64url',
        );
        return `${header}.${payload}.`;
      },
      /algorithm not accepted|not acceptable/,
    ],
    [
      'HS256 keyed with the public key',
      async () => {
        const { publicJwk } = oidc.signingKey();
        const publicKey = await importJWK({ ...publicJwk, alg: 'RS256' } as never, 'RS256');
        const pem = await exportSPKI(publicKey as CryptoKey);
        return forge(
          {},
          { privateKey: new TextEncoder().encode(pem), alg: 'HS256', kid: oidc.currentKid() },
        );
      },
      /algorithm not accepted/,
    ],
    [
      'tampered after signing',
      async () => {
        const real = await oidc.clientCredentialsToken({ clientId: 'other-client', resource });
        const [header, payload, signature] = real.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        const changed = Buffer.from(JSON.stringify({ ...claims, client_id: 'ci-client' })).toString(
          'base64url',
        );
        return `${header}.${changed}.${signature}`;
      },
      /signature does not verify/,
    ],
  ];

  it.each(cases)('%s', async (_what, make, why) => {
    const answer = await initializeWith(await make());
    expect(answer.status).toBe(401);
    expect(answer.session).toBeNull();
    expect(answer.text).toMatch(why);
    expect(answer.challenge).toMatch(
      /^Bearer realm="hubgate", error="invalid_token", error_description="[^"]+", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/,
    );
    expect(h.hub.apiRequests()).toEqual([]);
    expect(h.audit).toEqual([]);
  });
});

describe('tokens that pass but map to no agent: 403, nothing sent', () => {
  it('names the missing scope (insufficient_scope) when a rule matches but for it', async () => {
    const token = await oidc.authorizationCodeToken({
      accountId: 'alice',
      resource,
      scope: 'openid',
    });
    const answer = await initializeWith(token);
    expect(answer.status).toBe(403);
    expect(answer.challenge).toMatch(
      /^Bearer error="insufficient_scope", scope="mcp", resource_metadata="/,
    );
    expect(answer.text).toMatch(
      /the token \(sub "alice", client_id "pkce-client"\) needs the scope "mcp"/,
    );
    expect(h.hub.apiRequests()).toEqual([]);
  });

  it('refuses a valid token no rule maps', async () => {
    const token = await oidc.clientCredentialsToken({ clientId: 'other-client', resource });
    const answer = await initializeWith(token);
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(
      /no rule under oauth\.agents maps this token \(sub "other-client", client_id "other-client"\)/,
    );
    expect(h.hub.apiRequests()).toEqual([]);
  });
});

describe('sessions and keys beside tokens', () => {
  it("keeps a session to the token's subject: another agent's token with its id finds nothing", async () => {
    const alice = await oidc.authorizationCodeToken({ accountId: 'alice', resource });
    const opened = await initializeWith(alice);
    expect(opened.status).toBe(200);
    const ci = await oidc.clientCredentialsToken({ clientId: 'ci-client', resource });
    const other = await fetch(resource, {
      method: 'POST',
      headers: {
        ...PROTOCOL_HEADERS,
        authorization: `Bearer ${ci}`,
        'mcp-session-id': opened.session ?? '',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(other.status).toBe(404);
  });

  it('still signs a key in as its agent', async () => {
    const connected = await h.connectHttp(h.keys['ci-bot']);
    try {
      expect((await callTool(connected.client, 'get_tag', nginxTag)).isError).toBe(false);
    } finally {
      await connected.close();
    }
    expect(h.audit[0]).toMatchObject({ agent: 'ci-bot' });
    expect(h.audit[0]).not.toHaveProperty('principal');
  });

  it('picks up a key rotation at the provider', async () => {
    const before = oidc.currentKid();
    await oidc.rotateKeys();
    expect(oidc.currentKid()).not.toBe(before);
    const token = await oidc.clientCredentialsToken({ clientId: 'ci-client', resource });
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid).toBe(
      oidc.currentKid(),
    );
    const answer = await initializeWith(token);
    expect(answer.status, answer.text).toBe(200);
  });
});
