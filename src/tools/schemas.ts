/**
 * Argument schemas shared by the catalog, carrying Docker Hub's own rules so that a bad value is
 * refused with the field and the rule before anything is sent.
 *
 * A description here is repeated in every tool that takes the argument, and tools/list sits in
 * every agent's context (test/tools/list-size.test.ts): the arguments whose name and rules say it
 * all (namespace, repository, org, tag, digest, page, page_size, detail, all_pages, max_items)
 * have none. The rules themselves (pattern, bounds, enum, default) are always in the schema.
 */
import { z } from 'zod';

/**
 * Docker Hub names: lowercase letters and digits, joined by `.`, `_`, `__` or runs of `-`. Plain
 * groups rather than `(?:…)`: the same language, in fewer bytes of every tool's JSON Schema.
 */
const HUB_NAME = /^[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*$/;
const HUB_NAME_RULE =
  'must be 2-255 lowercase letters or digits, optionally joined by ".", "_", "__" or "-" ' +
  '(no leading or trailing separator)';

function hubName() {
  return z.string().min(2, HUB_NAME_RULE).max(255, HUB_NAME_RULE).regex(HUB_NAME, HUB_NAME_RULE);
}

export const namespace = hubName();
export const repository = hubName();

/** OCI tag grammar: a word character first, then up to 127 of word characters, `.` and `-`. */
export const tag = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
    'must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"',
  );

export const page = z.number().int('must be a whole number').min(1, 'must be 1 or more').default(1);

export const pageSize = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be between 1 and 100')
  .max(100, 'must be between 1 and 100')
  .default(10);

/**
 * Added by the machinery to every GET tool, never written into an entry. What "full" means (the
 * Hub's objects unchanged) is in the server's instructions, not repeated in 30 tools.
 */
export const detail = z.enum(['compact', 'full']).default('compact');

/** Added by the machinery to paginated lists. */
export const allPages = z.boolean().default(false);

export const maxItems = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be between 1 and 10000')
  .max(10_000, 'must be between 1 and 10000')
  .default(500);

export const shortDescription = z.string().max(100, 'must be at most 100 characters');

export const fullDescription = z
  .string()
  .max(25_000, 'must be at most 25000 characters')
  .describe('Markdown overview');

/** The format the Hub's spec gives for immutable-tag rules. */
export const immutableTagRule = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(
    /^[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(\/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$/,
    "must match the Hub's rule format [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*",
  );

/** Every organization name is `org` in hubgate's tools (the spec says name, org_name, account). */
export const org = hubName();

export const digest = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits');

export const dateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
});

/** A Docker ID. */
export const username = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,38}$/,
    'must be a Docker ID: 2-39 lowercase letters, digits, ".", "_" or "-"',
  );

/** Every group (team) name is `group` in hubgate's tools (the spec says group_name). */
export const group = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be 1-100 letters, digits, "_", "." or "-"')
  .describe('Team name');

export const uuid = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/,
    'must be a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6',
  );
