/**
 * The policy decision: deny by default; a call is allowed only when the agent's tool lists permit
 * the tool and every resource it touches is covered, at the level it needs, by some grant.
 */
import { GlobIndex } from './match.js';
import {
  ACCESS_LEVELS,
  type Access,
  type AgentPolicy,
  type Approval,
  type Decision,
  describeNeed,
  type Grant,
  type ResourceNeed,
} from './types.js';

export function levelIncludes(granted: Access, needed: Access): boolean {
  return ACCESS_LEVELS.indexOf(granted) >= ACCESS_LEVELS.indexOf(needed);
}

/** Each agent's grants compiled and indexed once; a reloaded config brings new grant lists. */
const indexes = new WeakMap<readonly Grant[], GlobIndex<Grant>>();

function indexOf(agent: AgentPolicy): GlobIndex<Grant> {
  let index = indexes.get(agent.grants);
  if (!index) {
    index = new GlobIndex(agent.grants.map((grant) => ({ glob: grant.resource, value: grant })));
    indexes.set(agent.grants, index);
  }
  return index;
}

/** The first grant, as listed, that covers the need at its level, if any. */
export function coveringGrant(agent: AgentPolicy, need: ResourceNeed): Grant | undefined {
  return indexOf(agent)
    .matching(need.resource, need.every ? 'every' : 'some')
    .find((compiled) => levelIncludes(compiled.value.access, need.access))?.value;
}

export function isCovered(agent: AgentPolicy, need: ResourceNeed): boolean {
  return coveringGrant(agent, need) !== undefined;
}

/**
 * Does one grant cover every resource a `*` of the need stands for (`repo:acme/*`: every
 * repository of acme, not only some)? Then a list of them needs no filtering by the policy.
 */
export function isCoveredForEvery(agent: AgentPolicy, need: ResourceNeed): boolean {
  return isCovered(agent, { ...need, every: true });
}

export function toolPermitted(agent: AgentPolicy, tool: string): boolean {
  const { allow, deny } = agent.tools ?? {};
  if (allow && !allow.includes(tool)) return false;
  return !deny?.includes(tool);
}

/**
 * Could some call of this tool be allowed, given every need any of its calls could have? Tools for
 * which none can are not listed (tools/visible.ts, and the stdio front's precomputed table).
 */
export function mayEverAllow(
  agent: AgentPolicy,
  tool: string,
  possibleNeeds: readonly ResourceNeed[],
): boolean {
  return toolPermitted(agent, tool) && possibleNeeds.every((need) => isCovered(agent, need));
}

export function authorize(agent: AgentPolicy, tool: string, needs: ResourceNeed[]): Decision {
  if (!toolPermitted(agent, tool)) {
    return {
      allowed: false,
      missing: [],
      reason: `agent "${agent.name}" may not use ${tool}: its tool list excludes it`,
    };
  }
  if (needs.length === 0) {
    return {
      allowed: false,
      missing: [],
      reason: `${tool} names no resource, so no grant can allow it`,
    };
  }
  const grants: Grant[] = [];
  const missing: ResourceNeed[] = [];
  for (const need of needs) {
    const grant = coveringGrant(agent, need);
    if (!grant) missing.push(need);
    else if (!grants.includes(grant)) grants.push(grant);
  }
  if (missing.length > 0) {
    const what = missing.map(describeNeed).join(', ');
    return {
      allowed: false,
      missing,
      reason: `agent "${agent.name}" has no grant for ${what} (needed by ${tool})`,
    };
  }
  const approval = grants.filter((grant) => grant.approve && asks(grant.approve, tool, needs));
  return {
    allowed: true,
    grants,
    reason: `granted by ${grants.map((grant) => `${grant.resource} (${grant.access})`).join(', ')}`,
    ...(approval.length > 0 ? { approval } : {}),
  };
}

/** Whether a grant's approval rule covers this call. */
function asks(approve: Approval, tool: string, needs: ResourceNeed[]): boolean {
  if ('always' in approve) return true;
  if ('tools' in approve) return approve.tools.includes(tool);
  const level = ACCESS_LEVELS.indexOf(approve.access);
  return needs.some((need) => ACCESS_LEVELS.indexOf(need.access) >= level);
}
