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

export type PreparedCall =
  | { valid: false; reason: string }
  | { valid: true; args: Args; needs: ResourceNeed[]; decision: Decision };

export function prepareCall(agent: AgentPolicy, entry: ToolEntry, rawArgs: unknown): PreparedCall {
  const parsed = inputSchemaOf(entry).safeParse(rawArgs ?? {});
  if (!parsed.success) return { valid: false, reason: describeIssues(parsed.error) };
  const args = parsed.data as Args;
  const needs = resourceNeeds(entry, args);
  return { valid: true, args, needs, decision: authorize(agent, entry.name, needs) };
}
