/**
 * Ownership of an organization is `admin` on it, whatever path grants it: the owner role of an
 * invite, or the `owners` team (joining it, leaving it, creating, renaming or replacing it, or
 * inviting into it). Without this, `write` on an org (enough for ordinary teams) would make owners.
 */
import type { Args, ResourceTemplate } from './types.js';

/** Docker Hub's team whose members are the organization's owners. */
export const OWNERS_TEAM = 'owners';

function namesOwners(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === OWNERS_TEAM;
}

/**
 * `org:{org}` at write, or admin when one of the team arguments names the owners team or the
 * `role` argument is owner.
 */
export function orgUnlessOwnership(teamArguments: readonly string[]): ResourceTemplate {
  return {
    template: 'org:{org}',
    access: (args: Args) =>
      args.role === 'owner' || teamArguments.some((name) => namesOwners(args[name]))
        ? 'admin'
        : 'write',
    note: `write; admin when it gives or changes ownership (role owner, or the ${OWNERS_TEAM} team)`,
  };
}
