/**
 * Everything decided before the Hub is called: the arguments validated, the resources they name,
 * and the policy's decision. The choke point and `hubgate explain` share it, so an explanation is
 * always the decision a real call would get.
 */
import { authorize } from '../policy/authorize.js';
import type { AgentPolicy, Decision, ResourceNeed } from '../policy/types.js';
import { describeIssues, inputSchemaOf } from './input.js';
import { resourceNeeds } from './resources.js';
import type { Args, ToolEntry } from './types.js';

/** Values from the server's side that resource templates may name: never from the client. */
export interface Bindings {
  /** The org the agent's SCIM credential belongs to. */
  scim_org?: string;
}

export type PreparedCall =
  | { valid: false; reason: string }
  | { valid: true; args: Args; needs: ResourceNeed[]; decision: Decision };

export function prepareCall(
  agent: AgentPolicy,
  entry: ToolEntry,
  rawArgs: unknown,
  bindings: Bindings = {},
): PreparedCall {
  const parsed = inputSchemaOf(entry).safeParse(rawArgs ?? {});
  if (!parsed.success) return { valid: false, reason: describeIssues(parsed.error) };
  const args = parsed.data as Args;
  if (entry.identity === 'scim' && !bindings.scim_org) {
    const reason = `agent "${agent.name}" has no SCIM credential (scim_credential in the config), which ${entry.name} needs`;
    return { valid: true, args, needs: [], decision: { allowed: false, missing: [], reason } };
  }
  // Bindings come last: an argument can never stand in for a value the server supplies.
  const needs = resourceNeeds(entry, { ...args, ...bindings });
  return { valid: true, args, needs, decision: authorize(agent, entry.name, needs) };
}
