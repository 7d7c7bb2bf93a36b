import { createHash } from 'node:crypto';
import type { HubState, ManifestRecord, RepoRecord, TagRecord } from './state.js';

const BASE_MS = Date.parse('2025-01-01T00:00:00.000Z');
const DAY_MS = 86_400_000;

/** Fixed timestamps keep orderings (and therefore pagination) identical across runs. */
export function seedTime(days: number): string {
  return new Date(BASE_MS + days * DAY_MS).toISOString();
}

export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A v4-shaped UUID derived from the text, so seeded ids stay the same across runs. */
export function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface Platform {
  os: string;
  architecture: string;
  variant: string | null;
}

export const AMD64: Platform = { os: 'linux', architecture: 'amd64', variant: null };
export const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
/**
 * BuildKit's attestation manifests (SBOM, provenance) sit in a multi-platform index beside the
 * images, and the Hub lists them with os and architecture "unknown".
 */
export const ATTESTATION: Platform = { os: 'unknown', architecture: 'unknown', variant: null };

export interface NewTag {
  name: string;
  pushedAt: string;
  platforms?: Platform[];
  updater?: { id: number; username: string };
  status?: 'active' | 'inactive';
  lastPulled?: string | null;
}

/** Appends a tag to the repository and bumps its last_updated, as a push would. */
export function addTag(state: HubState, repo: RepoRecord, input: NewTag): TagRecord {
  const ref = `${repo.namespace}/${repo.name}:${input.name}`;
  const platforms = input.platforms ?? [AMD64];
  const lastPulled = input.lastPulled === undefined ? input.pushedAt : input.lastPulled;
  const images = platforms.map((p) => {
    const platform = `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
    const digest = digestOf(`${ref}@${platform}`);
    return {
      architecture: p.architecture,
      variant: p.variant,
      os: p.os,
      digest,
      size: 20_000_000 + (Number.parseInt(digest.slice(7, 13), 16) % 10_000_000),
      status: input.status ?? ('active' as const),
      last_pulled: lastPulled,
      last_pushed: input.pushedAt,
    };
  });
  const multiArch = images.length > 1;
  const updater = input.updater ?? { id: 1, username: repo.namespace };
  const tag: TagRecord = {
    id: state.nextId(),
    name: input.name,
    // A single-platform tag points straight at its image manifest; a multi-arch one at an index.
    digest: multiArch ? digestOf(ref) : (images[0]?.digest ?? digestOf(ref)),
    media_type: multiArch
      ? 'application/vnd.oci.image.index.v1+json'
      : 'application/vnd.oci.image.manifest.v1+json',
    images,
    creator: updater.id,
    last_updater: updater.id,
    last_updater_username: updater.username,
    last_pushed: input.pushedAt,
    last_pulled: lastPulled,
    status: input.status ?? 'active',
  };
  repo.tags.push(tag);
  if (input.pushedAt > repo.last_updated) repo.last_updated = input.pushedAt;
  return tag;
}

export interface NewRepo {
  namespace: string;
  name: string;
  is_private?: boolean;
  description?: string;
  full_description?: string;
  star_count?: number;
  pull_count?: number;
  createdAt?: string;
  categories?: RepoRecord['categories'];
}

export function addRepo(state: HubState, input: NewRepo): RepoRecord {
  const createdAt = input.createdAt ?? new Date().toISOString();
  const repo: RepoRecord = {
    id: state.nextId(),
    namespace: input.namespace,
    name: input.name,
    is_private: input.is_private ?? false,
    description: input.description ?? '',
    full_description: input.full_description ?? '',
    registry: 'docker.io',
    star_count: input.star_count ?? 0,
    pull_count: input.pull_count ?? 0,
    date_registered: createdAt,
    last_updated: createdAt,
    last_modified: createdAt,
    categories: input.categories ?? [],
    immutable_tags_settings: { enabled: false, rules: [] },
    source: null,
    tags: [],
    groups: [],
    manifests: [],
  };
  state.repos.push(repo);
  return repo;
}

export interface NewManifest {
  /** Seeds the digest, e.g. 'acme/app@v0.9.0'. */
  ref: string;
  pushedAt: string;
  previousTags?: string[];
  status?: 'active' | 'inactive';
  lastPulled?: string | null;
}

/** Adds an untagged manifest (an image no current tag points at). */
export function addManifest(repo: RepoRecord, input: NewManifest): ManifestRecord {
  const manifest: ManifestRecord = {
    digest: digestOf(input.ref),
    media_type: 'application/vnd.oci.image.manifest.v1+json',
    previous_tags: [...(input.previousTags ?? [])],
    last_pushed: input.pushedAt,
    last_pulled: input.lastPulled === undefined ? null : input.lastPulled,
    status: input.status ?? 'inactive',
  };
  repo.manifests.push(manifest);
  return manifest;
}
