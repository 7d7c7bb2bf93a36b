/**
 * What a new (or changed) organization access token will reach, as resources the policy checks.
 * An agent may hand a token only what it holds itself: each token resource must be within the
 * agent's grants at the level its scopes need, or minting a token becomes a way around the grants
 * (read on one repository, admin on the org: mint a push token for all of them and use it
 * directly). A wildcard token path needs a grant that covers every resource it stands for.
 */
import type { Access, ResourceNeed } from '../policy/types.js';

const NAME = '[a-z0-9][a-z0-9._-]*';
/** `org/repo` or `org/*`; `*\/*\/public` is every public repository. */
const REPO_PATH = new RegExp(`^(${NAME})/(${NAME}|\\*)$`);
const ORG_PATH = new RegExp(`^${NAME}$`);
const ALL_PUBLIC = '*/*/public';

export const TOKEN_PATH_RULE =
  'must be "org/repo", "org/*" or "*/*/public" for TYPE_REPO, and the org name for TYPE_ORG ' +
  '(lowercase), so that hubgate can check it against the grants';

/** The resource a token resource reaches, or undefined for a path hubgate cannot check. */
export function tokenResourceOf(type: string, path: string): string | undefined {
  if (type === 'TYPE_REPO') {
    if (path === ALL_PUBLIC) return 'repo:*/*';
    return REPO_PATH.test(path) ? `repo:${path}` : undefined;
  }
  if (type === 'TYPE_ORG') return ORG_PATH.test(path) ? `org:${path}` : undefined;
  return undefined;
}

/**
 * The level the scopes need: pulling and reading are read, pushing and writing are write, and
 * any other scope (delete, manage, names the Hub adds later) is taken as admin.
 */
export function levelOfScopes(scopes: readonly string[]): Access {
  const levels = scopes.map((scope): Access => {
    if (/(?:^|[-_:.])(?:pull|read|public_read)$/.test(scope)) return 'read';
    if (/(?:^|[-_:.])(?:push|write)$/.test(scope)) return 'write';
    return 'admin';
  });
  if (levels.includes('admin')) return 'admin';
  return levels.includes('write') ? 'write' : 'read';
}

/** The needs of a validated list of token resources: one per item, at its scopes' level. */
export function tokenNeeds(items: readonly unknown[]): ResourceNeed[] {
  return items.map((item) => {
    const { type, path, scopes } = item as { type: string; path: string; scopes: string[] };
    const resource = tokenResourceOf(type, path);
    // The schema refuses paths hubgate cannot check; a gap here is a catalog defect.
    if (!resource) throw new Error(`token resource path "${path}" slipped past its schema`);
    const need: ResourceNeed = { resource, access: levelOfScopes(scopes) };
    if (resource.includes('*')) need.every = true;
    return need;
  });
}
