import { AMD64, ARM64, addRepo, addTag, seedTime } from './factories.js';
import type { HubState, OrgRecord, Scope, UserRecord } from './state.js';

/** Names and secrets tests refer to; the live records are built by createSeedState. */
export const SEED = {
  users: {
    alice: {
      username: 'alice',
      id: 1001,
      uuid: 'a11ce000-0000-4000-8000-000000000001',
      email: 'alice@example.com',
      password: 'alice-password',
    },
    bob: {
      username: 'bob',
      id: 1002,
      uuid: 'b0b00000-0000-4000-8000-000000000002',
      email: 'bob@example.com',
    },
  },
  /** Personal access tokens, by owner and scope. */
  pats: {
    aliceRead: 'dckr_pat_alice_read',
    aliceWrite: 'dckr_pat_alice_write',
    aliceAdmin: 'dckr_pat_alice_admin',
    alicePublic: 'dckr_pat_alice_public',
    bobAdmin: 'dckr_pat_bob_admin',
  },
  orgs: {
    acme: { orgname: 'acme', id: 2001, groups: { developers: 101, ops: 102 } },
    bobcorp: { orgname: 'bobcorp', id: 2002 },
    library: { orgname: 'library', id: 2000 },
  },
  repos: {
    nginx: { namespace: 'library', name: 'nginx', isPrivate: false },
    alpine: { namespace: 'library', name: 'alpine', isPrivate: false },
    acmeApp: { namespace: 'acme', name: 'app', isPrivate: true },
    acmeWeb: { namespace: 'acme', name: 'web', isPrivate: false },
    acmeEmpty: { namespace: 'acme', name: 'empty', isPrivate: false },
    aliceTools: { namespace: 'alice', name: 'tools', isPrivate: true },
    bobSecret: { namespace: 'bob', name: 'secret', isPrivate: true },
  },
  /** acme/svc-01 .. acme/svc-12, public, so that repository listing paginates. */
  svcRepoCount: 12,
  /** library/nginx: latest, 1.27, alpine, 1.0 .. 1.21. */
  nginxTagCount: 25,
  /** latest, 1.27 and alpine carry linux/amd64 and linux/arm64/v8 images. */
  nginxMultiArchTags: ['latest', '1.27', 'alpine'],
} as const;

function user(
  seed: { username: string; id: number; uuid: string; email: string },
  extra: { full_name: string; location: string; company: string; password: string },
  pats: Array<[string, Scope]>,
): UserRecord {
  return {
    id: seed.id,
    uuid: seed.uuid,
    username: seed.username,
    email: seed.email,
    full_name: extra.full_name,
    location: extra.location,
    company: extra.company,
    profile_url: `https://example.com/${seed.username}`,
    date_joined: seedTime(-400),
    gravatar_url: '',
    password: extra.password,
    pats: pats.map(([token, scope]) => ({ token, label: `${seed.username} ${scope}`, scope })),
  };
}

function org(
  orgname: string,
  id: number,
  fullName: string,
  planName: string,
  members: Array<[string, 'owner' | 'member']>,
): OrgRecord {
  return {
    id,
    uuid: `0f000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    orgname,
    full_name: fullName,
    location: '',
    company: fullName,
    profile_url: `https://example.com/${orgname}`,
    date_joined: seedTime(-300),
    gravatar_url: '',
    badge: 'none',
    plan_name: planName,
    members: new Map(members),
    groups: [],
  };
}

/** Builds a fresh, unshared state: every startFakeHub call gets its own. */
export function createSeedState(): HubState {
  let lastId = 5000;
  const state: HubState = {
    users: new Map(),
    orgs: new Map(),
    repos: [],
    tokens: new Map(),
    nextId: () => ++lastId,
  };
  const { alice, bob } = SEED.users;
  const p = SEED.pats;
  state.users.set(
    'alice',
    user(
      alice,
      {
        full_name: 'Alice Liddell',
        location: 'Wonderland',
        company: 'Acme',
        password: alice.password,
      },
      [
        [p.aliceRead, 'repo:read'],
        [p.aliceWrite, 'repo:write'],
        [p.aliceAdmin, 'repo:admin'],
        [p.alicePublic, 'repo:public_read'],
      ],
    ),
  );
  state.users.set(
    'bob',
    user(
      bob,
      // Bob has no usable password: only his PAT authenticates.
      { full_name: 'Bob Builder', location: 'Elsewhere', company: 'Bobcorp', password: '' },
      [[p.bobAdmin, 'repo:admin']],
    ),
  );

  const acme = org('acme', SEED.orgs.acme.id, 'Acme Inc.', 'team', [['alice', 'owner']]);
  acme.groups.push(
    { id: SEED.orgs.acme.groups.developers, name: 'developers', description: '', members: [] },
    { id: SEED.orgs.acme.groups.ops, name: 'ops', description: '', members: [] },
  );
  state.orgs.set('acme', acme);
  state.orgs.set(
    'bobcorp',
    org('bobcorp', SEED.orgs.bobcorp.id, 'Bobcorp', 'free', [['bob', 'member']]),
  );
  state.orgs.set(
    'library',
    org('library', SEED.orgs.library.id, 'Docker Official Images', 'business', []),
  );

  seedRepos(state);
  return state;
}

function seedRepos(state: HubState): void {
  const aliceUpdater = { id: SEED.users.alice.id, username: 'alice' };
  const bobUpdater = { id: SEED.users.bob.id, username: 'bob' };

  const nginx = addRepo(state, {
    namespace: 'library',
    name: 'nginx',
    description: 'Official build of Nginx.',
    full_description: '# nginx\n\nThe official nginx image.',
    star_count: 20_000,
    pull_count: 1_000_000_000,
    createdAt: seedTime(-1000),
    categories: [{ name: 'Web Servers', slug: 'web-servers' }],
  });
  for (let minor = 0; minor <= 21; minor++) {
    addTag(state, nginx, { name: `1.${minor}`, pushedAt: seedTime(minor) });
  }
  addTag(state, nginx, { name: '1.27', pushedAt: seedTime(60), platforms: [AMD64, ARM64] });
  addTag(state, nginx, { name: 'alpine', pushedAt: seedTime(61), platforms: [AMD64, ARM64] });
  addTag(state, nginx, { name: 'latest', pushedAt: seedTime(62), platforms: [AMD64, ARM64] });

  const alpine = addRepo(state, {
    namespace: 'library',
    name: 'alpine',
    description: 'A minimal Docker image based on Alpine Linux.',
    star_count: 11_000,
    pull_count: 900_000_000,
    createdAt: seedTime(-1000),
    categories: [{ name: 'Operating Systems', slug: 'operating-systems' }],
  });
  addTag(state, alpine, { name: '3.20', pushedAt: seedTime(40), platforms: [AMD64, ARM64] });
  addTag(state, alpine, { name: 'latest', pushedAt: seedTime(41), platforms: [AMD64, ARM64] });

  const app = addRepo(state, {
    namespace: 'acme',
    name: 'app',
    is_private: true,
    description: 'Acme application',
    pull_count: 500,
    createdAt: seedTime(-100),
  });
  addTag(state, app, { name: 'v1.0.0', pushedAt: seedTime(10), updater: aliceUpdater });
  addTag(state, app, { name: 'v1.1.0', pushedAt: seedTime(20), updater: aliceUpdater });
  addTag(state, app, { name: 'latest', pushedAt: seedTime(21), updater: aliceUpdater });

  const web = addRepo(state, {
    namespace: 'acme',
    name: 'web',
    description: 'Acme website',
    pull_count: 300,
    createdAt: seedTime(-90),
  });
  addTag(state, web, { name: 'latest', pushedAt: seedTime(30), updater: aliceUpdater });

  addRepo(state, {
    namespace: 'acme',
    name: 'empty',
    description: 'Nothing pushed yet',
    createdAt: seedTime(-80),
  });

  for (let n = 1; n <= SEED.svcRepoCount; n++) {
    const svc = addRepo(state, {
      namespace: 'acme',
      name: `svc-${String(n).padStart(2, '0')}`,
      description: `Acme service ${n}`,
      pull_count: n * 10,
      createdAt: seedTime(-70 + n),
    });
    addTag(state, svc, { name: 'latest', pushedAt: seedTime(n), updater: aliceUpdater });
  }

  const tools = addRepo(state, {
    namespace: 'alice',
    name: 'tools',
    is_private: true,
    description: "Alice's tools",
    createdAt: seedTime(-50),
  });
  addTag(state, tools, { name: 'dev', pushedAt: seedTime(5), updater: aliceUpdater });

  const secret = addRepo(state, {
    namespace: 'bob',
    name: 'secret',
    is_private: true,
    description: "Bob's secret",
    createdAt: seedTime(-50),
  });
  addTag(state, secret, { name: 'latest', pushedAt: seedTime(6), updater: bobUpdater });
}
