import { permissionsFor } from './access.js';
import type { Caller } from './auth.js';
import {
  type AuditEvent,
  type GroupRecord,
  type HubState,
  type InviteRecord,
  imageStatus,
  type OrgRecord,
  type OrgRole,
  type OrgTokenRecord,
  type PatRecord,
  type RepoImage,
  type RepoRecord,
  type ScimUserRecord,
  type TagRecord,
  type UserRecord,
} from './state.js';

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function fullSize(tag: TagRecord): number {
  return tag.images.reduce((sum, image) => sum + image.size, 0);
}

/** The repository object as GET /v2/namespaces/{namespace}/repositories/{repository} returns it. */
export function repoView(state: HubState, caller: Caller, repo: RepoRecord): unknown {
  return {
    user: repo.namespace,
    name: repo.name,
    namespace: repo.namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: repo.description,
    is_private: repo.is_private,
    is_automated: false,
    star_count: repo.star_count,
    pull_count: repo.pull_count,
    last_updated: repo.last_updated,
    last_modified: repo.last_modified,
    date_registered: repo.date_registered,
    collaborator_count: 0,
    affiliation: null,
    hub_user: repo.namespace,
    has_starred: false,
    full_description: repo.full_description,
    permissions: permissionsFor(state, caller, repo),
    media_types: unique(repo.tags.map((t) => t.media_type)),
    content_types: repo.tags.length > 0 ? ['image'] : [],
    categories: repo.categories.map((c) => ({ ...c })),
    immutable_tags_settings: {
      enabled: repo.immutable_tags_settings.enabled,
      rules: [...repo.immutable_tags_settings.rules],
    },
    storage_size: repo.tags.reduce((sum, tag) => sum + fullSize(tag), 0),
    source: repo.source,
  };
}

export function tagView(repo: RepoRecord, tag: TagRecord): unknown {
  return {
    id: tag.id,
    images: tag.images.map((image) => ({
      architecture: image.architecture,
      features: '',
      variant: image.variant,
      digest: image.digest,
      layers: [],
      os: image.os,
      os_features: '',
      os_version: null,
      size: image.size,
      status: image.status,
      last_pulled: image.last_pulled,
      last_pushed: image.last_pushed,
    })),
    creator: tag.creator,
    last_updated: tag.last_pushed,
    last_updater: tag.last_updater,
    last_updater_username: tag.last_updater_username,
    name: tag.name,
    repository: repo.id,
    full_size: fullSize(tag),
    v2: true,
    tag_status: tag.status,
    status: tag.status,
    tag_last_pulled: tag.last_pulled,
    tag_last_pushed: tag.last_pushed,
    digest: tag.digest,
    media_type: tag.media_type,
  };
}

export function userView(user: UserRecord): unknown {
  return {
    // The Hub shows account ids as the uuid's hex digits.
    id: user.uuid.replaceAll('-', ''),
    uuid: user.uuid,
    username: user.username,
    full_name: user.full_name,
    location: user.location,
    company: user.company,
    profile_url: user.profile_url,
    date_joined: user.date_joined,
    gravatar_url: user.gravatar_url,
    gravatar_email: '',
    type: 'User',
  };
}

export function orgView(org: OrgRecord, username: string): unknown {
  return {
    id: org.uuid.replaceAll('-', ''),
    uuid: org.uuid,
    orgname: org.orgname,
    full_name: org.full_name,
    location: org.location,
    company: org.company,
    profile_url: org.profile_url,
    date_joined: org.date_joined,
    gravatar_url: org.gravatar_url,
    gravatar_email: '',
    type: 'Organization',
    badge: org.badge,
    is_active: true,
    user_role: org.members.get(username) ?? 'member',
    user_groups: org.groups.filter((g) => g.members.includes(username)).map((g) => g.name),
    org_groups_count: org.groups.length,
    plan_name: org.plan_name,
    parent_name: null,
  };
}

const ARCH_LABELS: Record<string, string> = {
  amd64: 'x86-64',
  arm64: 'ARM 64',
  arm: 'ARM',
  '386': 'x86',
};

/** One result of GET /api/search/v4. */
export function searchView(state: HubState, repo: RepoRecord): unknown {
  const official = repo.namespace === 'library';
  const images = repo.tags.flatMap((t) => t.images);
  const publisher = official
    ? { id: 'docker', name: 'Docker' }
    : {
        id: state.orgs.get(repo.namespace)?.uuid ?? state.users.get(repo.namespace)?.uuid ?? '',
        name: repo.namespace,
      };
  return {
    id: `${repo.namespace}/${repo.name}`,
    name: `${repo.namespace}/${repo.name}`,
    slug: official ? repo.name : `${repo.namespace}/${repo.name}`,
    type: 'image',
    publisher,
    created_at: repo.date_registered,
    updated_at: repo.last_updated,
    short_description: repo.description,
    badge: official ? 'official' : 'none',
    star_count: repo.star_count,
    pull_count: String(repo.pull_count),
    operating_systems: unique(images.map((i) => i.os)).map((name) => ({
      name,
      label: name.charAt(0).toUpperCase() + name.slice(1),
    })),
    architectures: unique(images.map((i) => i.architecture)).map((name) => ({
      name,
      label: ARCH_LABELS[name] ?? name,
    })),
    logo_url: {},
    extension_reviewed: false,
    categories: repo.categories.map((c) => ({ ...c })),
    archived: false,
  };
}

/** An accessToken; the secret is shown once, at creation, and is '' everywhere else. */
export function accessTokenView(pat: PatRecord, secret = ''): unknown {
  return {
    uuid: pat.uuid,
    client_id: 'HUB',
    creator_ip: pat.creator_ip,
    creator_ua: pat.creator_ua,
    created_at: pat.created_at,
    last_used: pat.last_used,
    generated_by: pat.generated_by,
    is_active: pat.is_active,
    token: secret,
    token_label: pat.label,
    scopes: [...pat.scopes],
    expires_at: pat.expires_at,
  };
}

/** An orgAccessToken as listed: no resources, no secret. */
export function orgTokenView(token: OrgTokenRecord): unknown {
  return {
    id: token.id,
    label: token.label,
    created_by: token.created_by,
    is_active: token.is_active,
    created_at: token.created_at,
    expires_at: token.expires_at,
    last_used_at: token.last_used_at,
  };
}

/** One orgAccessToken with its resources; with the secret only when just created. */
export function orgTokenDetailView(token: OrgTokenRecord, secret?: string): unknown {
  const view: Record<string, unknown> = {
    ...(orgTokenView(token) as Record<string, unknown>),
    description: token.description,
    resources: token.resources.map((r) => ({ type: r.type, path: r.path, scopes: [...r.scopes] })),
  };
  if (secret !== undefined) view.token = secret;
  return view;
}

const ROLE_LABELS: Record<OrgRole, string> = { owner: 'Owner', editor: 'Editor', member: 'Member' };

/** The account fields shared by org_member and group_member. */
function accountFields(user: UserRecord): Record<string, unknown> {
  return {
    id: user.uuid.replaceAll('-', ''),
    uuid: user.uuid,
    company: user.company,
    date_joined: user.date_joined,
    full_name: user.full_name,
    gravatar_email: '',
    gravatar_url: user.gravatar_url,
    location: user.location,
    profile_url: user.profile_url,
    type: 'User',
    username: user.username,
  };
}

export function userGroups(org: OrgRecord, username: string): string[] {
  return org.groups.filter((g) => g.members.includes(username)).map((g) => g.name);
}

/** An org_member; role is capitalised as in the spec's enum (Owner, Editor, Member). */
export function orgMemberView(org: OrgRecord, user: UserRecord): unknown {
  const role = org.members.get(user.username) ?? 'member';
  return {
    ...accountFields(user),
    email: user.email,
    role: ROLE_LABELS[role],
    groups: userGroups(org, user.username),
    is_guest: false,
    primary_email: user.email,
  };
}

/** A pending invite in the member list (type=invitee or all). */
export function inviteeMemberView(invite: InviteRecord): unknown {
  const isEmail = invite.invitee.includes('@');
  return {
    id: invite.id,
    company: '',
    date_joined: invite.created_at,
    full_name: '',
    gravatar_email: '',
    gravatar_url: '',
    location: '',
    profile_url: '',
    type: 'Invitee',
    username: isEmail ? '' : invite.invitee,
    email: isEmail ? invite.invitee : '',
    role: 'Invitee',
    groups: invite.team === null ? [] : [invite.team],
    is_guest: false,
    primary_email: isEmail ? invite.invitee : '',
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Go's time.Time String(), which is how the export writes dates. */
function goTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${time}.${pad(d.getUTCMilliseconds() * 1000, 6)} +0000 UTC`;
}

export const MEMBERS_CSV_HEADER = [
  'Name',
  'Username',
  'Email',
  'Type',
  'Role',
  'Teams',
  'Date Joined',
];

/** GET /v2/orgs/{org}/members/export: a header line, then one line per member. */
export function membersCsv(org: OrgRecord, users: UserRecord[]): string {
  const lines = [MEMBERS_CSV_HEADER.join(',')];
  for (const user of users) {
    const role = org.members.get(user.username) ?? 'member';
    const fields = [
      user.full_name,
      user.username,
      user.email,
      'User',
      ROLE_LABELS[role],
      userGroups(org, user.username).join(', '),
      goTime(user.date_joined),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function inviteView(invite: InviteRecord): unknown {
  return {
    id: invite.id,
    inviter_username: invite.inviter_username,
    invitee: invite.invitee,
    org: invite.org,
    team: invite.team,
    created_at: invite.created_at,
  };
}

export function groupView(group: GroupRecord): unknown {
  return {
    id: group.id,
    uuid: group.uuid,
    name: group.name,
    description: group.description,
    member_count: group.members.length,
  };
}

export function groupMemberView(user: UserRecord): unknown {
  return { ...accountFields(user), email: user.email };
}

export function orgSettingsView(org: OrgRecord): unknown {
  return { restricted_images: { ...org.settings.restricted_images } };
}

export function auditLogView(event: AuditEvent): unknown {
  return {
    account: event.account,
    action: event.action,
    name: event.name,
    actor: event.actor,
    data: { ...event.data },
    timestamp: event.timestamp,
    action_description: event.action_description,
  };
}

/** GET /v2/auditlogs/{account}/actions, as the spec's example has it. */
export const AUDIT_ACTIONS = {
  org: {
    actions: [
      { name: 'team.create', description: 'contains team create events', label: 'Team Created' },
      { name: 'team.delete', description: 'contains team delete events', label: 'Team Deleted' },
      {
        name: 'team.member.add',
        description: 'contains team member add events',
        label: 'Team Member Added',
      },
      {
        name: 'team.member.remove',
        description: 'contains team member remove events',
        label: 'Team Member Removed',
      },
      {
        name: 'team.member.invite',
        description: 'contains team member invite events',
        label: 'Team Member Invited',
      },
      {
        name: 'member.removed',
        description: 'contains org member remove events',
        label: 'Organization Member Removed',
      },
      {
        name: 'create',
        description: 'contains organization create events',
        label: 'Organization Created',
      },
    ],
    label: 'Organization',
  },
  repo: {
    actions: [
      {
        name: 'create',
        description: 'contains repository create events',
        label: 'Repository Created',
      },
      {
        name: 'delete',
        description: 'contains repository delete events',
        label: 'Repository Deleted',
      },
      {
        name: 'change_privacy',
        description: 'contains repository privacy change events',
        label: 'Privacy Changed',
      },
      { name: 'tag.push', description: 'contains image tag push events', label: 'Tag Pushed' },
      { name: 'tag.delete', description: 'contains image tag delete events', label: 'Tag Deleted' },
    ],
    label: 'Repository',
  },
} as const;

export function auditActionsView(): unknown {
  return {
    actions: Object.fromEntries(
      Object.entries(AUDIT_ACTIONS).map(([group, value]) => [
        group,
        { actions: value.actions.map((a) => ({ ...a })), label: value.label },
      ]),
    ),
  };
}

export function imageTagViews(image: RepoImage): Array<{ tag: string; is_current: boolean }> {
  return [
    ...image.current_tags.map((tag) => ({ tag, is_current: true })),
    ...image.previous_tags.map((tag) => ({ tag, is_current: false })),
  ];
}

/** One result of GET .../images. */
export function imageView(repo: RepoRecord, image: RepoImage, activeFrom?: string): unknown {
  return {
    namespace: repo.namespace,
    repository: repo.name,
    digest: image.digest,
    tags: imageTagViews(image),
    last_pushed: image.last_pushed,
    last_pulled: image.last_pulled,
    status: imageStatus(image, activeFrom),
  };
}

export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function scimServiceProviderConfig(): unknown {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: '',
    patch: { supported: false },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 99999 },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: false },
    authenticationSchemes: {
      name: 'OAuth 2.0 Bearer Token',
      description:
        'The OAuth 2.0 Bearer Token Authentication scheme. OAuth enables clients to access protected resources by obtaining an access token.',
      specUri: 'http://tools.ietf.org/html/rfc6750',
      type: 'oauthbearertoken',
    },
  };
}

export const SCIM_RESOURCE_TYPES = [
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    description: 'User',
    endpoint: '/Users',
    schema: SCIM_USER_SCHEMA,
  },
] as const;

function scimAttribute(
  name: string,
  type: 'string' | 'boolean' | 'complex',
  description: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

export const SCIM_SCHEMAS = [
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: SCIM_USER_SCHEMA,
    name: 'User',
    description: 'User Account',
    attributes: [
      scimAttribute(
        'userName',
        'string',
        "Unique identifier for the User: the user's email address.",
        { required: true, uniqueness: 'server' },
      ),
      scimAttribute('name', 'complex', "The components of the user's name.", {
        subAttributes: [
          scimAttribute('givenName', 'string', 'The given name of the User.'),
          scimAttribute('familyName', 'string', 'The family name of the User.'),
        ],
      }),
      scimAttribute(
        'displayName',
        'string',
        'The username in Docker, also known as the Docker ID.',
        {
          mutability: 'readOnly',
        },
      ),
      scimAttribute('active', 'boolean', "A Boolean value indicating the User's status."),
      scimAttribute('emails', 'complex', 'Email addresses for the user.', { multiValued: true }),
      scimAttribute('groups', 'complex', 'The groups (teams) the user belongs to.', {
        multiValued: true,
        mutability: 'readOnly',
      }),
    ],
  },
] as const;

export function splitName(fullName: string): { givenName: string; familyName: string } {
  const trimmed = fullName.trim();
  const cut = trimmed.indexOf(' ');
  if (cut === -1) return { givenName: trimmed, familyName: '' };
  return { givenName: trimmed.slice(0, cut), familyName: trimmed.slice(cut + 1) };
}

/** A scim_user: userName is the email, displayName the Docker ID. */
export function scimUserView(
  org: OrgRecord,
  record: ScimUserRecord,
  user: UserRecord,
  baseUrl: string,
): Record<string, unknown> {
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: record.id,
    userName: user.email,
    name: splitName(user.full_name),
    displayName: user.username,
    active: record.active,
    emails: [{ value: user.email, display: user.email, primary: true }],
    groups: userGroups(org, user.username).map((name) => ({ value: name, display: name })),
    meta: {
      resourceType: 'User',
      location: `${baseUrl}/v2/scim/2.0/Users/${record.id}`,
      created: record.created,
      lastModified: record.last_modified,
    },
  };
}
