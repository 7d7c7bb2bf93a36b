/**
 * A list an agent sees only part of must answer exactly as if the rest did not exist: no count,
 * page, has_more or `name` filter result may depend on repositories outside its grants, or a
 * hostile agent reconstructs their names one character at a time. Two fake Hubs, one with extra
 * private repositories in acme that no test agent may see, must give every query the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRepo, type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

const HIDDEN = ['secret-plans', 'web-admin', 'aaa-first', 'zzz-last', 'svc', 'we', 'x-web-x'];

const AGENTS = {
  webReader: [{ resource: 'repo:acme/web', access: 'read' as const }],
  svcReader: [{ resource: 'repo:acme/svc-*', access: 'read' as const }],
};

let plain: FakeHub;
let seeded: FakeHub;
const sessions: Record<string, [Harness, Harness]> = {};

beforeAll(async () => {
  plain = await startFakeHub();
  seeded = await startFakeHub();
  for (const name of HIDDEN) addRepo(seeded.state, { namespace: 'acme', name, is_private: true });
  for (const [name, grants] of Object.entries(AGENTS)) {
    const open = (hub: FakeHub) =>
      startHarness({ hub, credential: ALICE_ADMIN, agent: { name, grants } });
    sessions[name] = [await open(plain), await open(seeded)];
  }
});
afterAll(async () => {
  await Promise.all(
    Object.values(sessions)
      .flat()
      .map((h) => h.close()),
  );
  await Promise.all([plain.close(), seeded.close()]);
});

const QUERIES: Record<string, unknown>[] = [
  {},
  { page_size: 1 },
  { page_size: 1, page: 2 },
  { page_size: 2, page: 3 },
  { page_size: 5, page: 3 },
  { page: 9 },
  { name: 'w' },
  { name: 'we' },
  { name: 'web' },
  { name: 'web-' },
  { name: 'secret' },
  { name: 's' },
  { name: 'svc' },
  { name: 'svc-1', page_size: 1 },
  { name: 'a' },
  { name: 'zzz' },
  { ordering: 'name', page_size: 1 },
  { ordering: '-name', page_size: 3, page: 2 },
  { ordering: 'last_updated' },
  { all_pages: true },
  { all_pages: true, max_items: 3 },
  { name: 'e', detail: 'full' },
  { all_pages: true, detail: 'full' },
];

describe('list_repositories for an agent that sees part of a namespace', () => {
  for (const agent of Object.keys(AGENTS)) {
    it.each(QUERIES.map((query) => [JSON.stringify(query), query] as const))(
      `${agent}: %s answers the same whatever is hidden`,
      async (_name, query) => {
        const [a, b] = sessions[agent] as [Harness, Harness];
        const args = { namespace: 'acme', ...query };
        const [withoutHidden, withHidden] = await Promise.all([
          a.call('list_repositories', args),
          b.call('list_repositories', args),
        ]);
        expect(withoutHidden.isError).toBe(false);
        expect(withHidden.text).toBe(withoutHidden.text);
        const listed = [...withHidden.text.matchAll(/"name":"([^"]*)"/g)].map((m) => m[1]);
        expect(listed.filter((name) => HIDDEN.includes(name as string))).toEqual([]);
      },
    );
  }

  it('counts, pages and filters the visible repositories as a whole list of them would', async () => {
    const [h] = sessions.svcReader as [Harness, Harness];
    const page = await h.call('list_repositories', { namespace: 'acme', page_size: 5, page: 3 });
    expect(page.json).toMatchObject({ count: 12, page: 3, page_size: 5, has_more: false });
    expect(page.json.items.map((item: { name: string }) => item.name)).toEqual([
      'svc-11',
      'svc-12',
    ]);
    const filtered = await h.call('list_repositories', { namespace: 'acme', name: 'svc-1' });
    expect(filtered.json).toMatchObject({ count: 3, has_more: false });
    expect(filtered.json.note).toMatch(/only items within this agent's grants/);
    expect(filtered.json).not.toHaveProperty('hidden_by_policy');
  });
});
