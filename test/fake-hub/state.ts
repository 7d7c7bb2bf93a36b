export type Scope = 'repo:public_read' | 'repo:read' | 'repo:write' | 'repo:admin';
export type OrgRole = 'owner' | 'member';
export type GroupPermission = 'read' | 'write' | 'admin';

export interface PatRecord {
  token: string;
  label: string;
  scope: Scope;
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
}

export interface GroupRecord {
  id: number;
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
}

export interface IssuedToken {
  token: string;
  jti: string;
  username: string;
  scope: Scope;
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
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
