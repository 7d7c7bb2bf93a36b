/**
 * The policy decision: deny by default; a call is allowed only when every resource it touches is
 * covered, at the level it needs, by some grant of the agent.
 */
import { globCovers } from './match.js';
import {
  ACCESS_LEVELS,
  type Access,
  type AgentPolicy,
  type Decision,
  type ResourceNeed,
} from './types.js';

export function levelIncludes(granted: Access, needed: Access): boolean {
  return ACCESS_LEVELS.indexOf(granted) >= ACCESS_LEVELS.indexOf(needed);
}

export function isCovered(agent: AgentPolicy, need: ResourceNeed): boolean {
  return agent.grants.some(
    (grant) =>
      levelIncludes(grant.access, need.access) && globCovers(grant.resource, need.resource),
  );
}

export function authorize(agent: AgentPolicy, tool: string, needs: ResourceNeed[]): Decision {
  const missing = needs.filter((need) => !isCovered(agent, need));
  if (needs.length > 0 && missing.length === 0) return { allowed: true };
  const what = missing.map((need) => `${need.access} on ${need.resource}`).join(', ');
  return {
    allowed: false,
    missing,
    reason: needs.length
      ? `agent "${agent.name}" has no grant for ${what} (needed by ${tool})`
      : `${tool} names no resource, so no grant can allow it`,
  };
}
