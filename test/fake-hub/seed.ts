import {
  auditInvited,
  auditOrgCreated,
  auditPrivacyChanged,
  auditRepoCreated,
  auditTagDeleted,
  auditTagPushed,
  auditTeamCreated,
  auditTeamMemberAdded,
} from './audit.js';
import {
  AMD64,
  ARM64,
  ATTESTATION,
  addManifest,
  addRepo,
  addTag,
  digestOf,
  seedTime,
  uuidOf,
} from './factories.js';
import type {
  GroupRecord,
  HubState,
  OrgRecord,
  OrgRole,
  PatRecord,
  Plan,
  Scope,
  UserRecord,
} from './state.js';

/** Names and secrets tests refer to; the live records are built by createSeedState. */
export const SEED = {
  users: {
    alice: {
      username: 'alice',
      id: 1001,
      uuid: 'a11ce000-0000-4000-8000-000000000001',
      email: 'alice@example.com',
      password: 'alice-password',
      plan: 'pro',
    },
    bob: {
      username: 'bob',
      id: 1002,
      uuid: 'b0b00000-0000-4000-8000-000000000002',
      email: 'bob@example.com',
      plan: 'free',
    },
    /** A plain member of acme, with a repo:admin PAT: her org administration gets 403. */
    carol: {
      username: 'carol',
      id: 1003,
      uuid: 'ca401000-0000-4000-8000-000000000003',
      email: 'carol@example.com',
      plan: 'free',
    },
    /** 2FA is on: /v2/users/login answers 401 with a login_2fa_token, then the code passes. */
    dave: {
      username: 'dave',
      id: 1004,
      uuid: 'da4e0000-0000-4000-8000-000000000004',
      email: 'dave@example.com',
      password: 'dave-password',
      totp: '123456',
      plan: 'free',
    },
  },
  /** Personal access tokens, by owner and scope. */
  pats: {
    aliceRead: 'dckr_pat_alice_read',
    aliceWrite: 'dckr_pat_alice_write',
    aliceAdmin: 'dckr_pat_alice_admin',
    alicePublic: 'dckr_pat_alice_public',
    bobAdmin: 'dckr_pat_bob_admin',
    carolAdmin: 'dckr_pat_carol_admin',
  },
  /** The uuid of each seeded PAT record (GET /v2/access-tokens/{uuid}), by the keys of pats. */
  patUuids: {
    aliceRead: uuidOf('pat:alice:repo:read'),
    aliceWrite: uuidOf('pat:alice:repo:write'),
    aliceAdmin: uuidOf('pat:alice:repo:admin'),
    alicePublic: uuidOf('pat:alice:repo:public_read'),
    bobAdmin: uuidOf('pat:bob:repo:admin'),
    carolAdmin: uuidOf('pat:carol:repo:admin'),
  },
  /**
   * acme: alice owner, carol member; alice is in developers, carol in ops. bobcorp: bob owner.
   * invites: pending invite ids by invitee.
   */
  orgs: {
    acme: {
      orgname: 'acme',
      id: 2001,
      plan: 'team',
      groups: { developers: 101, ops: 102 },
      invites: {
        erin: uuidOf('invite:acme:erin@example.com'),
        frank: uuidOf('invite:acme:frank@example.com'),
      },
      inviteEmails: { erin: 'erin@example.com', frank: 'frank@example.com' },
    },
    bobcorp: {
      orgname: 'bobcorp',
      id: 2002,
      plan: 'free',
      invites: { grace: uuidOf('invite:bobcorp:grace@example.com') },
      inviteEmails: { grace: 'grace@example.com' },
    },
    library: { orgname: 'library', id: 2000 },
  },
  /** Organization access tokens: identifier + secret exchange at /v2/auth/token as the org. */
  oat: {
    acme: {
      identifier: 'acme',
      secret: 'dckr_oat_acme',
      id: uuidOf('oat:acme:ci'),
      label: 'acme-ci',
    },
  },
  /** SCIM bearer tokens by org, and the SCIM ids of the users they provision. */
  scim: { acme: 'scim_token_acme' },
  scimUserIds: {
    acme: { alice: uuidOf('scim:acme:alice'), carol: uuidOf('scim:acme:carol') },
  },
  /**
   * Image digests of acme/app: one per tag (single-platform tags point at their image manifest)
   * and an untagged, inactive one that v0.9.0 used to point at.
   */
  images: {
    acmeApp: {
      'v1.0.0': digestOf('acme/app:v1.0.0@linux/amd64'),
      'v1.1.0': digestOf('acme/app:v1.1.0@linux/amd64'),
      latest: digestOf('acme/app:latest@linux/amd64'),
      untagged: digestOf('acme/app@v0.9.0'),
    },
  },
  /** Seeded audit events of acme. */
  acmeAuditEventCount: 30,
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

function pat(username: string, token: string, scope: Scope, createdAt: string): PatRecord {
  return {
    token,
    label: `${username} ${scope}`,
    scope,
    uuid: uuidOf(`pat:${username}:${scope}`),
    scopes: [scope],
    is_active: true,
    created_at: createdAt,
    last_used: null,
    expires_at: null,
    creator_ip: '127.0.0.1',
    creator_ua: 'fake-hub seed',
    generated_by: 'manual',
  };
}

function user(
  seed: { username: string; id: number; uuid: string; email: string; plan: Plan },
  extra: { full_name: string; location: string; company: string; password: string },
  pats: Array<[string, Scope]>,
  totp: string | null = null,
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
    pats: pats.map(([token, scope], i) => pat(seed.username, token, scope, seedTime(-30 + i))),
    plan: seed.plan,
    totp,
  };
}

function org(
  orgname: string,
  id: number,
  fullName: string,
  planName: string,
  plan: Plan,
  members: Array<[string, OrgRole]>,
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
    plan,
    settings: {
      restricted_images: {
        enabled: false,
        allow_official_images: true,
        allow_verified_publishers: true,
      },
    },
  };
}

function group(orgname: string, id: number, name: string, members: string[]): GroupRecord {
  return { id, uuid: uuidOf(`group:${orgname}:${name}`), name, description: '', members };
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
    invites: [],
    orgTokens: [],
    auditLogs: [],
    scimTokens: new Map(),
    scimUsers: [],
    pendingLogins: new Map(),
  };
  const { alice, bob, carol, dave } = SEED.users;
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
  state.users.set(
    'carol',
    user(carol, { full_name: 'Carol Danvers', location: 'Hala', company: 'Acme', password: '' }, [
      [p.carolAdmin, 'repo:admin'],
    ]),
  );
  state.users.set(
    'dave',
    user(
      dave,
      { full_name: 'Dave Lister', location: 'Red Dwarf', company: '', password: dave.password },
      [],
      dave.totp,
    ),
  );

  const acme = org('acme', SEED.orgs.acme.id, 'Acme Inc.', 'team', 'team', [
    ['alice', 'owner'],
    ['carol', 'member'],
  ]);
  acme.groups.push(
    group('acme', SEED.orgs.acme.groups.developers, 'developers', ['alice']),
    group('acme', SEED.orgs.acme.groups.ops, 'ops', ['carol']),
  );
  state.orgs.set('acme', acme);
  state.orgs.set(
    'bobcorp',
    org('bobcorp', SEED.orgs.bobcorp.id, 'Bobcorp', 'free', 'free', [['bob', 'owner']]),
  );
  state.orgs.set(
    'library',
    org('library', SEED.orgs.library.id, 'Docker Official Images', 'business', 'business', []),
  );

  seedRepos(state);
  seedOrgAdministration(state);
  return state;
}

function seedOrgAdministration(state: HubState): void {
  const { acme, bobcorp } = SEED.orgs;
  state.invites.push(
    {
      id: acme.invites.erin,
      org: 'acme',
      team: 'developers',
      role: 'member',
      inviter_username: 'alice',
      invitee: acme.inviteEmails.erin,
      created_at: seedTime(50),
      resent_count: 0,
    },
    {
      id: acme.invites.frank,
      org: 'acme',
      team: null,
      role: 'editor',
      inviter_username: 'alice',
      invitee: acme.inviteEmails.frank,
      created_at: seedTime(51),
      resent_count: 0,
    },
    {
      id: bobcorp.invites.grace,
      org: 'bobcorp',
      team: null,
      role: 'member',
      inviter_username: 'bob',
      invitee: bobcorp.inviteEmails.grace,
      created_at: seedTime(52),
      resent_count: 0,
    },
  );

  const oat = SEED.oat.acme;
  state.orgTokens.push({
    id: oat.id,
    org: 'acme',
    label: oat.label,
    description: 'CI pipeline',
    token: oat.secret,
    resources: [
      { type: 'TYPE_ORG', path: 'acme', scopes: ['member-read', 'member-edit'] },
      { type: 'TYPE_REPO', path: 'acme/*', scopes: ['repo-pull', 'repo-push'] },
    ],
    created_by: 'alice',
    is_active: true,
    created_at: seedTime(-10),
    expires_at: null,
    last_used_at: null,
  });

  state.scimTokens.set(SEED.scim.acme, 'acme');
  for (const username of ['alice', 'carol'] as const) {
    state.scimUsers.push({
      id: SEED.scimUserIds.acme[username],
      org: 'acme',
      username,
      active: true,
      created: seedTime(-250),
      last_modified: seedTime(-250),
    });
  }

  seedAuditLog(state);
}

/** acme's history, 30 events by alice, carol and the acme org access token. */
function seedAuditLog(state: HubState): void {
  auditOrgCreated(state, 'acme', 'alice', seedTime(-300));
  auditTeamCreated(state, 'acme', 'developers', 'alice', seedTime(-299));
  auditTeamCreated(state, 'acme', 'ops', 'alice', seedTime(-298));
  auditTeamMemberAdded(state, 'acme', 'developers', 'alice', 'alice', seedTime(-297));
  auditInvited(state, 'acme', 'carol', 'member', 'alice', seedTime(-201));
  auditTeamMemberAdded(state, 'acme', 'ops', 'carol', 'alice', seedTime(-200));
  auditRepoCreated(state, 'acme', 'app', 'alice', seedTime(-100));
  auditPrivacyChanged(state, 'acme', 'app', true, 'alice', seedTime(-99));
  auditRepoCreated(state, 'acme', 'web', 'alice', seedTime(-90));
  auditRepoCreated(state, 'acme', 'empty', 'alice', seedTime(-80));
  for (let n = 1; n <= SEED.svcRepoCount; n++) {
    const name = `svc-${String(n).padStart(2, '0')}`;
    auditRepoCreated(state, 'acme', name, SEED.oat.acme.identifier, seedTime(-70 + n));
  }
  const untagged = SEED.images.acmeApp.untagged;
  auditTagPushed(state, 'acme', 'app', 'v0.9.0', untagged, 'carol', seedTime(5));
  auditTagDeleted(state, 'acme', 'app', 'v0.9.0', untagged, 'carol', seedTime(9));
  const app = SEED.images.acmeApp;
  auditTagPushed(state, 'acme', 'app', 'v1.0.0', app['v1.0.0'], 'alice', seedTime(10));
  auditTagPushed(state, 'acme', 'app', 'v1.1.0', app['v1.1.0'], 'alice', seedTime(20));
  auditTagPushed(state, 'acme', 'app', 'latest', app.latest, 'alice', seedTime(21));
  const web = digestOf('acme/web:latest@linux/amd64');
  auditTagPushed(state, 'acme', 'web', 'latest', web, 'alice', seedTime(30));
  auditInvited(state, 'acme', SEED.orgs.acme.inviteEmails.erin, 'member', 'alice', seedTime(50));
  auditInvited(state, 'acme', SEED.orgs.acme.inviteEmails.frank, 'editor', 'alice', seedTime(51));
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
  addTag(state, nginx, {
    name: '1.27',
    pushedAt: seedTime(60),
    platforms: [AMD64, ARM64, ATTESTATION],
  });
  addTag(state, nginx, {
    name: 'alpine',
    pushedAt: seedTime(61),
    platforms: [AMD64, ARM64, ATTESTATION],
  });
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
  // v0.9.0 was deleted: its image stays, untagged and inactive.
  addManifest(app, { ref: 'acme/app@v0.9.0', pushedAt: seedTime(5), previousTags: ['v0.9.0'] });

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
