/**
 * The policy-bypass corpus: hand-written attacks by agents with narrow grants, each of which must
 * be refused with nothing sent to Docker Hub and an audit record that says deny. The exceptions
 * are stated per row: the invite confirmation read may happen (never the action it guards), and
 * an all_pages call sends its first page (never a next link that leaves the endpoint).
 *
 * A few rows marked "control" are calls the same agents ARE allowed: they prove the refusals come
 * from the policy, not from a harness that refuses everything. Every row ends with the invariant
 * of ./invariant.ts over what the fake Hub received.
 */
import {
  type CallToolResult,
  CallToolResultSchema,
  ErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/hub/auth.js';
import type { AgentPolicy } from '../../src/policy/types.js';
import { catalog } from '../../src/tools/index.js';
import { visibleTools } from '../../src/tools/visible.js';
import {
  addRepo,
  type FakeHub,
  type RecordedRequest,
  SEED,
  startFakeHub,
} from '../fake-hub/index.js';
import { ADMIN_AGENT, ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';
import { CASES } from '../tools/cases/index.js';
import { HubInvariant } from './invariant.js';

// ---- agents -------------------------------------------------------------------------------

interface AgentSpec {
  agent: AgentPolicy;
  credential?: Credential;
  scim?: { org: string; token: string };
}

const AGENTS = {
  /** The glob of the brief: repo:myorg/app-*, with myorg = acme (acme/app exists at the Hub). */
  appWriter: {
    agent: { name: 'app-writer', grants: [{ resource: 'repo:acme/app-*', access: 'write' }] },
    credential: ALICE_ADMIN,
  },
  appAdmin: {
    agent: { name: 'app-admin', grants: [{ resource: 'repo:acme/app-*', access: 'admin' }] },
    credential: ALICE_ADMIN,
  },
  webReader: {
    agent: { name: 'web-reader', grants: [{ resource: 'repo:acme/web', access: 'read' }] },
    credential: ALICE_ADMIN,
  },
  orgWriter: {
    agent: { name: 'org-writer', grants: [{ resource: 'org:acme', access: 'write' }] },
    credential: ALICE_ADMIN,
  },
  /** A SCIM grant but no SCIM credential. */
  scimNoCredential: {
    agent: { name: 'scim-no-credential', grants: [{ resource: 'scim:acme', access: 'admin' }] },
    credential: ALICE_ADMIN,
  },
  /** acme's SCIM credential, but a grant on another org's SCIM. */
  scimOtherOrg: {
    agent: { name: 'scim-other-org', grants: [{ resource: 'scim:bobcorp', access: 'admin' }] },
    credential: ALICE_ADMIN,
    scim: { org: 'acme', token: SEED.scim.acme },
  },
  /** Everything an admin has, except auth. */
  noAuth: {
    agent: {
      name: 'no-auth',
      grants: [
        { resource: 'repo:*/*', access: 'admin' },
        { resource: 'org:*', access: 'admin' },
        { resource: 'scim:*', access: 'admin' },
        { resource: 'account', access: 'admin' },
        { resource: 'catalog', access: 'read' },
      ],
    },
    credential: ALICE_ADMIN,
  },
  /** Repository admin without read on its org (assign_repository_group needs both). */
  repoAdminNoOrg: {
    agent: {
      name: 'repo-admin-no-org',
      grants: [
        { resource: 'repo:acme/app', access: 'admin' },
        { resource: 'org:bobcorp', access: 'read' },
      ],
    },
    credential: ALICE_ADMIN,
  },
  /** Wide grants narrowed by tool lists: deny wins over allow. */
  toolLists: {
    agent: {
      name: 'tool-lists',
      grants: [{ resource: 'repo:acme/*', access: 'admin' }],
      tools: { allow: ['get_repository', 'list_tags'], deny: ['list_tags'] },
    },
    credential: ALICE_ADMIN,
  },
  /** Org admin, but read on one repository only: the tokens it mints must stay within that. */
  orgAdminWebReader: {
    agent: {
      name: 'org-admin-web-reader',
      grants: [
        { resource: 'org:acme', access: 'admin' },
        { resource: 'repo:acme/web', access: 'read' },
      ],
    },
    credential: ALICE_ADMIN,
  },
  /** Org admin with write on every acme repository: a token for acme/* with push is its own. */
  orgAdminAllRepos: {
    agent: {
      name: 'org-admin-all-repos',
      grants: [
        { resource: 'org:acme', access: 'admin' },
        { resource: 'repo:acme/*', access: 'write' },
      ],
    },
    credential: ALICE_ADMIN,
  },
  admin: { agent: ADMIN_AGENT, credential: ALICE_ADMIN },
} satisfies Record<string, AgentSpec>;

type AgentKey = keyof typeof AGENTS;

interface Session {
  h: Harness;
  hub: FakeHub;
  invariant: HubInvariant;
}

const sessions = new Map<AgentKey, Session>();

async function sessionOf(key: AgentKey): Promise<Session> {
  let session = sessions.get(key);
  if (!session) {
    const spec: AgentSpec = AGENTS[key];
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    // Neighbours of the app-* glob that exist, so a wrongly allowed call would really act.
    for (const name of ['app-x', 'app-1', 'apps']) addRepo(hub.state, { namespace: 'acme', name });
    addRepo(hub.state, { namespace: 'acme2', name: 'app-x' });
    const h = await startHarness({
      agent: spec.agent,
      ...(spec.credential ? { credential: spec.credential } : {}),
      ...(spec.scim ? { scim: spec.scim } : {}),
      hub,
    });
    const invariant = new HubInvariant(hub, {
      agent: spec.agent,
      ...(spec.credential ? { credential: spec.credential } : {}),
      ...(spec.scim ? { scimOrg: spec.scim.org } : {}),
    });
    session = { h, hub, invariant };
    sessions.set(key, session);
  }
  return session;
}

afterAll(async () => {
  for (const { h, hub } of sessions.values()) {
    await h.close();
    await hub.close();
  }
});

// ---- rows ---------------------------------------------------------------------------------

type Expectation =
  /** The schema refuses: "Invalid arguments for …", nothing sent. */
  | 'invalid'
  /** The policy refuses: "Refused by hubgate policy …", nothing sent. */
  | 'refused'
  /** The invite confirmation read says no: that GET only, never the action. */
  | 'unconfirmed'
  /** Not a tool: a JSON-RPC error, nothing sent. */
  | 'unknown-tool'
  /** all_pages: the first page only; the next link is not followed. */
  | 'link-refused'
  /** Control: the same agent's granted call goes through. */
  | 'allowed';

interface Attack {
  what: string;
  agent: AgentKey;
  tool: string;
  /** Arguments, or a function of the session (URLs of the fake Hub, JSON with own `__proto__`). */
  args: Record<string, unknown> | ((session: Session) => Record<string, unknown>);
  expect: Expectation;
  /** Before the call: inject a fault (a tampered page). */
  setup?: (session: Session) => void;
  /** After the usual checks. */
  check?: (session: Session, text: string) => void;
}

const CASE_ARGS = new Map(CASES.map((c) => [c.tool, c.args]));
function caseArgs(tool: string): Record<string, unknown> {
  const args = CASE_ARGS.get(tool);
  if (!args) throw new Error(`no case for ${tool}`);
  return args;
}

const DIGEST = SEED.images.acmeApp.untagged;
const { erin, frank } = SEED.orgs.acme.invites;
const grace = SEED.orgs.bobcorp.invites.grace;
const TAGS = '/v2/namespaces/acme/repositories/web/tags';
const manifest = (repository: string) => ({ repository, digest: DIGEST });

/** Arguments exactly as a JSON-RPC client would put them on the wire, own `__proto__` included. */
const json = (text: string) => () => JSON.parse(text) as Record<string, unknown>;

const globNeighbours: Attack[] = [
  {
    what: 'control: repo:acme/app-x under repo:acme/app-*',
    agent: 'appWriter',
    tool: 'get_repository',
    args: { namespace: 'acme', repository: 'app-x' },
    expect: 'allowed',
  },
  ...(
    [
      ['repo:acme/app (the glob without its dash)', { namespace: 'acme', repository: 'app' }],
      ['repo:acme/apps', { namespace: 'acme', repository: 'apps' }],
      ['repo:acme2/app-x (the namespace as a prefix)', { namespace: 'acme2', repository: 'app-x' }],
      ['repo:acm/app-x', { namespace: 'acm', repository: 'app-x' }],
      ['repo:library/app-x', { namespace: 'library', repository: 'app-x' }],
    ] as const
  ).map(
    ([what, args]): Attack => ({
      what: `glob neighbour ${what}`,
      agent: 'appWriter',
      tool: 'get_repository',
      args,
      expect: 'refused',
    }),
  ),
  {
    what: 'glob neighbour repo:acme/app-x/y (a segment more)',
    agent: 'appWriter',
    tool: 'get_repository',
    args: { namespace: 'acme', repository: 'app-x/y' },
    expect: 'invalid',
  },
  {
    what: 'the glob itself as a name: repository "app-*"',
    agent: 'appWriter',
    tool: 'get_repository',
    args: { namespace: 'acme', repository: 'app-*' },
    expect: 'invalid',
  },
  {
    what: 'namespace "*" to match any grant',
    agent: 'appWriter',
    tool: 'list_repositories',
    args: { namespace: '*' },
    expect: 'invalid',
  },
  {
    what: 'listing another namespace',
    agent: 'appWriter',
    tool: 'list_repositories',
    args: { namespace: 'acme2' },
    expect: 'refused',
  },
  {
    what: 'writing the neighbour repo:acme/app',
    agent: 'appWriter',
    tool: 'update_repository',
    args: { namespace: 'acme', repository: 'app', description: 'pwned' },
    expect: 'refused',
  },
  {
    what: 'creating repo:acme/app (not under app-*)',
    agent: 'appWriter',
    tool: 'create_repository',
    args: { namespace: 'acme', name: 'app' },
    expect: 'refused',
  },
  {
    what: 'creating repo:acme2/app-new (another namespace)',
    agent: 'appWriter',
    tool: 'create_repository',
    args: { namespace: 'acme2', name: 'app-new' },
    expect: 'refused',
  },
  {
    what: 'admin on a repository granted at write only (immutable tags)',
    agent: 'appWriter',
    tool: 'update_immutable_tags',
    args: {
      namespace: 'acme',
      repository: 'app-x',
      immutable_tags: true,
      immutable_tags_rules: ['v1'],
    },
    expect: 'refused',
  },
  {
    what: 'read granted, write asked',
    agent: 'webReader',
    tool: 'update_repository',
    args: { namespace: 'acme', repository: 'web', description: 'pwned' },
    expect: 'refused',
  },
  {
    what: 'listing a namespace with no grant in it',
    agent: 'webReader',
    tool: 'list_repositories',
    args: { namespace: 'bob' },
    expect: 'refused',
  },
];

const nameConfusion: Attack[] = (
  [
    ['namespace "acme/app-x"', { namespace: 'acme/app-x', repository: 'y' }],
    ['namespace "acme/web" with repository "x"', { namespace: 'acme/web', repository: 'x' }],
    ['repository "../x"', { namespace: 'acme', repository: '../x' }],
    ['repository "app-x/../../web"', { namespace: 'acme', repository: 'app-x/../../web' }],
    ['repository "%2e%2e"', { namespace: 'acme', repository: '%2e%2e' }],
    ['repository "app-x%2Fweb"', { namespace: 'acme', repository: 'app-x%2Fweb' }],
    ['repository "app-x%2f..%2fweb"', { namespace: 'acme', repository: 'app-x%2f..%2fweb' }],
    ['namespace "acme%2Fapp-x"', { namespace: 'acme%2Fapp-x', repository: 'y' }],
    ['namespace ".."', { namespace: '..', repository: 'app-x' }],
    ['namespace "."', { namespace: '.', repository: 'app-x' }],
    ['empty namespace', { namespace: '', repository: 'app-x' }],
    ['repository "app-x?page_size=100"', { namespace: 'acme', repository: 'app-x?page=1' }],
    ['repository "app-x#frag"', { namespace: 'acme', repository: 'app-x#frag' }],
    ['repository "app-x%00"', { namespace: 'acme', repository: 'app-x%00' }],
    ['repository "app-x\\u0000web"', { namespace: 'acme', repository: 'app-x\u0000web' }],
    ['namespace "acme\\n"', { namespace: 'acme\n', repository: 'app-x' }],
    ['namespace "ACME"', { namespace: 'ACME', repository: 'app-x' }],
    ['namespace with a Cyrillic a', { namespace: '\u0430cme', repository: 'app-x' }],
    ['namespace as an array', { namespace: ['acme'], repository: 'app-x' }],
    ['namespace as an object', { namespace: { toString: 'acme' }, repository: 'app-x' }],
    ['repository as a number', { namespace: 'acme', repository: 1 }],
    ['repository null', { namespace: 'acme', repository: null }],
    ['namespace "acme:app-x"', { namespace: 'acme:app-x', repository: 'y' }],
  ] as const
)
  .map(
    ([what, args]): Attack => ({
      what: `name confusion: ${what}`,
      agent: 'appWriter',
      tool: 'get_repository',
      args,
      expect: 'invalid',
    }),
  )
  .concat(
    (
      [
        ['tag "../../app"', 'get_tag', { tag: '../../../app/tags/x' }],
        ['tag "%2e%2e"', 'get_tag', { tag: '%2e%2e' }],
        ['tag ".."', 'get_tag', { tag: '..' }],
        ['tag "x?page_size=1#"', 'get_tag', { tag: 'x?page_size=1#' }],
        ['digest "sha256:../x"', 'list_image_tags', { digest: 'sha256:../../x' }],
      ] as const
    ).map(
      ([what, tool, extra]): Attack => ({
        what: `path segment smuggling: ${what}`,
        agent: 'webReader',
        tool,
        args: { namespace: 'acme', repository: 'web', ...extra },
        expect: 'invalid',
      }),
    ),
  );

const deleteImages: Attack[] = [
  {
    what: 'control: delete_images (dry run) on repo:acme/app-x',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [manifest('app-x')], dry_run: true },
    expect: 'allowed',
  },
  {
    what: 'delete_images acknowledging a warning of another repository',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: {
      namespace: 'acme',
      manifests: [manifest('app-x')],
      ignore_warnings: [{ ...manifest('app'), warning: 'current_tag', tags: ['latest'] }],
    },
    expect: 'refused',
  },
  {
    what: 'delete_images naming another repository',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [manifest('app')] },
    expect: 'refused',
  },
  {
    what: 'delete_images mixing a granted repository and another (other last)',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [manifest('app-x'), manifest('web')] },
    expect: 'refused',
  },
  {
    what: 'delete_images mixing another repository and a granted one (other first)',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [manifest('web'), manifest('app-x')] },
    expect: 'refused',
  },
  {
    what: 'delete_images with 99 granted manifests and the 100th another repository',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: {
      namespace: 'acme',
      manifests: [...Array.from({ length: 99 }, () => manifest('app-x')), manifest('app')],
    },
    expect: 'refused',
  },
  {
    what: 'delete_images of repo:acme2/app-x (the glob in another namespace)',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme2', manifests: [manifest('app-x')] },
    expect: 'refused',
  },
  {
    what: 'delete_images with a manifest naming its own namespace',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [{ ...manifest('app-x'), namespace: 'acme2' }] },
    expect: 'invalid',
  },
  {
    what: 'delete_images with a manifest repository "app-x/../web"',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [manifest('app-x/../web')] },
    expect: 'invalid',
  },
  {
    what: 'delete_images with an empty manifest list',
    agent: 'appAdmin',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [] },
    expect: 'invalid',
  },
  {
    what: 'delete_images at write (admin needed)',
    agent: 'appWriter',
    tool: 'delete_images',
    args: { namespace: 'acme', manifests: [manifest('app-x')], dry_run: true },
    expect: 'refused',
  },
];

const graceStillPending = ({ hub }: Session) =>
  expect(hub.state.invites.some((invite) => invite.id === grace)).toBe(true);

const invites: Attack[] = [
  {
    what: 'control: resend an invite of the granted org',
    agent: 'orgWriter',
    tool: 'resend_invite',
    args: { org: 'acme', id: frank },
    expect: 'allowed',
  },
  {
    what: "cancel_invite with the granted org but another org's invite id",
    agent: 'orgWriter',
    tool: 'cancel_invite',
    args: { org: 'acme', id: grace },
    expect: 'unconfirmed',
    check: graceStillPending,
  },
  {
    what: "resend_invite with the granted org but another org's invite id",
    agent: 'orgWriter',
    tool: 'resend_invite',
    args: { org: 'acme', id: grace },
    expect: 'unconfirmed',
    check: graceStillPending,
  },
  {
    what: 'cancel_invite with an id no org has',
    agent: 'orgWriter',
    tool: 'cancel_invite',
    args: { org: 'acme', id: '00000000-0000-4000-8000-000000000000' },
    expect: 'unconfirmed',
  },
  {
    what: 'cancel_invite naming the other org itself',
    agent: 'orgWriter',
    tool: 'cancel_invite',
    args: { org: 'bobcorp', id: grace },
    expect: 'refused',
  },
  {
    what: 'cancel_invite with an id that walks to another endpoint',
    agent: 'orgWriter',
    tool: 'cancel_invite',
    args: { org: 'acme', id: `${erin}/../../orgs/bobcorp` },
    expect: 'invalid',
  },
  {
    what: 'bulk_invite as owner with only write',
    agent: 'orgWriter',
    tool: 'bulk_invite',
    args: { org: 'acme', invitees: ['mallory@example.com'], role: 'owner' },
    expect: 'refused',
  },
  {
    what: 'control: add a member to an ordinary team with write',
    agent: 'orgWriter',
    tool: 'add_group_member',
    args: { org: 'acme', group: 'developers', member: 'carol' },
    expect: 'allowed',
  },
  ...(
    [
      [
        'add_group_member to the owners team',
        'add_group_member',
        { group: 'owners', member: 'carol' },
      ],
      ['add_group_member to "Owners"', 'add_group_member', { group: 'Owners', member: 'carol' }],
      [
        'remove_group_member from the owners team',
        'remove_group_member',
        { group: 'owners', username: 'alice' },
      ],
      [
        'bulk_invite into the owners team',
        'bulk_invite',
        { invitees: ['mallory@example.com'], team: 'owners' },
      ],
      ['create_org_group named owners', 'create_org_group', { name: 'owners' }],
      [
        'update_org_group renaming a team to owners',
        'update_org_group',
        { group: 'ops', name: 'owners' },
      ],
      [
        'update_org_group replacing the owners team',
        'update_org_group',
        { group: 'owners', name: 'owners', description: 'x' },
      ],
      [
        'patch_org_group renaming a team to owners',
        'patch_org_group',
        { group: 'ops', name: 'owners' },
      ],
      [
        'patch_org_group renaming the owners team',
        'patch_org_group',
        { group: 'owners', name: 'mine' },
      ],
    ] as const
  ).map(
    ([what, tool, args]): Attack => ({
      what: `ownership with only write: ${what}`,
      agent: 'orgWriter',
      tool,
      args: { org: 'acme', ...args },
      expect: 'refused',
    }),
  ),
  {
    what: 'bulk_invite into another org',
    agent: 'orgWriter',
    tool: 'bulk_invite',
    args: { org: 'bobcorp', invitees: ['mallory@example.com'] },
    expect: 'refused',
  },
  {
    what: 'bulk_invite with role "Owner" (case)',
    agent: 'orgWriter',
    tool: 'bulk_invite',
    args: { org: 'acme', invitees: ['mallory@example.com'], role: 'Owner' },
    expect: 'invalid',
  },
  {
    what: 'an org admin action at write (remove a member)',
    agent: 'orgWriter',
    tool: 'remove_org_member',
    args: { org: 'acme', username: 'carol' },
    expect: 'refused',
  },
];

/** A first page whose next link goes where it should not. */
function taintedPage(next: (session: Session) => string) {
  return (session: Session) =>
    session.hub.inject({
      method: 'GET',
      path: TAGS,
      status: 200,
      body: { count: 300, next: next(session), previous: null, results: [{ name: 'x' }] },
    });
}

const allPages: Attack[] = [
  {
    what: 'control: all_pages follows a next link to the same endpoint',
    agent: 'webReader',
    tool: 'list_tags',
    args: { namespace: 'acme', repository: 'web', all_pages: true },
    setup: taintedPage(({ hub }) => `${hub.url}${TAGS}?page=2&page_size=100`),
    expect: 'allowed',
    check: ({ hub }) => expect(hub.apiRequests().map((r) => r.path)).toEqual([TAGS, TAGS]),
  },
  ...(
    [
      ['another origin', () => `https://evil.example${TAGS}?page=2`],
      [
        'another repository on the same origin',
        ({ hub }) => `${hub.url}/v2/namespaces/acme/repositories/app/tags?page=2`,
      ],
      [
        'another namespace on the same origin',
        ({ hub }) => `${hub.url}/v2/namespaces/bob/repositories/secret/tags?page=2`,
      ],
      ['a path that climbs out with ..', ({ hub }) => `${hub.url}${TAGS}/../../app/tags?page=2`],
      [
        'a path that climbs out with %2e%2e',
        ({ hub }) => `${hub.url}${TAGS}/%2e%2e/%2e%2e/app/tags?page=2`,
      ],
      ['the same path with a trailing slash', ({ hub }) => `${hub.url}${TAGS}/?page=2`],
      ['a longer path', ({ hub }) => `${hub.url}${TAGS}/latest`],
      [
        'credentials in the URL',
        ({ hub }) => `${hub.url.replace('http://', 'http://alice:pw@')}${TAGS}?page=2`,
      ],
      [
        'localhost for 127.0.0.1',
        ({ hub }) => `${hub.url.replace('127.0.0.1', 'localhost')}${TAGS}?page=2`,
      ],
      ['https for http', ({ hub }) => `${hub.url.replace('http://', 'https://')}${TAGS}?page=2`],
      ['a protocol-relative link', () => `//evil.example${TAGS}?page=2`],
      ['a relative path', () => `${TAGS}?page=2`],
      ['not a URL', () => 'not a url'],
      ['a javascript: URL', () => 'javascript:alert(1)'],
      ['a file: URL', () => 'file:///etc/passwd'],
    ] as [string, (session: Session) => string][]
  ).map(
    ([what, next]): Attack => ({
      what: `all_pages next link to ${what}`,
      agent: 'webReader',
      tool: 'list_tags',
      args: { namespace: 'acme', repository: 'web', all_pages: true },
      setup: taintedPage(next),
      expect: 'link-refused',
    }),
  ),
];

const TOOL_NAME_VARIANTS = [
  'Get_Tag',
  'GET_TAG',
  'get_tag ',
  ' get_tag',
  '\tget_tag',
  'get_tag\n',
  'get-tag',
  'getTag',
  'get_tag\u0000',
  'get_tag\u200b',
  'g\u0435t_tag',
  'get_tags',
  '',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'tools/call',
  '../get_tag',
  'get_tag'.repeat(100),
];

const toolNames: Attack[] = TOOL_NAME_VARIANTS.map(
  (name): Attack => ({
    what: `tool name ${JSON.stringify(name.length > 30 ? `${name.slice(0, 30)}…` : name)}`,
    agent: 'admin',
    tool: name,
    args: { namespace: 'library', repository: 'nginx', tag: 'alpine' },
    expect: 'unknown-tool',
  }),
);

/** Every tool that tools/list hides from the web reader: called anyway, with its valid case. */
const hiddenTools: Attack[] = catalog
  .filter(
    (entry) => !visibleTools(AGENTS.webReader.agent, catalog).some((v) => v.name === entry.name),
  )
  .map(
    (entry): Attack => ({
      what: `${entry.name}, absent from the agent's tool list, called anyway`,
      agent: 'webReader',
      tool: entry.name,
      args: caseArgs(entry.name),
      expect: 'refused',
      check: async ({ h }) => {
        const { tools } = await h.mcp.listTools();
        expect(tools.map((tool) => tool.name)).not.toContain(entry.name);
      },
    }),
  );

const toolLists: Attack[] = [
  {
    what: 'control: a tool on the allow list',
    agent: 'toolLists',
    tool: 'get_repository',
    args: { namespace: 'acme', repository: 'app' },
    expect: 'allowed',
  },
  {
    what: 'a tool on both lists (deny wins)',
    agent: 'toolLists',
    tool: 'list_tags',
    args: { namespace: 'acme', repository: 'app' },
    expect: 'refused',
  },
  {
    what: 'a granted tool left off the allow list',
    agent: 'toolLists',
    tool: 'get_tag',
    args: { namespace: 'acme', repository: 'app', tag: 'latest' },
    expect: 'refused',
  },
];

const ARGUMENT_NAMES = [
  'path',
  'url',
  'method',
  'body',
  'query',
  'headers',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'scim_org',
  'identity',
  'Namespace',
  'namespace ',
  'namespace\u0000',
  '',
  'page',
  'all_pages',
  'max_items',
];

const argumentNames: Attack[] = [
  ...ARGUMENT_NAMES.map(
    (name): Attack => ({
      what: `unknown argument ${JSON.stringify(name)}`,
      agent: 'webReader',
      tool: 'get_repository',
      args: {
        namespace: 'acme',
        repository: 'web',
        [name]: '/v2/namespaces/bob/repositories/secret',
      },
      expect: 'invalid',
    }),
  ),
  {
    what: 'unknown argument "constructor" holding a prototype',
    agent: 'webReader',
    tool: 'get_repository',
    args: json(
      '{"namespace":"acme","repository":"web","constructor":{"prototype":{"namespace":"bob"}}}',
    ),
    expect: 'invalid',
  },
  {
    what: '"__proto__" carrying the granted names (they must not count as arguments)',
    agent: 'webReader',
    tool: 'get_repository',
    args: json('{"__proto__":{"namespace":"acme","repository":"web"}}'),
    expect: 'invalid',
  },
  {
    what: '"__proto__" carrying a granted repository behind an ungranted one',
    agent: 'webReader',
    tool: 'get_repository',
    args: json('{"namespace":"acme","repository":"app","__proto__":{"repository":"web"}}'),
    // An unknown argument name like any other: refused before the policy, nothing merged.
    expect: 'invalid',
  },
  {
    what: 'detail on a tool that is not a GET',
    agent: 'appWriter',
    tool: 'update_repository',
    args: { namespace: 'acme', repository: 'app-x', description: 'x', detail: 'full' },
    expect: 'invalid',
  },
  {
    what: 'all_pages on a tool that does not page',
    agent: 'webReader',
    tool: 'get_repository',
    args: { namespace: 'acme', repository: 'web', all_pages: true },
    expect: 'invalid',
  },
  {
    what: 'max_items beyond its bound',
    agent: 'webReader',
    tool: 'list_tags',
    args: { namespace: 'acme', repository: 'web', all_pages: true, max_items: 1e9 },
    expect: 'invalid',
  },
  {
    what: "get_current_account with someone else's username",
    agent: 'noAuth',
    tool: 'get_current_account',
    args: { username: 'bob' },
    expect: 'invalid',
  },
];

/**
 * `__proto__` next to valid arguments: hubgate reads tools/call's arguments as sent (it does not
 * let the SDK's schema parse, and silently drop, them first), so the key is refused by name like
 * any unknown argument: nothing reaches the Hub and no prototype changes.
 */
describe('bypass: "__proto__" beside valid arguments', () => {
  it('is refused by name, never merged', async () => {
    const { h, hub, invariant } = await sessionOf('webReader');
    invariant.begin();
    const auditStart = h.audit.length;
    const args = JSON.parse(
      '{"namespace":"acme","repository":"web","__proto__":{"namespace":"bob","repository":"secret","path":"/v2/users/bob"}}',
    ) as Record<string, unknown>;
    const text = textOf(await callRaw(h, 'get_repository', args));
    const audit = h.audit.slice(auditStart);
    expect(audit).toHaveLength(1);
    const sent = hub.requests.filter((request) => !invariant.isOwnTokenExchange(request));
    expect(text).toMatch(/^Invalid arguments for get_repository: unknown argument "__proto__"/);
    expect(sent).toEqual([]);
    expect(audit[0]).toMatchObject({ decision: 'deny', outcome: 'denied' });
    expect(({} as Record<string, unknown>).namespace).toBeUndefined();
    expect(({} as Record<string, unknown>).path).toBeUndefined();
    invariant.assert(audit, '__proto__ beside valid arguments');
  });
});

const SCIM_TOOLS = catalog.filter((entry) => entry.identity === 'scim').map((e) => e.name);
const AUTH_TOOLS = catalog.filter((entry) => entry.identity === 'none').map((e) => e.name);

const credentials: Attack[] = [
  ...SCIM_TOOLS.map(
    (tool): Attack => ({
      what: `${tool} without a SCIM credential (grant scim:acme admin)`,
      agent: 'scimNoCredential',
      tool,
      args: caseArgs(tool),
      expect: 'refused',
    }),
  ),
  ...SCIM_TOOLS.map(
    (tool): Attack => ({
      what: `${tool} with acme's SCIM credential but a grant on scim:bobcorp only`,
      agent: 'scimOtherOrg',
      tool,
      args: caseArgs(tool),
      expect: 'refused',
    }),
  ),
  {
    what: 'scim_list_users naming the granted SCIM org as an argument',
    agent: 'scimOtherOrg',
    tool: 'scim_list_users',
    args: { scim_org: 'bobcorp' },
    expect: 'invalid',
  },
  ...AUTH_TOOLS.map(
    (tool): Attack => ({
      what: `${tool} without an auth grant (everything else granted)`,
      agent: 'noAuth',
      tool,
      args: caseArgs(tool),
      expect: 'refused',
    }),
  ),
  {
    what: 'assign_repository_group with repository admin but no read on its org',
    agent: 'repoAdminNoOrg',
    tool: 'assign_repository_group',
    args: { namespace: 'acme', repository: 'app', group_id: 102, permission: 'write' },
    expect: 'refused',
  },
  {
    what: 'control: assign_repository_group with repository admin and org read',
    agent: 'noAuth',
    tool: 'assign_repository_group',
    args: { namespace: 'acme', repository: 'app', group_id: 102, permission: 'read' },
    expect: 'allowed',
  },
];

// ---- the run ------------------------------------------------------------------------------

type Outcome = { result: CallToolResult } | { error: unknown };

async function callRaw(h: Harness, name: string, args: Record<string, unknown>): Promise<Outcome> {
  try {
    const result = await h.mcp.request(
      { method: 'tools/call', params: { name, arguments: args } },
      CallToolResultSchema,
      { timeout: 8_000 },
    );
    return { result };
  } catch (error) {
    return { error };
  }
}

function textOf(outcome: Outcome): string {
  if ('error' in outcome) throw outcome.error;
  expect(outcome.result.content).toHaveLength(1);
  return (outcome.result.content[0] as { text: string }).text;
}

async function attack(row: Attack): Promise<void> {
  const session = await sessionOf(row.agent);
  const { h, hub, invariant } = session;
  invariant.begin();
  hub.clearFaults();
  row.setup?.(session);
  const auditStart = h.audit.length;
  const args = typeof row.args === 'function' ? row.args(session) : row.args;
  const outcome = await callRaw(h, row.tool, args);
  const audit = h.audit.slice(auditStart);
  const sent = hub.requests.filter((request) => !invariant.isOwnTokenExchange(request));
  const shown = () => sent.map((r) => `${r.method} ${r.path}`);

  expect(audit, 'one audit record').toHaveLength(1);
  const record = audit[0];

  switch (row.expect) {
    case 'unknown-tool': {
      expect('error' in outcome && outcome.error).toBeInstanceOf(McpError);
      expect(((outcome as { error: McpError }).error as McpError).code).toBe(
        ErrorCode.InvalidParams,
      );
      expect(hub.requests, 'sent to the Hub').toEqual([]);
      expect(record).toMatchObject({
        decision: 'deny',
        outcome: 'denied',
        tool: row.tool.slice(0, 100),
      });
      break;
    }
    case 'invalid':
    case 'refused': {
      const text = textOf(outcome);
      expect((outcome as { result: CallToolResult }).result.isError).toBe(true);
      expect(text).toMatch(
        row.expect === 'invalid' ? /^Invalid arguments for / : /^Refused by hubgate policy/,
      );
      expect(text).toContain('Nothing was sent to Docker Hub.');
      // Nothing at all: not even the agent's token exchange.
      expect(hub.requests, `sent to the Hub: ${shown()}`).toEqual([]);
      expect(record).toMatchObject({ decision: 'deny', outcome: 'denied', tool: row.tool });
      break;
    }
    case 'unconfirmed': {
      const text = textOf(outcome);
      expect(text).toMatch(/^Refused by hubgate policy: invite .* is not a pending invite of org/);
      expect(text).toContain('Nothing was changed on Docker Hub.');
      expect(shown()).toEqual([`GET /v2/orgs/${args.org}/invites`]);
      expect(record).toMatchObject({ decision: 'deny', outcome: 'denied', tool: row.tool });
      break;
    }
    case 'link-refused': {
      const text = textOf(outcome);
      expect((outcome as { result: CallToolResult }).result.isError).toBe(true);
      expect(text).toMatch(/next link/);
      // The first page, and not the page the link names.
      expect(shown()).toEqual([`GET ${TAGS}`]);
      expect(sent[0]?.query).toEqual({ page: '1', page_size: '100' });
      // Allowed (the first page was the agent's), failed: the follow-up was never sent.
      expect(record).toMatchObject({ decision: 'allow', outcome: 'error', tool: row.tool });
      break;
    }
    case 'allowed': {
      textOf(outcome);
      expect(record).toMatchObject({ decision: 'allow', tool: row.tool });
      expect(sent.length).toBeGreaterThan(0);
      break;
    }
  }
  await row.check?.(session, 'result' in outcome ? textOf(outcome) : '');
  invariant.assert(audit, row.what);
}

const repoToken = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });
const mint = (...resources: unknown[]) => ({ org: 'acme', label: 'minted', resources });

const mintedTokens: Attack[] = [
  {
    what: 'control: a pull token for the one repository it may read',
    agent: 'orgAdminWebReader',
    tool: 'create_org_access_token',
    args: mint(repoToken('acme/web', 'repo-pull')),
    expect: 'allowed',
  },
  {
    what: 'control: a push token for every repository of acme, with write on repo:acme/*',
    agent: 'orgAdminAllRepos',
    tool: 'create_org_access_token',
    args: mint(repoToken('acme/*', 'repo-pull', 'repo-push')),
    expect: 'allowed',
  },
  ...(
    [
      ['a pull token for a repository it may not read', [repoToken('acme/app', 'repo-pull')]],
      ['a push token for the repository it may only read', [repoToken('acme/web', 'repo-push')]],
      ['a token for every repository of acme', [repoToken('acme/*', 'repo-pull')]],
      ['a token for every public repository', [repoToken('*/*/public', 'repo-pull')]],
      ['an unknown scope (taken as admin)', [repoToken('acme/web', 'repo-delete')]],
      [
        'one allowed resource beside one that is not',
        [repoToken('acme/web', 'repo-pull'), repoToken('acme/app', 'repo-pull')],
      ],
      [
        "another org's administration",
        [{ type: 'TYPE_ORG', path: 'bobcorp', scopes: ['member-read'] }],
      ],
      ['a repository of another org', [repoToken('bobcorp/app', 'repo-pull')]],
    ] as const
  ).map(
    ([what, resources]): Attack => ({
      what: `minting ${what}`,
      agent: 'orgAdminWebReader',
      tool: 'create_org_access_token',
      args: mint(...resources),
      expect: 'refused',
    }),
  ),
  {
    what: 'widening an existing token to a repository it may not read',
    agent: 'orgAdminWebReader',
    tool: 'update_org_access_token',
    args: {
      org: 'acme',
      access_token_id: SEED.oat.acme.id,
      resources: [repoToken('acme/app', 'repo-pull', 'repo-push')],
    },
    expect: 'refused',
  },
  {
    what: 'every acme repository with write on all of them, but push asked beyond: admin scope',
    agent: 'orgAdminAllRepos',
    tool: 'create_org_access_token',
    args: mint(repoToken('acme/*', 'repo-admin')),
    expect: 'refused',
  },
  ...(
    [
      ['a path that climbs', 'acme/web/../app'],
      ['a path in capitals', 'ACME/web'],
      ['an org as a repository path', 'acme'],
      ['a glob inside a name', 'acme/app-*'],
      ['three segments', 'acme/web/x'],
    ] as const
  ).map(
    ([what, path]): Attack => ({
      what: `a token path hubgate cannot check: ${what}`,
      agent: 'orgAdminAllRepos',
      tool: 'create_org_access_token',
      args: mint(repoToken(path, 'repo-pull')),
      expect: 'invalid',
    }),
  ),
];

const auditLogOracle: Attack[] = [
  {
    what: 'control: the audit log of an org it reads, filtered on its own repository',
    agent: 'orgAdminWebReader',
    tool: 'list_audit_logs',
    args: { org: 'acme', name: 'acme/web' },
    expect: 'allowed',
  },
  ...['acme/app', 'acme/svc-01', 'bobcorp/app'].map(
    (name): Attack => ({
      what: `the audit log filtered on ${name}, a repository outside its grants`,
      agent: 'orgAdminWebReader',
      tool: 'list_audit_logs',
      args: { org: 'acme', name },
      expect: 'refused',
    }),
  ),
];

const SUITES: [string, Attack[]][] = [
  ['glob neighbours and levels', globNeighbours],
  ['namespace/repository confusion and path smuggling', nameConfusion],
  ['delete_images naming other repositories', deleteImages],
  ['invites of another org, and invite roles', invites],
  ['all_pages next links that leave the endpoint', allPages],
  ['tool names in other cases, spellings and whitespace', toolNames],
  ["tools absent from the agent's list", hiddenTools],
  ['tool allow and deny lists', toolLists],
  ['argument names the catalog does not know', argumentNames],
  ['SCIM and auth tools without their credential or grant, and missing org read', credentials],
  ['tokens minted beyond the grants of the agent that mints them', mintedTokens],
  ['audit log filters as an oracle for hidden repositories', auditLogOracle],
];

for (const [title, rows] of SUITES) {
  describe(`bypass: ${title}`, () => {
    it.each(rows.map((row) => [row.what, row] as const))('%s', async (_what, row) => {
      await attack(row);
    });
  });
}

/** A request as the fake Hub records it, for checking the invariant on its own. */
function recorded(method: string, path: string, body?: unknown): RecordedRequest {
  const rawBody = body === undefined ? '' : JSON.stringify(body);
  // A cast, and every field the log may carry: the fake Hub's record grows fields now and then.
  const fields = { method, path, query: {}, headers: {}, body, rawBody, aborted: false };
  return { ...fields, receivedAtMs: Date.now() } as RecordedRequest;
}

/**
 * The invariant must see what it is for: requests a broken hubgate would send. Each is checked
 * for one agent with repo:acme/web read, org:acme write and acme's SCIM credential (no grant on
 * scim); the first rows are within those grants and must pass.
 */
describe('bypass: the invariant flags what it should', () => {
  const agent: AgentPolicy = {
    name: 'invariant-probe',
    grants: [
      { resource: 'repo:acme/web', access: 'read' },
      { resource: 'org:acme', access: 'write' },
    ],
  };
  const rows: [string, RecordedRequest, boolean][] = [
    ['a granted read', recorded('GET', '/v2/namespaces/acme/repositories/web'), true],
    ['listing a namespace it reads in', recorded('GET', '/v2/namespaces/acme/repositories'), true],
    ["its own org's invites", recorded('GET', '/v2/orgs/acme/invites'), true],
    ["cancelling its own org's invite", recorded('DELETE', `/v2/invites/${erin}`), true],
    [
      'its own token exchange',
      recorded('POST', '/v2/auth/token', {
        identifier: ALICE_ADMIN.username,
        secret: ALICE_ADMIN.secret,
      }),
      true,
    ],
    ['a neighbour repository', recorded('GET', '/v2/namespaces/acme/repositories/app'), false],
    ['a write on a read grant', recorded('PATCH', '/v2/namespaces/acme/repositories/web'), false],
    ['no catalog endpoint', recorded('GET', '/v2/namespaces/acme/repositories/web/secrets'), false],
    [
      'a method the endpoint lacks',
      recorded('DELETE', '/v2/namespaces/acme/repositories/web'),
      false,
    ],
    ['an encoded slash', recorded('GET', '/v2/namespaces/acme%2Fweb/repositories/x'), false],
    ['a dot-dot segment', recorded('GET', '/v2/namespaces/acme/repositories/%2e%2e'), false],
    ['a glob as a name', recorded('GET', '/v2/namespaces/*/repositories/web'), false],
    ['an empty segment', recorded('GET', '/v2/namespaces//repositories/web'), false],
    ["another org's invite", recorded('DELETE', `/v2/invites/${grace}`), false],
    ['an invite nobody has', recorded('PATCH', `/v2/invites/${erin}x/resend`), false],
    [
      'inviting owners at write',
      recorded('POST', '/v2/invites/bulk', { org: 'acme', role: 'owner', invitees: ['m'] }),
      false,
    ],
    [
      'inviting into another org',
      recorded('POST', '/v2/invites/bulk', { org: 'bobcorp', invitees: ['m'] }),
      false,
    ],
    [
      'deleting images',
      recorded('POST', '/v2/namespaces/acme/delete-images', {
        manifests: [{ repository: 'web', digest: DIGEST }],
      }),
      false,
    ],
    ['a SCIM read without a SCIM grant', recorded('GET', '/v2/scim/2.0/Users'), false],
    [
      "someone else's token exchange",
      recorded('POST', '/v2/auth/token', { identifier: 'bob', secret: 'x' }),
      false,
    ],
    ["another user's account", recorded('GET', '/v2/users/bob'), false],
  ];
  it.each(rows)('%s', async (_what, request, fine) => {
    const { hub } = await sessionOf('orgWriter');
    const invariant = new HubInvariant(hub, { agent, credential: ALICE_ADMIN, scimOrg: 'acme' });
    expect(invariant.requestViolations([request])).toHaveLength(fine ? 0 : 1);
  });

  it('flags allowed audit records outside the grants, and passes those within', async () => {
    const base = {
      time: '',
      agent: agent.name,
      transport: 'stdio' as const,
      session: null,
      decision: 'allow' as const,
      reason: '',
      outcome: 'ok' as const,
      hub_status: 200,
      duration_ms: 0,
      arguments: {},
    };
    const { hub } = await sessionOf('orgWriter');
    const invariant = new HubInvariant(hub, { agent, credential: ALICE_ADMIN });
    const ok = {
      ...base,
      tool: 'get_repository',
      resources: ['repo:acme/web'],
      access: 'read' as const,
    };
    expect(invariant.auditViolations([ok])).toEqual([]);
    expect(invariant.auditViolations([{ ...ok, resources: ['repo:acme/app'] }])).toHaveLength(1);
    expect(invariant.auditViolations([{ ...ok, resources: [] }])).toHaveLength(1);
    expect(
      invariant.auditViolations([{ ...ok, tool: 'update_repository', access: 'write' }]),
    ).toHaveLength(1);
    expect(
      invariant.auditViolations([
        {
          ...ok,
          tool: 'bulk_invite',
          resources: ['org:acme'],
          access: 'write',
          arguments: { role: 'owner' },
        },
      ]),
    ).toHaveLength(1);
  });
});

describe('bypass: the corpus itself', () => {
  it('has a control for each group that can allow, and refuses everything else', () => {
    const all = SUITES.flatMap(([, rows]) => rows);
    expect(all.filter((row) => row.expect === 'allowed').length).toBeGreaterThanOrEqual(5);
    expect(all.length).toBeGreaterThan(150);
  });
});
