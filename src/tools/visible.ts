/**
 * Which tools an agent is shown: those some call of which its grants could allow. Hiding the rest
 * keeps the model's context small; it is not the boundary (every call is checked whatever it is).
 */
import { mayEverAllow as mayEverAllowNeeds } from '../policy/authorize.js';
import type { AgentPolicy } from '../policy/types.js';
import { possibleNeeds } from './resources.js';
import type { ToolEntry } from './types.js';

/** Could some call of this tool be allowed? Tools that can never be are not listed. */
export function mayEverAllow(agent: AgentPolicy, entry: ToolEntry): boolean {
  return mayEverAllowNeeds(agent, entry.name, possibleNeeds(entry));
}

export function visibleTools(agent: AgentPolicy | undefined, entries: readonly ToolEntry[]) {
  return agent ? entries.filter((entry) => mayEverAllow(agent, entry)) : [];
}
