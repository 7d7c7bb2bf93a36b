/**
 * Result shapers: what an agent needs from the Hub's objects, and no more, because every byte
 * of a result is context the model pays for. `detail: "full"` bypasses them.
 */
import type { HubResponse } from '../hub/connection.js';
import type { Args } from './types.js';

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** Drops undefined and null fields, so absent data costs nothing. */
export function compact(object: Json): Json {
  // A loop, not fromEntries(entries().filter()): this runs for every object of every result.
  const kept: Json = {};
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value !== undefined && value !== null) kept[key] = value;
  }
  return kept;
}

export function repositorySummary(value: unknown): Json {
  const repo = asObject(value);
  const immutable = asObject(repo.immutable_tags_settings);
  return compact({
    namespace: repo.namespace,
    name: repo.name,
    description: repo.description || undefined,
    is_private: repo.is_private,
    status: repo.status_description,
    pull_count: repo.pull_count,
    star_count: repo.star_count,
    last_updated: repo.last_updated,
    immutable_tags: immutable.enabled ? (immutable.rules ?? []) : undefined,
  });
}

export function tagSummary(value: unknown): Json {
  const tag = asObject(value);
  // The spec says `images` is an object, the live Hub sends an array: accept both.
  const images = (Array.isArray(tag.images) ? tag.images : tag.images ? [tag.images] : []).map(
    asObject,
  );
  const platforms = images
    .map((image) => [image.os, image.architecture, image.variant].filter(Boolean).join('/'))
    // Attestation manifests (SBOM, provenance) are listed as unknown/unknown: not a platform.
    .filter((platform) => platform && platform !== 'unknown/unknown');
  return compact({
    name: tag.name,
    digest: tag.digest ?? (images.length === 1 ? images[0]?.digest : undefined),
    last_pushed: tag.tag_last_pushed ?? tag.last_updated,
    last_pulled: tag.tag_last_pulled,
    size: tag.full_size,
    platforms,
    status: tag.tag_status ?? tag.status,
  });
}

export function searchResultSummary(value: unknown): Json {
  const item = asObject(value);
  return compact({
    name: item.name,
    type: item.type,
    description: item.short_description || undefined,
    badge: item.badge && item.badge !== 'none' ? item.badge : undefined,
    star_count: item.star_count,
    pull_count: item.pull_count,
    updated_at: item.updated_at,
  });
}

export function accountSummary(value: unknown): Json {
  const user = asObject(value);
  return compact({
    username: user.username,
    full_name: user.full_name || undefined,
    company: user.company || undefined,
    location: user.location || undefined,
    type: user.type,
    date_joined: user.date_joined,
  });
}

export function orgSummary(value: unknown): Json {
  const org = asObject(value);
  return compact({
    org: org.orgname,
    full_name: org.full_name || undefined,
    role: org.user_role,
    plan: org.plan_name,
  });
}

/** A Hub page `{count, next, previous, results}` as items plus what is needed to page on. */
export function pageOf(item: (value: unknown) => Json) {
  return (response: HubResponse, args: Args): Json => {
    const body = asObject(response.body);
    const results = Array.isArray(body.results) ? body.results : [];
    return {
      items: results.map(item),
      count: body.count,
      page: args.page,
      page_size: args.page_size,
      has_more: Boolean(body.next),
    };
  };
}

/** The body as the Hub sent it (for small answers that are already compact). */
export function asIs(response: HubResponse): unknown {
  return response.body ?? {};
}

/** HEAD checks: a 2xx means present, a 404 absent. */
export function existence(response: HubResponse): Json {
  return { exists: response.status >= 200 && response.status < 300 };
}

export function single(summary: (value: unknown) => Json) {
  return (response: HubResponse): Json => summary(response.body);
}

/**
 * A created token: its summary and the secret, which the Hub shows only this once. The one kind
 * of result that carries a secret: creating it is the purpose of the call.
 */
export function withNewSecret(summary: (value: unknown) => Json) {
  return (response: HubResponse): Json => ({
    ...summary(response.body),
    token: asObject(response.body).token,
    note: 'token is the secret, shown only this once: store it now.',
  });
}
