/** Access levels nest: admin includes write includes read. */
export const ACCESS_LEVELS = ['read', 'write', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** One grant: a resource glob (`repo:myorg/app-*`) at a level. */
export interface Grant {
  resource: string;
  access: Access;
}

/** An agent as the policy sees it: a name and what it was granted. */
export interface AgentPolicy {
  name: string;
  grants: readonly Grant[];
}

/** One resource a call touches, at the level the call needs on it. */
export interface ResourceNeed {
  resource: string;
  access: Access;
}

export type Decision =
  | { allowed: true }
  | { allowed: false; missing: ResourceNeed[]; reason: string };
