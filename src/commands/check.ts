/** `hubgate check`: validate the policy and show what each agent may do. */
import type { Config } from '../config/types.js';
import { weakKeysIn } from '../http/keys.js';
import { describeApproval, type Grant } from '../policy/types.js';
import { catalog } from '../tools/index.js';
import { visibleTools } from '../tools/visible.js';

export function describeConfig(config: Config): string {
  const lines = [`${config.source ?? 'built-in default (no config file)'}: valid`];
  for (const warning of config.warnings ?? []) {
    lines.push(`  WARNING: ${warning} (needed to serve; check and explain go on without it)`);
  }
  if (config.oauth) {
    lines.push(
      `oauth: tokens from ${config.oauth.issuer} for ${config.oauth.audience} (${config.oauth.algorithms.join(', ')}), ${config.oauth.rules.length} rule${config.oauth.rules.length === 1 ? '' : 's'}, first match wins`,
    );
  }
  const approving = [...config.agents.values()].filter((agent) =>
    agent.grants.some((grant) => grant.approve),
  );
  if (config.approvals || approving.length > 0) lines.push(describeApprovals(config));
  const weak = weakKeysIn(config);
  for (const agent of config.agents.values()) {
    const marks = [agent.name === config.defaultAgent ? 'default' : undefined].filter(Boolean);
    lines.push('', `agent ${agent.name}${marks.length ? ` (${marks.join(', ')})` : ''}`);
    lines.push(`  credential: ${agent.credential ?? 'none (anonymous)'}`);
    if (agent.scimCredential) lines.push(`  scim credential: ${agent.scimCredential}`);
    lines.push(`  keys: ${agent.keys.length}`);
    const signIns = (config.oauth?.rules ?? [])
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => rule.agent === agent.name);
    for (const { rule, index } of signIns) {
      const when = [...rule.when].map(([claim, values]) => `${claim}=${values.join('|')}`);
      lines.push(`  oauth sign-in: oauth.agents[${index}] when ${when.join(', ')}`);
    }
    for (const { index } of weak.filter((found) => found.agent === agent.name)) {
      lines.push(
        `  WARNING: keys[${index}] is a well-known weak key that anyone can guess (the key itself ` +
          'is not shown); make a new one with hubgate key',
      );
    }
    lines.push(
      `  grants: ${agent.grants.length ? agent.grants.map(describeGrant).join(', ') : 'none (every call is refused)'}`,
    );
    if (agent.grants.some((grant) => grant.approve)) {
      const operators = config.approvals?.operators.length ?? 0;
      lines.push(
        agent.approveVia === 'operator'
          ? `  approvals: by an operator, out of band (hubgate approve ID)`
          : "  approvals: by its client's user (elicitation, or input_required over 2026-07-28)",
      );
      if (agent.approveVia === 'operator' && operators === 0) {
        lines.push(
          '  WARNING: approve_via: operator, but approvals.operators names no one: none of the ' +
            'calls its grants hold back can ever be approved',
        );
      }
    }
    if (agent.tools?.allow) lines.push(`  tools allowed: ${agent.tools.allow.join(', ')}`);
    if (agent.tools?.deny) lines.push(`  tools denied: ${agent.tools.deny.join(', ')}`);
    const visible = visibleTools(agent, catalog);
    const tools = visible.map((entry) => entry.name);
    lines.push(
      `  sees ${tools.length} of ${catalog.length} tools: ${tools.join(', ') || '(none)'}`,
    );
    for (const entry of visible) {
      if (entry.escapesGrants) lines.push(`  WARNING: ${entry.name}: ${entry.escapesGrants}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeGrant(grant: Grant): string {
  const rule = `${grant.resource}=${grant.access}`;
  return grant.approve ? `${rule} (approve: ${describeApproval(grant)})` : rule;
}

function describeApprovals(config: Config): string {
  const approvals = config.approvals;
  const sealed = approvals?.key
    ? 'sealed with approvals.key'
    : 'sealed with a key of each process (set approvals.key when replicas share a Redis: a question one replica asks must open on the others)';
  const operators = approvals?.operators.map((operator) => operator.name) ?? [];
  return (
    `approvals: 2026-07-28 questions ${sealed}; a person has ${approvals?.expiresSeconds ?? 300} s to answer, ` +
    `an operator ${approvals?.operatorExpiresSeconds ?? 3600} s; operators: ${operators.join(', ') || 'none'}`
  );
}
