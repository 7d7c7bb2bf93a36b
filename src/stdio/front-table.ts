/**
 * What the stdio front (front.ts) answers the opening of a session with, computed at build time
 * by scripts/bundle.mjs, which puts the table in this module's place: each catalog tool's name,
 * every resource need any of its calls could have (to decide which tools an agent sees) and its
 * description as tools/list sends it; and the protocol versions the SDK's server accepts in a
 * 2025-era `initialize`. Unbundled (tsc's output, the tests) it is undefined, and there is no
 * front: the SDK's server answers everything.
 */
import type { ResourceNeed } from '../policy/types.js';

export interface FrontTable {
  tools: { name: string; needs: ResourceNeed[]; description: unknown }[];
  /** The 2025-era versions, the server's preferred (its counter-offer) first. */
  legacyVersions: string[];
}

export const FRONT_TABLE: FrontTable | undefined = undefined;
