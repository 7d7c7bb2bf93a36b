/**
 * Every catalog tool at every level: allowed exactly when the grant's level includes the tool's,
 * and refused when the grants name other resources. Driven by the catalog itself, so a new tool
 * is covered the day it lands (it needs a row in the sample table).
 */
import { describe, expect, it } from 'vitest';
import { levelIncludes } from '../../src/policy/authorize.js';
import { ACCESS_LEVELS, type Access, type AgentPolicy } from '../../src/policy/types.js';
import { mayEverAllow } from '../../src/server.js';
import { catalog } from '../../src/tools/index.js';
import { prepareCall } from '../../src/tools/prepare.js';
import { SAMPLE_ARGS } from '../fixtures/sample-args.js';

function agentAt(level: Access, scope: 'myorg' | 'other'): AgentPolicy {
  return {
    name: `${scope}-${level}`,
    grants: [
      { resource: `repo:${scope}/*`, access: level },
      { resource: `org:${scope}`, access: level },
      { resource: `scim:${scope}`, access: level },
      // Resources without a name are the same for every scope.
      ...(scope === 'myorg'
        ? (['account', 'catalog', 'auth'] as const).map((resource) => ({ resource, access: level }))
        : []),
    ],
  };
}

function decide(agent: AgentPolicy, tool: string) {
  const entry = catalog.find((e) => e.name === tool);
  if (!entry) throw new Error(tool);
  const prepared = prepareCall(agent, entry, SAMPLE_ARGS[tool]);
  if (!prepared.valid) throw new Error(`sample args for ${tool} are invalid: ${prepared.reason}`);
  return prepared;
}

describe('decisions for every tool at every level', () => {
  it('has sample arguments for every tool', () => {
    expect(Object.keys(SAMPLE_ARGS).sort()).toEqual(catalog.map((e) => e.name).sort());
  });

  const cases = catalog.flatMap((entry) =>
    ACCESS_LEVELS.map((level) => [entry.name, level, entry.access] as const),
  );

  it.each(cases)('%s with %s grants (tool needs %s)', (tool, level, needed) => {
    const granted = decide(agentAt(level, 'myorg'), tool);
    expect(granted.decision.allowed).toBe(levelIncludes(level, needed));
    if (!granted.decision.allowed) {
      expect(granted.decision.reason).toContain(`has no grant for ${needed} on `);
    }
    const elsewhere = decide(agentAt(level, 'other'), tool);
    expect(elsewhere.decision.allowed).toBe(false);
    // Listing follows the same rule: a tool is listed exactly when some call could be allowed.
    const entry = catalog.find((e) => e.name === tool);
    if (entry)
      expect(mayEverAllow(agentAt(level, 'myorg'), entry)).toBe(levelIncludes(level, needed));
  });

  it('checks assign_repository_group on both the repository (admin) and the org (read)', () => {
    const repoOnly: AgentPolicy = {
      name: 'r',
      grants: [{ resource: 'repo:myorg/*', access: 'admin' }],
    };
    const decision = decide(repoOnly, 'assign_repository_group').decision;
    expect(decision).toMatchObject({
      allowed: false,
      missing: [{ resource: 'org:myorg', access: 'read' }],
    });
    const both: AgentPolicy = {
      name: 'b',
      grants: [...repoOnly.grants, { resource: 'org:myorg', access: 'read' }],
    };
    expect(decide(both, 'assign_repository_group').decision.allowed).toBe(true);
  });
});

describe('tool lists', () => {
  const admin = agentAt('admin', 'myorg');

  it('deny removes a tool that the grants allow, from the list and from calls', () => {
    const agent = { ...admin, tools: { deny: ['create_repository'] } };
    const decision = decide(agent, 'create_repository').decision;
    expect(decision).toMatchObject({
      allowed: false,
      reason: 'agent "myorg-admin" may not use create_repository: its tool list excludes it',
    });
    expect(decide(agent, 'get_repository').decision.allowed).toBe(true);
    const entry = catalog.find((e) => e.name === 'create_repository');
    if (entry) expect(mayEverAllow(agent, entry)).toBe(false);
  });

  it('allow keeps only the tools it names, and deny wins over allow', () => {
    const agent = { ...admin, tools: { allow: ['get_tag', 'list_tags'], deny: ['list_tags'] } };
    const allowed = catalog
      .filter((entry) => decide(agent, entry.name).decision.allowed)
      .map((e) => e.name);
    expect(allowed).toEqual(['get_tag']);
  });
});
