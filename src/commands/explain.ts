/** `hubgate explain`: the decision a call would get, without calling Docker Hub. */
import type { Config } from '../config/types.js';
import { buildPath } from '../hub/path.js';
import { UsageError } from '../options.js';
import { findTool } from '../tools/index.js';
import { prepareCall } from '../tools/prepare.js';

export function explainCall(
  config: Config,
  agentName: string,
  tool: string,
  args: unknown,
): string {
  const entry = findTool(tool);
  if (!entry)
    throw new UsageError(
      `--tool: there is no tool "${tool}" (hubgate tools lists them)`,
      'explain',
    );
  const agent = config.agents.get(agentName);
  if (!agent) throw new UsageError(`--agent: there is no agent "${agentName}"`, 'explain');
  const scim = agent.scimCredential ? config.credentials.get(agent.scimCredential) : undefined;
  const prepared = prepareCall(
    agent,
    entry,
    args,
    scim?.kind === 'scim' ? { scim_org: scim.org } : {},
  );
  const head = `${tool} for agent ${agentName}`;
  if (!prepared.valid) return `deny: ${head}\n  invalid arguments: ${prepared.reason}\n`;
  const { decision, needs } = prepared;
  const lines = [
    `${decision.allowed ? 'allow' : 'deny'}: ${head}`,
    `  needs: ${needs.map((need) => `${need.access} on ${need.resource}`).join(', ') || '(nothing)'}`,
    `  ${decision.allowed ? 'decided by' : 'reason'}: ${decision.allowed ? decision.grants.map((g) => `${g.resource}=${g.access}`).join(', ') : decision.reason}`,
  ];
  if (decision.allowed) {
    const path = entry.identityParams?.length ? entry.path : buildPath(entry.path, prepared.args);
    lines.push(`  would call: ${entry.method} ${path}`);
    if (entry.confirm)
      lines.push(`  after confirming with: GET ${buildPath(entry.confirm.path, prepared.args)}`);
  }
  return `${lines.join('\n')}\n`;
}
