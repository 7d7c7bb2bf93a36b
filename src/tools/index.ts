/** The catalog: every implemented row of CATALOG.md, in its order. */
import { accountTools } from './account.js';
import { imageTools } from './images.js';
import { inviteTools } from './invites.js';
import { repositoryTools } from './repositories.js';
import { searchTools } from './search.js';
import { tagTools } from './tags.js';
import type { ToolEntry } from './types.js';

export const catalog: readonly ToolEntry[] = Object.freeze([
  ...repositoryTools,
  ...tagTools,
  ...imageTools,
  ...inviteTools,
  ...searchTools,
  ...accountTools,
]);

const byName = new Map(catalog.map((entry) => [entry.name, entry]));

/** Exact, case-sensitive lookup: `Get_Tag` or `get_tag ` is not `get_tag`. */
export function findTool(name: string): ToolEntry | undefined {
  return byName.get(name);
}
