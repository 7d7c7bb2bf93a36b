/** Access levels nest: admin includes write includes read. */
export const ACCESS_LEVELS = ['read', 'write', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/**
 * When a person must confirm a call a grant allows: every call, calls of these tools, or calls at
 * this level or above.
 */
export type Approval = { always: true } | { tools: readonly string[] } | { access: Access };

/** One grant: a resource glob (`repo:myorg/app-*`) at a level, perhaps only with a person's yes. */
export interface Grant {
  resource: string;
  access: Access;
  approve?: Approval;
}

/** Narrowing by tool name: only `allow`ed tools (when given), never `deny`ed ones. */
export interface ToolLists {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** An agent as the policy sees it: a name, what it was granted, and its tool lists. */
export interface AgentPolicy {
  name: string;
  grants: readonly Grant[];
  tools?: ToolLists;
}

/** One resource a call touches, at the level the call needs on it. */
export interface ResourceNeed {
  resource: string;
  access: Access;
  /**
   * The `*` segments stand for every resource there, not some: a new token for `acme/*` reaches
   * every repository of acme, so only a grant as wide allows it.
   */
  every?: true;
}

/** `write on repo:acme/app`, `read on every repo:acme/*`: a need as refusals and explain say it. */
export function describeNeed(need: ResourceNeed): string {
  return `${need.access} on ${need.every ? 'every ' : ''}${need.resource}`;
}

/** A grant's `approve:` as the config writes it, for check and explain. */
export function describeApproval(grant: Grant): string {
  const { approve } = grant;
  if (!approve || 'always' in approve) return 'always';
  if ('tools' in approve) return `{ tools: [${approve.tools.join(', ')}] }`;
  return `{ access: ${approve.access} }`;
}

/** `reason` names the grants that allowed, or what was missing. */
export type Decision =
  /** `approval`: the deciding grants that want a person to confirm this call first. */
  | { allowed: true; grants: Grant[]; reason: string; approval?: Grant[] }
  | { allowed: false; missing: ResourceNeed[]; reason: string };

/** What a grant's resource may be: the kinds of CATALOG.md, lowercase, `*` within a segment. */
const SEGMENT = '[a-z0-9._*-]+';
export const GRANT_RESOURCE = new RegExp(
  `^(?:repo:${SEGMENT}/${SEGMENT}|(?:org|scim):${SEGMENT}|account|catalog|auth)$`,
);
export const GRANT_RESOURCE_RULE =
  'must be repo:NAMESPACE/REPOSITORY, org:ORG, scim:ORG, account, catalog or auth ' +
  '(lowercase; * matches within one segment, e.g. repo:myorg/app-*)';
