import { permissionsFor } from './access.js';
import type { Caller } from './auth.js';
import type { HubState, OrgRecord, RepoRecord, TagRecord, UserRecord } from './state.js';

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
