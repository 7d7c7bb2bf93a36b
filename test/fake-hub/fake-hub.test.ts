import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, SEED, startFakeHub } from './index.js';

let hub: FakeHub;

beforeAll(async () => {
  hub = await startFakeHub();
});

afterAll(async () => {
  await hub.close();
});

function call(path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  return fetch(`${hub.url}${path}`, { ...init, headers });
}

async function login(secret: string, identifier = 'alice'): Promise<string> {
  const res = await call('/v2/auth/token', undefined, {
    method: 'POST',
    body: JSON.stringify({ identifier, secret }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

function claims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

describe('token exchange', () => {
  it('issues a JWT-shaped token carrying the PAT scope', async () => {
    const before = hub.tokenExchanges();
    const token = await login(SEED.pats.aliceRead);
    expect(token.split('.')).toHaveLength(3);
    const payload = claims(token);
    expect(payload.sub).toBe(SEED.users.alice.uuid);
    expect(payload.scope).toBe('repo:read');
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(payload['https://hub.docker.com']).toMatchObject({ username: 'alice' });
    expect(hub.tokenExchanges()).toBe(before + 1);
  });

  it('answers 401 for a wrong secret and 400 for a missing one', async () => {
    const wrong = await call('/v2/auth/token', undefined, {
      method: 'POST',
      body: JSON.stringify({ identifier: 'alice', secret: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ detail: 'Incorrect authentication credentials' });
    const missing = await call('/v2/auth/token', undefined, {
      method: 'POST',
      body: JSON.stringify({ identifier: 'alice' }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toHaveProperty('detail');
  });
});

describe('visibility', () => {
  const app = `/v2/namespaces/${SEED.repos.acmeApp.namespace}/repositories/${SEED.repos.acmeApp.name}`;

  it('hides a private repository as 404 from anonymous callers and outsiders', async () => {
    const anonymous = await call(app);
    expect(anonymous.status).toBe(404);
    expect(await anonymous.json()).toMatchObject({
      message: 'object not found',
      errinfo: { namespace: 'acme', repository: 'app' },
    });
    expect((await call(app, undefined, { method: 'HEAD' })).status).toBe(404);
    const bob = await login(SEED.pats.bobAdmin, 'bob');
    expect((await call(app, bob)).status).toBe(404);
    expect((await call(`${app}/tags`, bob)).status).toBe(404);
  });

  it('shows it to a member with repo:read, with matching permissions', async () => {
    const token = await login(SEED.pats.aliceRead);
    const res = await call(app, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      namespace: 'acme',
      name: 'app',
      is_private: true,
      permissions: { read: true, write: false, admin: false },
    });
  });

  it('keeps a repo:public_read token to public repositories', async () => {
    const token = await login(SEED.pats.alicePublic);
    expect((await call(app, token)).status).toBe(404);
    expect((await call('/v2/namespaces/library/repositories/nginx', token)).status).toBe(200);
    const list = await call('/v2/namespaces/acme/repositories?page_size=100', token);
    const body = (await list.json()) as { results: Array<{ is_private: boolean }> };
    expect(body.results.every((r) => !r.is_private)).toBe(true);
  });

  it('keeps an encoded slash inside its path segment', async () => {
    const res = await call('/v2/namespaces/library/repositories/ngi%2Fnx');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errinfo: { repository: 'ngi/nx' } });
  });
});

describe('pagination', () => {
  it('pages repositories with absolute next links and 404 past the end', async () => {
    const first = await call('/v2/namespaces/acme/repositories?page_size=10');
    const page1 = (await first.json()) as {
      count: number;
      next: string | null;
      results: unknown[];
    };
    // 12 svc repositories plus web and empty; app is private.
    expect(page1.count).toBe(SEED.svcRepoCount + 2);
    expect(page1.results).toHaveLength(10);
    expect(page1.next).toBe(`${hub.url}/v2/namespaces/acme/repositories?page_size=10&page=2`);

    const second = await fetch(page1.next ?? '');
    const page2 = (await second.json()) as {
      next: string | null;
      previous: string | null;
      results: unknown[];
    };
    expect(page2.results).toHaveLength(4);
    expect(page2.next).toBeNull();
    expect(page2.previous).toContain('page=1');

    expect((await call('/v2/namespaces/acme/repositories?page_size=10&page=3')).status).toBe(404);
    expect((await call('/v2/namespaces/acme/repositories?page_size=101')).status).toBe(400);
    expect((await call('/v2/namespaces/acme/repositories?ordering=stars')).status).toBe(400);
  });

  it('lists tags newest push first', async () => {
    const res = await call('/v2/namespaces/library/repositories/nginx/tags?page_size=3');
    const body = (await res.json()) as {
      count: number;
      results: Array<{ name: string; images: unknown[]; digest: string }>;
    };
    expect(body.count).toBe(SEED.nginxTagCount);
    expect(body.results.map((t) => t.name)).toEqual(['latest', 'alpine', '1.27']);
    expect(body.results[0]?.images).toHaveLength(2);
    expect(body.results[0]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      (await call('/v2/namespaces/acme/repositories/empty/tags', undefined, { method: 'HEAD' }))
        .status,
    ).toBe(404);
  });
});

describe('writes', () => {
  const create = (token: string | undefined, name: string) =>
    call('/v2/namespaces/alice/repositories', token, {
      method: 'POST',
      body: JSON.stringify({ name, namespace: 'alice', is_private: true }),
    });

  it('creates a repository that is then visible, and records the body sent', async () => {
    const token = await login(SEED.pats.aliceWrite);
    const res = await create(token, 'new-repo');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      name: 'new-repo',
      namespace: 'alice',
      is_private: true,
    });
    expect((await call('/v2/namespaces/alice/repositories/new-repo', token)).status).toBe(200);
    const list = await call('/v2/namespaces/alice/repositories?name=new', token);
    expect(((await list.json()) as { count: number }).count).toBe(1);
    const sent = hub
      .apiRequests()
      .find((r) => r.method === 'POST' && r.path === '/v2/namespaces/alice/repositories');
    expect(sent?.body).toEqual({ name: 'new-repo', namespace: 'alice', is_private: true });
    expect((await create(token, 'new-repo')).status).toBe(409);
    expect((await create(token, 'Bad_Name!')).status).toBe(400);
  });

  it('refuses a read-only token with 403 and an anonymous caller with 401', async () => {
    const token = await login(SEED.pats.aliceRead);
    expect((await create(token, 'other-repo')).status).toBe(403);
    expect((await create(undefined, 'other-repo')).status).toBe(401);
    expect(hub.state.repos.some((r) => r.name === 'other-repo')).toBe(false);
  });

  it('needs repo:admin for immutable tags', async () => {
    const path = '/v2/namespaces/acme/repositories/app/immutabletags';
    const body = JSON.stringify({ immutable_tags: true, immutable_tags_rules: ['v.*'] });
    const write = await login(SEED.pats.aliceWrite);
    expect((await call(path, write, { method: 'PATCH', body })).status).toBe(403);
    const admin = await login(SEED.pats.aliceAdmin);
    const res = await call(path, admin, { method: 'PATCH', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      immutable_tags_settings: { enabled: true, rules: ['v.*'] },
    });
    const verify = await call(`${path}/verify`, admin, {
      method: 'POST',
      body: JSON.stringify({ regex: 'v1\\..*' }),
    });
    expect(await verify.json()).toEqual({ tags: ['v1.0.0', 'v1.1.0'] });
  });
});

describe('token lifetime', () => {
  it('answers 401 with WWW-Authenticate once tokens are revoked', async () => {
    const token = await login(SEED.pats.aliceRead);
    expect((await call('/v2/user/orgs', token)).status).toBe(200);
    hub.revokeTokens();
    const res = await call('/v2/user/orgs', token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ detail: 'Invalid or expired token' });
    expect((await call('/v2/user/orgs', await login(SEED.pats.aliceRead))).status).toBe(200);
  });
});

describe('faults', () => {
  it('answers an injected 429 with Retry-After and X-Retry-After, once', async () => {
    hub.inject({ path: '/v2/users/alice', status: 429, retryAfterSeconds: 7 });
    const now = Math.floor(Date.now() / 1000);
    const res = await call('/v2/users/alice');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const retryAt = Number(res.headers.get('x-retry-after'));
    expect(retryAt).toBeGreaterThanOrEqual(now + 7);
    expect(retryAt).toBeLessThanOrEqual(now + 9);
    expect((await call('/v2/users/alice')).status).toBe(200);
  });

  it('marks a request aborted when the client leaves during a delay', async () => {
    hub.inject({ path: /^\/v2\/users\/bob$/, delayMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(call('/v2/users/bob', undefined, { signal: controller.signal })).rejects.toThrow();
    const record = hub.requests.findLast((r) => r.path === '/v2/users/bob');
    for (let i = 0; i < 50 && !record?.aborted; i++) await new Promise((r) => setTimeout(r, 10));
    expect(record?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await call('/v2/users/bob')).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('sends rate-limit headers that count down', async () => {
    const first = await call('/v2/users/alice');
    const second = await call('/v2/users/alice');
    expect(first.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(
      Number(first.headers.get('x-ratelimit-remaining')) - 1,
    );
  });

  it('answers 429 once the window is spent', async () => {
    const small = await startFakeHub({ rateLimit: 2 });
    try {
      for (let i = 0; i < 2; i++)
        expect((await fetch(`${small.url}/v2/users/bob`)).status).toBe(200);
      const res = await fetch(`${small.url}/v2/users/bob`);
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({ detail: 'Rate limit exceeded' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('x-retry-after')).toBe(res.headers.get('x-ratelimit-reset'));
    } finally {
      await small.close();
    }
  });
});

describe('other routes', () => {
  it('searches public repositories and rejects a missing query', async () => {
    type Found = { total: number; results: Array<Record<string, unknown>> };
    const res = await call('/api/search/v4?query=NGINX&type=image');
    const body = (await res.json()) as Found;
    expect(body.total).toBe(1);
    expect(body.results[0]).toMatchObject({
      name: 'library/nginx',
      type: 'image',
      badge: 'official',
    });
    expect(typeof body.results[0]?.pull_count).toBe('string');
    // Without a type, as the real v4 search: extensions and plugins mixed in by popularity.
    const mixed = (await (await call('/api/search/v4?query=nginx')).json()) as Found;
    expect(mixed.results.map((r) => r.type).sort()).toEqual(['extension', 'image', 'plugin']);
    const pulls = mixed.results.map((r) => Number(r.pull_count));
    expect(pulls).toEqual([...pulls].sort((a, b) => b - a));
    const plugins = (await (await call('/api/search/v4?query=nginx&type=plugin')).json()) as Found;
    expect(plugins.results.map((r) => r.name)).toEqual(['docker/nginx-log-plugin']);
    expect((await call('/api/search/v4?query=nginx&type=helm')).status).toBe(400);
    expect((await call('/api/search/v4')).status).toBe(400);
  });

  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    const unknown = await call('/v2/nowhere');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Not Found' });
    expect((await call('/v2/users/alice', undefined, { method: 'DELETE' })).status).toBe(405);
  });
});
