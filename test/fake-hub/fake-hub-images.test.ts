import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AMD64,
  ARM64,
  addRepo,
  addTag,
  type FakeHub,
  SEED,
  seedTime,
  startFakeHub,
} from './index.js';
import { type TestClient, testClient } from './test-client.js';

let hub: FakeHub;
let c: TestClient;
let aliceRead: string;
let aliceAdmin: string;
let bob: string;

const APP = '/v2/namespaces/acme/repositories/app';
const DIGESTS = SEED.images.acmeApp;

interface ImagePage {
  count: number;
  next: string | null;
  results: Array<{
    digest: string;
    status: string;
    tags: Array<{ tag: string; is_current: boolean }>;
  }>;
}

interface DeleteError {
  errinfo: {
    type: string;
    details: {
      errors: Array<{ repository: string; digest: string; error: string }>;
      warnings: Array<{ repository: string; digest: string; warning: string; tags?: string[] }>;
    };
  };
}

beforeAll(async () => {
  hub = await startFakeHub();
  c = testClient(hub);
  [aliceRead, aliceAdmin, bob] = await Promise.all([
    c.login(SEED.pats.aliceRead),
    c.login(SEED.pats.aliceAdmin),
    c.login(SEED.pats.bobAdmin, 'bob'),
  ]);
});

afterAll(async () => {
  await hub.close();
});

describe('reading images', () => {
  it('summarises acme/app: three tagged images and the untagged inactive one', async () => {
    const res = await c.json(`${APP}/images-summary`, aliceRead);
    expect(res.status).toBe(200);
    expect(res.body.statistics).toEqual({ total: 4, active: 3, inactive: 1 });
    expect(typeof res.body.active_from).toBe('string');
    const old = await c.json(`${APP}/images-summary?active_from=2024-01-01T00:00:00Z`, aliceRead);
    expect(old.body).toEqual({
      active_from: '2024-01-01T00:00:00Z',
      statistics: { total: 4, active: 4, inactive: 0 },
    });
    const future = await c.json(
      `${APP}/images-summary?active_from=2030-01-01T00:00:00Z`,
      aliceRead,
    );
    expect(future.body.statistics).toMatchObject({ active: 0, inactive: 4 });
    expect((await c.call(`${APP}/images-summary?active_from=yesterday`, aliceRead)).status).toBe(
      400,
    );
  });

  it('lists images with their tags, filters and orderings', async () => {
    const all = await c.json<ImagePage>(`${APP}/images`, aliceRead);
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(4);
    expect(all.body.results[0]).toMatchObject({
      digest: DIGESTS.latest,
      tags: [{ tag: 'latest', is_current: true }],
      status: 'active',
    });
    const untagged = await c.json<ImagePage>(`${APP}/images?currently_tagged=false`, aliceRead);
    expect(untagged.body.results).toEqual([
      expect.objectContaining({
        namespace: 'acme',
        repository: 'app',
        digest: DIGESTS.untagged,
        tags: [{ tag: 'v0.9.0', is_current: false }],
        status: 'inactive',
      }),
    ]);
    const inactive = await c.json<ImagePage>(`${APP}/images?status=inactive`, aliceRead);
    expect(inactive.body.results.map((i) => i.digest)).toEqual([DIGESTS.untagged]);
    const byDigest = await c.json<ImagePage>(`${APP}/images?ordering=digest`, aliceRead);
    const digests = byDigest.body.results.map((i) => i.digest);
    expect(digests).toEqual([...digests].sort());
    const paged = await c.json<ImagePage>(`${APP}/images?page_size=3`, aliceRead);
    expect(paged.body.next).toBe(`${hub.url}${APP}/images?page_size=3&page=2`);
    expect((await c.call(`${APP}/images?page_size=101`, aliceRead)).status).toBe(400);
    expect((await c.call(`${APP}/images?ordering=size`, aliceRead)).status).toBe(400);
    expect((await c.call(`${APP}/images?currently_tagged=maybe`, aliceRead)).status).toBe(400);
  });

  it('lists the tags of one image, current and historical', async () => {
    const res = await c.json<ImagePage>(`${APP}/images/${DIGESTS.untagged}/tags`, aliceRead);
    expect(res.body).toEqual({
      count: 1,
      next: null,
      previous: null,
      results: [{ tag: 'v0.9.0', is_current: false }],
    });
    const unknown = await c.call(`${APP}/images/sha256:${'0'.repeat(64)}/tags`, aliceRead);
    expect(unknown.status).toBe(404);
  });

  it('hides private repositories as 404 and serves public ones anonymously', async () => {
    expect((await c.call(`${APP}/images`)).status).toBe(404);
    expect((await c.call(`${APP}/images-summary`, bob)).status).toBe(404);
    const nginx = await c.json<ImagePage>('/v2/namespaces/library/repositories/nginx/images');
    expect(nginx.status).toBe(200);
    expect(nginx.body.count).toBe(SEED.nginxTagCount);
  });

  it('answers 403 on a free plan', async () => {
    const res = await c.json('/v2/namespaces/bob/repositories/secret/images', bob);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'This feature requires a Pro or Team plan' });
    addRepo(hub.state, { namespace: 'bobcorp', name: 'tool' });
    const org = await c.call('/v2/namespaces/bobcorp/repositories/tool/images-summary', bob);
    expect(org.status).toBe(403);
    // alice is on pro.
    expect((await c.call('/v2/namespaces/alice/repositories/tools/images', aliceRead)).status).toBe(
      200,
    );
  });
});

describe('delete-images', () => {
  const path = '/v2/namespaces/acme/delete-images';
  const latest = { repository: 'app', digest: DIGESTS.latest };
  const del = (token: string | undefined, body: unknown) =>
    c.json<DeleteError & Record<string, unknown>>(path, token, { method: 'POST', body });

  it('needs an authenticated admin member of the namespace', async () => {
    const body = { manifests: [latest] };
    expect((await del(undefined, body)).status).toBe(401);
    expect((await del(aliceRead, body)).status).toBe(403);
    expect((await del(bob, body)).status).toBe(403);
    expect((await del(aliceAdmin, { manifests: [] })).status).toBe(400);
    const free = await c.json('/v2/namespaces/bob/delete-images', bob, {
      method: 'POST',
      body: { manifests: [{ repository: 'secret', digest: DIGESTS.latest }] },
    });
    expect(free.status).toBe(403);
  });

  it('warns about an active, tagged image, then deletes it once the warnings are ignored', async () => {
    const warned = await del(aliceAdmin, { manifests: [latest] });
    expect(warned.status).toBe(400);
    expect(warned.body.errinfo.type).toBe('validation');
    expect(warned.body.errinfo.details).toEqual({
      errors: [],
      warnings: [
        { ...latest, warning: 'is_active' },
        { ...latest, warning: 'current_tag', tags: ['latest'] },
      ],
    });
    expect(hub.state.repos.find((r) => r.name === 'app')?.tags).toHaveLength(3);

    const ignore_warnings = warned.body.errinfo.details.warnings;
    const dry = await del(aliceAdmin, { dry_run: true, manifests: [latest], ignore_warnings });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dry_run: true,
      metrics: { manifest_deletes: 1, manifest_errors: 0, tag_deletes: 1, tag_errors: 0 },
    });
    expect((await c.call(`${APP}/tags/latest`, aliceRead)).status).toBe(200);

    // A current_tag acknowledgement must cover every current tag.
    const partial = await del(aliceAdmin, {
      manifests: [latest],
      ignore_warnings: [
        { ...latest, warning: 'is_active' },
        { ...latest, warning: 'current_tag', tags: ['other'] },
      ],
    });
    expect(partial.body.errinfo.details.warnings).toEqual([
      { ...latest, warning: 'current_tag', tags: ['latest'] },
    ]);

    const done = await del(aliceAdmin, { manifests: [latest], ignore_warnings });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ dry_run: false, metrics: { manifest_deletes: 1 } });
    expect((await c.call(`${APP}/tags/latest`, aliceRead)).status).toBe(404);
    const summary = await c.json(`${APP}/images-summary`, aliceRead);
    expect(summary.body.statistics).toMatchObject({ total: 3 });
    expect(hub.state.auditLogs.at(-1)).toMatchObject({
      account: 'acme',
      action: 'repo.tag.delete',
      actor: 'alice',
      data: { tag: 'latest', digest: DIGESTS.latest },
    });
  });

  it('deletes an untagged inactive image without warnings', async () => {
    const res = await del(aliceAdmin, {
      manifests: [{ repository: 'app', digest: DIGESTS.untagged }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ metrics: { manifest_deletes: 1, tag_deletes: 0 } });
    const images = await c.json<ImagePage>(`${APP}/images`, aliceRead);
    expect(images.body.results.map((i) => i.digest)).not.toContain(DIGESTS.untagged);
  });

  it('reports errors that cannot be ignored: unknown digests and multi-arch children', async () => {
    const web = hub.state.repos.find((r) => r.namespace === 'acme' && r.name === 'web');
    if (!web) throw new Error('acme/web missing');
    const multi = addTag(hub.state, web, {
      name: 'multi',
      pushedAt: seedTime(70),
      platforms: [AMD64, ARM64],
    });
    const child = multi.images[0]?.digest ?? '';
    const missing = `sha256:${'1'.repeat(64)}`;
    const res = await del(aliceAdmin, {
      manifests: [
        { repository: 'web', digest: child },
        { repository: 'web', digest: missing },
        { repository: 'nope', digest: missing },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.errinfo.details.errors).toEqual([
      { repository: 'web', digest: child, error: 'child_manifest' },
      { repository: 'web', digest: missing, error: 'not_found' },
      { repository: 'nope', digest: missing, error: 'not_found' },
    ]);
  });
});
