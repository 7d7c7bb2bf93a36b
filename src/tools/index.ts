/** The catalog: every row of CATALOG.md, in its order, one module per area. */
import { accessTokenTools } from './access-tokens.js';
import { accountTools } from './account.js';
import { auditLogTools } from './audit-logs.js';
import { authTools } from './auth.js';
import { groupTools } from './groups.js';
import { imageTools } from './images.js';
import { inviteTools } from './invites.js';
import { memberTools } from './members.js';
import { orgAccessTokenTools } from './org-access-tokens.js';
import { orgSettingsTools } from './org-settings.js';
import { repositoryTools } from './repositories.js';
import { scimTools } from './scim.js';
import { searchTools } from './search.js';
import { tagTools } from './tags.js';
import type { ToolEntry } from './types.js';

export const catalog: readonly ToolEntry[] = Object.freeze([
  ...repositoryTools,
  ...tagTools,
  ...imageTools,
  ...accessTokenTools,
  ...orgAccessTokenTools,
  ...orgSettingsTools,
  ...auditLogTools,
  ...memberTools,
  ...inviteTools,
  ...groupTools,
  ...scimTools,
  ...authTools,
  ...searchTools,
  ...accountTools,
]);

const byName = new Map(catalog.map((entry) => [entry.name, entry]));

/** Exact, case-sensitive lookup: `Get_Tag` or `get_tag ` is not `get_tag`. */
export function findTool(name: string): ToolEntry | undefined {
  return byName.get(name);
}

/** Every tool's name: what a config's `tools.allow` and `tools.deny` may list. */
export const toolNames: ReadonlySet<string> = new Set(byName.keys());
