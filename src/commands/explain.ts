/** `hubgate explain`: the decision a call would get, without calling Docker Hub. */
import { NO_AUDIT } from '../audit/sinks.js';
import type { Config } from '../config/types.js';
import { createGateway } from '../gateway/gateway.js';
import { buildPath } from '../hub/path.js';
import { createLogger } from '../log.js';
import { UsageError } from '../options.js';
import { describeApproval, describeNeed } from '../policy/types.js';

export function explainCall(
  config: Config,
  agentName: string,
  tool: string,
  args: unknown,
): string {
  // The same gateway a server builds, so the explanation is the decision a real call would get;
  // it records nothing (no call is made) and its connection is never used.
  const gateway = createGateway(config, { logger: createLogger('silent'), audit: NO_AUDIT });
  const explanation = gateway.explain(agentName, tool, args);
  void gateway.close();
  if (explanation.kind === 'unknown tool')
    throw new UsageError(
      `--tool: there is no tool "${tool}" (hubgate tools lists them)`,
      'explain',
    );
  if (explanation.kind === 'unknown agent')
    throw new UsageError(`--agent: there is no agent "${agentName}"`, 'explain');
  const { entry, prepared } = explanation;
  const head = `${tool} for agent ${agentName}`;
  if (!prepared.valid) return `deny: ${head}\n  invalid arguments: ${prepared.reason}\n`;
  const { decision, needs } = prepared;
  const lines = [
    `${decision.allowed ? 'allow' : 'deny'}: ${head}`,
    `  needs: ${needs.map(describeNeed).join(', ') || '(nothing)'}`,
    `  ${decision.allowed ? 'decided by' : 'reason'}: ${decision.allowed ? decision.grants.map((g) => `${g.resource}=${g.access}`).join(', ') : decision.reason}`,
  ];
  if (decision.allowed && decision.approval) {
    const who =
      config.agents.get(agentName)?.approveVia === 'operator'
        ? 'an operator confirms each call first, out of band (hubgate approvals, hubgate approve ID)'
        : "its client's user confirms each call first (elicitation, or input_required over 2026-07-28)";
    lines.push(
      `  needs approval: ${who} (${decision.approval
        .map((grant) => `${grant.resource}=${grant.access} approve: ${describeApproval(grant)}`)
        .join(', ')})`,
    );
  }
  if (decision.allowed) {
    const path = entry.identityParams?.length ? entry.path : buildPath(entry.path, prepared.args);
    lines.push(`  would call: ${entry.method} ${path}`);
    if (entry.confirm)
      lines.push(`  after confirming with: GET ${buildPath(entry.confirm.path, prepared.args)}`);
  }
  return `${lines.join('\n')}\n`;
}
