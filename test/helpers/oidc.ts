/**
 * A real OpenID provider (the `oidc-provider` package) on loopback, for testing hubgate's OAuth
 * resource-server side against tokens a standard authorization server actually mints, instead of
 * against tokens we sign ourselves and could get subtly wrong in the same way as the verifier.
 *
 * It issues RS256 JWT access tokens for an RFC 8707 resource (the token's `aud`), through the
 * client-credentials grant and through the authorization-code + PKCE flow, which is driven
 * headlessly here: the interaction (login, consent) is answered by a tiny route on the same
 * server, and the browser is replaced by `fetch` with a cookie jar.
 *
 * Signing keys can be rotated while the issuer URL (and so its port) stays the same; see
 * `rotateKeys` for why that swaps the provider instance behind the one HTTP server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';

export interface OidcProviderHarness {
  /** The issuer URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  issuer: string;
  /** The JWKS URL the provider publishes (from its discovery document). */
  jwksUri: string;
  /**
   * Client-credentials grant for a registered confidential client (`ci-client`, `other-client`);
   * returns the JWT access token string. `resource` is the RFC 8707 resource indicator (becomes
   * `aud`); `scope` defaults to `mcp`. Throws with the provider's error body on failure.
   */
  clientCredentialsToken(options: {
    clientId: string;
    resource: string;
    scope?: string;
  }): Promise<string>;
  /**
   * Authorization code + PKCE (S256) flow for the public client `pkce-client`, driven headlessly
   * (no browser): log in as `accountId`, consent, exchange the code; returns the JWT access token
   * for `resource`. `scope` defaults to `openid mcp`.
   */
  authorizationCodeToken(options: {
    accountId: string;
    resource: string;
    scope?: string;
  }): Promise<string>;
  /**
   * Start signing with a NEW key (new kid). The JWKS then publishes the new key and the one it
   * replaces (older keys are dropped, so a key two rotations old is no longer published).
   */
  rotateKeys(): Promise<void>;
  /** The kid currently used to sign. */
  currentKid(): string;
  /**
   * The private key currently used to sign and its public JWK, so tests can forge tokens: sign
   * HS256 with the public key bytes, tamper, etc.
   */
  signingKey(): { privateKey: CryptoKey; publicJwk: Record<string, unknown> };
  close(): Promise<void>;
}

/** The scopes a resource server accepts; `openid` is the provider's own. */
const RESOURCE_SCOPE = 'mcp hub:read hub:write';
/** Never dereferenced: the flow stops at the redirect and reads the code from the Location. */
const PKCE_REDIRECT_URI = 'http://127.0.0.1:1/callback';
const PKCE_CLIENT_ID = 'pkce-client';
const CONFIDENTIAL_CLIENTS = ['ci-client', 'other-client'] as const;

/** Secrets are fixed and derived from the id: the harness is the only one presenting them. */
function secretOf(clientId: string): string {
  return `${clientId}-secret`;
}

// oidc-provider ships no type declarations: type just the surface used here.
interface InteractionLike {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}

interface GrantLike {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}

interface ProviderLike {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionLike>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: (new (properties: {
    accountId: string;
    clientId: string;
  }) => GrantLike) & {
    find(id: string): Promise<GrantLike | undefined>;
  };
}

type ProviderConstructor = new (issuer: string, config: Record<string, unknown>) => ProviderLike;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The token as `extraTokenClaims` sees it (an AccessToken or ClientCredentials model). */
interface TokenLike {
  clientId: string;
  accountId?: string;
}

/**
 * oidc-provider's construction-time warnings that are expected here and say nothing about the
 * test: it asks for a newer Node LTS than the 20 this repository supports (it works on 20), and
 * it warns that its in-memory adapter loses state on restart, which is what a fixture wants.
 */
const EXPECTED_WARNINGS = [
  'oidc-provider WARNING: Unsupported runtime',
  'oidc-provider WARNING: a quick start development-only in-memory adapter is used',
];

/** Runs `work` with just the expected warnings dropped; any other warning still prints. */
async function withoutExpectedWarnings<T>(work: () => T | Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const [first] = args;
    if (typeof first === 'string' && EXPECTED_WARNINGS.some((text) => first.includes(text))) {
      return;
    }
    warn(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
}

let providerClass: Promise<ProviderConstructor> | undefined;

function loadProvider(): Promise<ProviderConstructor> {
  providerClass ??= withoutExpectedWarnings(async () => {
    // A specifier held in a variable, because the package has no declarations: TypeScript then
    // types the import as `any` instead of failing, and the cast gives it the local shape.
    const specifier: string = 'oidc-provider';
    const { default: Provider } = (await import(specifier)) as {
      default: ProviderConstructor;
    };
    return Provider;
  });
  return providerClass;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(12).toString('base64url');
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
    publicJwk: { ...(await exportJWK(publicKey)), ...meta },
  };
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A minimal cookie jar: enough for the provider's session and interaction cookies. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // The provider clears a cookie by expiring it in the past with an empty value.
      const expired = attributes.some((attribute) => {
        const [key = '', date = ''] = attribute.split('=');
        return key.trim().toLowerCase() === 'expires' && Date.parse(date) <= Date.now();
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function requestToken(
  tokenEndpoint: string,
  body: URLSearchParams,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`token request failed: ${response.status} ${text}`);
  }
  const parsed = JSON.parse(text) as { access_token?: unknown };
  if (typeof parsed.access_token !== 'string') {
    throw new Error(`token response has no access_token: ${text}`);
  }
  return parsed.access_token;
}

export async function startOidcProvider(
  options: {
    /** Extra claims to merge into access tokens, per client and (for user tokens) account. */
    extraClaims?: (who: { clientId: string; accountId?: string }) => Record<string, unknown>;
    /** Access token lifetime in seconds (default 300). */
    accessTokenTtl?: number;
  } = {},
): Promise<OidcProviderHarness> {
  const Provider = await loadProvider();
  const accessTokenTtl = options.accessTokenTtl ?? 300;
  const extraClaims = options.extraClaims;

  // The issuer must name the real port, so the server is listening before the provider exists.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  // Kept across provider instances so that session and interaction cookies stay valid.
  const cookieKeys = [randomBytes(32).toString('base64url')];

  const config = (keys: SigningKey[]): Record<string, unknown> => ({
    clients: [
      ...CONFIDENTIAL_CLIENTS.map((clientId) => ({
        client_id: clientId,
        client_secret: secretOf(clientId),
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      })),
      {
        client_id: PKCE_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        // Not refresh_token: the provider only offers that grant with an offline_access scope,
        // which no test needs.
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [PKCE_REDIRECT_URI],
      },
    ],
    // The first key is the one selected to sign, so rotation puts the new key first.
    jwks: { keys: keys.map((key) => key.privateJwk) },
    cookies: { keys: cookieKeys },
    scopes: ['openid', ...RESOURCE_SCOPE.split(' ')],
    pkce: { required: () => true },
    // Explicit lifetimes, in seconds; the defaults work but print a notice each first use. JWT
    // access tokens take theirs from getResourceServerInfo below; these cover the rest.
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    findAccount: async (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: async () => ({ sub: accountId }),
    }),
    extraTokenClaims: async (_ctx: unknown, token: TokenLike) => {
      if (!extraClaims) return undefined;
      const who: { clientId: string; accountId?: string } = { clientId: token.clientId };
      if (token.accountId !== undefined) who.accountId = token.accountId;
      return extraClaims(who);
    },
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    features: {
      // The interaction is answered by the route below; the built-in dev pages are not needed.
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string | string[]) =>
          oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => ({
          scope: RESOURCE_SCOPE,
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: accessTokenTtl,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });

  let keys = [await newSigningKey()];
  let provider = await withoutExpectedWarnings(() => new Provider(issuer, config(keys)));
  let providerHandler = provider.callback();

  /** Answers the login and consent prompts the way a user clicking "yes" would. */
  async function interaction(
    req: IncomingMessage,
    res: ServerResponse,
    step: string | undefined,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (step === undefined) {
      // What a login or consent page would render: which prompt, for which client.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name }));
      return;
    }
    if (step !== details.prompt.name) {
      throw new Error(`interaction is at prompt ${details.prompt.name}, not ${step}`);
    }
    if (step === 'login') {
      const accountId = (await readForm(req)).get('accountId');
      if (!accountId) throw new Error('login needs an accountId');
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Consent: grant exactly what the provider says is missing, resource scopes included.
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (typeof accountId !== 'string' || typeof clientId !== 'string') {
      throw new Error('consent without a logged-in account or a client');
    }
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    const match = /^\/interaction\/([^/]+)(?:\/(login|consent))?$/.exec(path);
    if (!match) {
      providerHandler(req, res);
      return;
    }
    if ((match[2] === undefined) !== (req.method === 'GET')) {
      res.writeHead(405).end();
      return;
    }
    interaction(req, res, match[2]).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });

  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
    token_endpoint: string;
    authorization_endpoint: string;
  };
  const { jwks_uri: jwksUri, token_endpoint: tokenEndpoint } = discovery;
  const authorizationEndpoint = discovery.authorization_endpoint;

  const current = (): SigningKey => {
    const [key] = keys;
    if (!key) throw new Error('no signing key');
    return key;
  };

  return {
    issuer,
    jwksUri,

    clientCredentialsToken({ clientId, resource, scope = 'mcp' }) {
      const basic = Buffer.from(
        `${encodeURIComponent(clientId)}:${encodeURIComponent(secretOf(clientId))}`,
      ).toString('base64');
      return requestToken(
        tokenEndpoint,
        new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
        { authorization: `Basic ${basic}` },
      );
    },

    async authorizationCodeToken({ accountId, resource, scope = 'openid mcp' }) {
      const verifier = base64url(randomBytes(32));
      const challenge = base64url(createHash('sha256').update(verifier).digest());
      const state = base64url(randomBytes(16));
      const jar = new CookieJar();

      const authorize = new URL(authorizationEndpoint);
      authorize.search = new URLSearchParams({
        client_id: PKCE_CLIENT_ID,
        response_type: 'code',
        redirect_uri: PKCE_REDIRECT_URI,
        scope,
        resource,
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();

      // Follow redirects by hand: the cookies must travel, and the last hop is never fetched.
      let next: URL = authorize;
      let code: string | undefined;
      for (let hop = 0; hop < 10 && code === undefined; hop++) {
        if (next.href.startsWith(PKCE_REDIRECT_URI)) {
          const error = next.searchParams.get('error');
          if (error) {
            throw new Error(
              `authorization failed: ${error} ${next.searchParams.get('error_description') ?? ''}`,
            );
          }
          if (next.searchParams.get('state') !== state) throw new Error('state mismatch');
          code = next.searchParams.get('code') ?? undefined;
          if (!code) throw new Error(`redirect without a code: ${next.href}`);
          break;
        }
        let response = await fetch(next, {
          redirect: 'manual',
          headers: { cookie: jar.header() },
        });
        jar.store(response);
        const interactionPath = /^\/interaction\/[^/]+$/.exec(next.pathname);
        if (interactionPath && response.ok) {
          const page = (await response.json()) as { prompt: string };
          const body =
            page.prompt === 'login' ? new URLSearchParams({ accountId }) : new URLSearchParams();
          response = await fetch(new URL(`${next.pathname}/${page.prompt}`, issuer), {
            method: 'POST',
            redirect: 'manual',
            headers: {
              cookie: jar.header(),
              'content-type': 'application/x-www-form-urlencoded',
            },
            body,
          });
          jar.store(response);
        }
        const location = response.headers.get('location');
        if (response.status < 300 || response.status >= 400 || !location) {
          throw new Error(
            `authorization flow stopped at ${next.pathname}: ${response.status} ${await response.text()}`,
          );
        }
        await response.body?.cancel();
        next = new URL(location, next);
      }
      if (code === undefined) throw new Error('authorization flow did not reach the redirect');

      return requestToken(
        tokenEndpoint,
        new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: PKCE_REDIRECT_URI,
          client_id: PKCE_CLIENT_ID,
          code_verifier: verifier,
          resource,
        }),
      );
    },

    // oidc-provider reads `jwks` once, in its constructor, and exposes no way to change the
    // keystore or the published JWKS afterwards. So rotation builds a new Provider with the new
    // key first (it signs) and the previous one second (still published, for tokens in flight),
    // and points the same listening server at it. Clients are static config and the default
    // in-memory adapter's storage is module-wide, so sessions and grants survive the swap.
    async rotateKeys() {
      const previous = current();
      const next = await newSigningKey();
      const nextKeys = [next, previous];
      const nextProvider = await withoutExpectedWarnings(
        () => new Provider(issuer, config(nextKeys)),
      );
      keys = nextKeys;
      provider = nextProvider;
      providerHandler = nextProvider.callback();
    },

    currentKid() {
      return current().kid;
    },

    signingKey() {
      const key = current();
      return { privateKey: key.privateKey, publicJwk: { ...key.publicJwk } };
    },

    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // fetch keeps connections alive; without this, close waits for them to time out.
      server.closeAllConnections();
      await closed;
    },
  };
}
