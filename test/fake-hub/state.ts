export type Scope = 'repo:public_read' | 'repo:read' | 'repo:write' | 'repo:admin';
export type OrgRole = 'owner' | 'editor' | 'member';
/** Image management needs 'pro' (users) or 'team'/'business' (orgs); 'free' gets 403. */
export type Plan = 'free' | 'pro' | 'team' | 'business';
export type GroupPermission = 'read' | 'write' | 'admin';

export interface PatRecord {
  token: string;
  label: string;
  /** The widest of scopes: what a token exchanged with this PAT carries. */
  scope: Scope;
  uuid: string;
  scopes: Scope[];
  is_active: boolean;
  created_at: string;
  last_used: string | null;
  /** Null: never expires. */
  expires_at: string | null;
  creator_ip: string;
  creator_ua: string;
  generated_by: string;
}

export interface UserRecord {
  id: number;
  uuid: string;
  username: string;
  email: string;
  full_name: string;
  location: string;
  company: string;
  profile_url: string;
  date_joined: string;
  gravatar_url: string;
  password: string;
  pats: PatRecord[];
  plan: Plan;
  /** The TOTP code that always passes when 2FA is on; null when 2FA is off. */
  totp: string | null;
}

export interface GroupRecord {
  id: number;
  uuid: string;
  name: string;
  description: string;
  /** Usernames. */
  members: string[];
}

export interface OrgRecord {
  id: number;
  uuid: string;
  orgname: string;
  full_name: string;
  location: string;
  company: string;
  profile_url: string;
  date_joined: string;
  gravatar_url: string;
  badge: string;
  plan_name: string;
  /** username -> role */
  members: Map<string, OrgRole>;
  groups: GroupRecord[];
  plan: Plan;
  settings: OrgSettings;
}

export interface OrgSettings {
  restricted_images: {
    enabled: boolean;
    allow_official_images: boolean;
    allow_verified_publishers: boolean;
  };
}

/** A pending invitation to join an org. */
export interface InviteRecord {
  id: string;
  org: string;
  /** Group (team) name, null when none was given. */
  team: string | null;
  role: OrgRole;
  inviter_username: string;
  /** A Docker ID or an email address. */
  invitee: string;
  created_at: string;
  /** How many times PATCH /v2/invites/{id}/resend was called. */
  resent_count: number;
}

export interface OrgTokenResource {
  type: 'TYPE_REPO' | 'TYPE_ORG';
  path: string;
  scopes: string[];
}

/** An organization access token (OAT). */
export interface OrgTokenRecord {
  id: string;
  org: string;
  label: string;
  description: string;
  /** The secret exchanged at /v2/auth/token with the org name as identifier. */
  token: string;
  resources: OrgTokenResource[];
  created_by: string;
  is_active: boolean;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export interface AuditEvent {
  account: string;
  /** '<group>.<name>' of GET /v2/auditlogs/{account}/actions, e.g. 'repo.tag.push'. */
  action: string;
  name: string;
  actor: string;
  data: Record<string, string>;
  timestamp: string;
  action_description: string;
}

/** A user as SCIM provisioning knows it, one per org and user. */
export interface ScimUserRecord {
  id: string;
  org: string;
  username: string;
  /** False once deprovisioned: the user is then no longer a member of the org. */
  active: boolean;
  created: string;
  last_modified: string;
}

/** A password login waiting for its second factor. */
export interface PendingLogin {
  username: string;
  expiresAtMs: number;
}

export interface ImageRecord {
  architecture: string;
  variant: string | null;
  os: string;
  digest: string;
  size: number;
  status: 'active' | 'inactive';
  last_pulled: string | null;
  last_pushed: string;
}

/**
 * A manifest no current tag points at any more: an untagged image, kept with the tags that once
 * pointed at it. Tagged images are derived from the tags themselves (see repoImages).
 */
export interface ManifestRecord {
  digest: string;
  media_type: string;
  previous_tags: string[];
  last_pushed: string;
  last_pulled: string | null;
  status: 'active' | 'inactive';
}

export interface TagRecord {
  id: number;
  name: string;
  /** The tag's manifest (or index) digest. */
  digest: string;
  media_type: string;
  images: ImageRecord[];
  creator: number;
  last_updater: number;
  last_updater_username: string;
  last_pushed: string;
  last_pulled: string | null;
  status: 'active' | 'inactive';
}

export interface RepoGroupGrant {
  group_id: number;
  group_name: string;
  permission: GroupPermission;
}

export interface Category {
  name: string;
  slug: string;
}

export interface RepoRecord {
  id: number;
  namespace: string;
  name: string;
  is_private: boolean;
  description: string;
  full_description: string;
  registry: string;
  star_count: number;
  pull_count: number;
  date_registered: string;
  last_updated: string;
  last_modified: string;
  categories: Category[];
  immutable_tags_settings: { enabled: boolean; rules: string[] };
  source: string | null;
  tags: TagRecord[];
  groups: RepoGroupGrant[];
  /** Untagged manifests; see ManifestRecord. */
  manifests: ManifestRecord[];
}

export interface IssuedToken {
  token: string;
  jti: string;
  username: string;
  scope: Scope;
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
  /** Set when an organization access token was exchanged: username is then the org name. */
  orgTokenId?: string;
}

export interface HubState {
  /** Keyed by username. */
  users: Map<string, UserRecord>;
  /** Keyed by org name. */
  orgs: Map<string, OrgRecord>;
  repos: RepoRecord[];
  /** Keyed by the whole token string: the signature is random, so nothing else identifies it. */
  tokens: Map<string, IssuedToken>;
  /** Fresh numeric ids for anything created at runtime. */
  nextId(): number;
  /** Pending org invites, every org's. */
  invites: InviteRecord[];
  /** Organization access tokens, every org's. */
  orgTokens: OrgTokenRecord[];
  /** Audit events, every account's, oldest first. */
  auditLogs: AuditEvent[];
  /** SCIM bearer token -> org name. */
  scimTokens: Map<string, string>;
  scimUsers: ScimUserRecord[];
  /** login_2fa_token -> the login waiting for its code. */
  pendingLogins: Map<string, PendingLogin>;
}

export function findRepo(state: HubState, namespace: string, name: string): RepoRecord | undefined {
  return state.repos.find((r) => r.namespace === namespace && r.name === name);
}

export function findTag(repo: RepoRecord, name: string): TagRecord | undefined {
  return repo.tags.find((t) => t.name === name);
}

export function namespaceExists(state: HubState, namespace: string): boolean {
  return state.users.has(namespace) || state.orgs.has(namespace);
}

/** A user "belongs" to their own namespace and to every org that lists them. */
export function isMemberOf(state: HubState, username: string, namespace: string): boolean {
  if (namespace === username) return true;
  return state.orgs.get(namespace)?.members.has(username) ?? false;
}

export function namespacePlan(state: HubState, namespace: string): Plan | undefined {
  return state.orgs.get(namespace)?.plan ?? state.users.get(namespace)?.plan;
}

export function findGroup(org: OrgRecord, name: string): GroupRecord | undefined {
  return org.groups.find((g) => g.name === name);
}

export function findInvite(state: HubState, id: string): InviteRecord | undefined {
  return state.invites.find((i) => i.id === id);
}

export function invitesOf(state: HubState, org: string): InviteRecord[] {
  return state.invites.filter((i) => i.org === org);
}

export function findOrgToken(state: HubState, org: string, id: string): OrgTokenRecord | undefined {
  return state.orgTokens.find((t) => t.org === org && t.id === id);
}

export function findPat(user: UserRecord, uuid: string): PatRecord | undefined {
  return user.pats.find((p) => p.uuid === uuid);
}

export function auditEventsOf(state: HubState, account: string): AuditEvent[] {
  return state.auditLogs.filter((e) => e.account === account);
}

export function appendAudit(
  state: HubState,
  event: Omit<AuditEvent, 'timestamp'> & { timestamp?: string },
): AuditEvent {
  const full: AuditEvent = { ...event, timestamp: event.timestamp ?? new Date().toISOString() };
  state.auditLogs.push(full);
  return full;
}

/** Takes the user out of the org and out of every group of it; false when not a member. */
export function removeOrgMember(org: OrgRecord, username: string): boolean {
  if (!org.members.delete(username)) return false;
  for (const group of org.groups) group.members = group.members.filter((m) => m !== username);
  return true;
}

export function findScimUser(state: HubState, org: string, id: string): ScimUserRecord | undefined {
  return state.scimUsers.find((u) => u.org === org && u.id === id);
}

/** One image of a repository as image management sees it: a manifest (or index) digest. */
export interface RepoImage {
  digest: string;
  media_type: string;
  /** Tags pointing at it now. */
  current_tags: string[];
  /** Tags that pointed at it once. */
  previous_tags: string[];
  last_pushed: string;
  last_pulled: string | null;
  /** The stored status; see imageStatus for the one against an active_from time. */
  status: 'active' | 'inactive';
  /** Platform image digests of a multi-arch index; they cannot be deleted on their own. */
  children: string[];
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** The repository's images: one per distinct tag digest, then the untagged manifests. */
export function repoImages(repo: RepoRecord): RepoImage[] {
  const byDigest = new Map<string, RepoImage>();
  for (const tag of repo.tags) {
    const image = byDigest.get(tag.digest);
    if (image) {
      image.current_tags.push(tag.name);
      image.last_pushed = later(image.last_pushed, tag.last_pushed) ?? image.last_pushed;
      image.last_pulled = later(image.last_pulled, tag.last_pulled);
      if (tag.status === 'active') image.status = 'active';
      continue;
    }
    const multiArch = tag.images.length > 1;
    byDigest.set(tag.digest, {
      digest: tag.digest,
      media_type: tag.media_type,
      current_tags: [tag.name],
      previous_tags: [],
      last_pushed: tag.last_pushed,
      last_pulled: tag.last_pulled,
      status: tag.status,
      children: multiArch ? tag.images.map((i) => i.digest) : [],
    });
  }
  for (const manifest of repo.manifests) {
    const image = byDigest.get(manifest.digest);
    if (image) {
      image.previous_tags.push(...manifest.previous_tags);
      continue;
    }
    byDigest.set(manifest.digest, {
      digest: manifest.digest,
      media_type: manifest.media_type,
      current_tags: [],
      previous_tags: [...manifest.previous_tags],
      last_pushed: manifest.last_pushed,
      last_pulled: manifest.last_pulled,
      status: manifest.status,
      children: [],
    });
  }
  return [...byDigest.values()];
}

/** Latest push or pull. */
export function lastActivity(image: RepoImage): string {
  return later(image.last_pushed, image.last_pulled) ?? image.last_pushed;
}

/**
 * Against an active_from time an image is active when pushed or pulled since then. Without one
 * the stored status stands: seed timestamps are fixed in the past, so a clock-based default would
 * make every seeded image inactive.
 */
export function imageStatus(
  image: RepoImage,
  activeFrom: string | undefined,
): 'active' | 'inactive' {
  if (activeFrom === undefined) return image.status;
  return Date.parse(lastActivity(image)) >= Date.parse(activeFrom) ? 'active' : 'inactive';
}

/** Deletes the image and every tag pointing at it; answers how many tags went. */
export function deleteImage(repo: RepoRecord, digest: string): number {
  const before = repo.tags.length;
  repo.tags = repo.tags.filter((t) => t.digest !== digest);
  repo.manifests = repo.manifests.filter((m) => m.digest !== digest);
  return before - repo.tags.length;
}
