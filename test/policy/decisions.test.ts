/**
 * Every catalog tool at every level, driven by the call cases (one real call per tool): allowed
 * exactly when grants on the resources the call names reach the level each needs, and refused when
 * the grants name near neighbours instead (a longer name, another org). A new tool is covered the
 * day its call case lands.
 */
import { describe, expect, it } from 'vitest';
import { levelIncludes } from '../../src/policy/authorize.js';
import {
  ACCESS_LEVELS,
  type Access,
  type AgentPolicy,
  type Grant,
} from '../../src/policy/types.js';
import { catalog } from '../../src/tools/index.js';
import { prepareCall } from '../../src/tools/prepare.js';
import type { ToolEntry } from '../../src/tools/types.js';
import { mayEverAllow } from '../../src/tools/visible.js';
import { CASES } from '../tools/cases/index.js';

const ALL: AgentPolicy = {
  name: 'all',
  grants: ['repo:*/*', 'org:*', 'scim:*', 'account', 'catalog', 'auth'].map((resource) => ({
    resource,
    access: 'admin' as const,
  })),
};
const bindings = { scim_org: 'acme' };

function entryOf(tool: string): ToolEntry {
  const entry = catalog.find((e) => e.name === tool);
  if (!entry) throw new Error(`no tool ${tool}`);
  return entry;
}

function prepare(agent: AgentPolicy, tool: string, args: Record<string, unknown>) {
  const prepared = prepareCall(agent, entryOf(tool), args, bindings);
  if (!prepared.valid) throw new Error(`case args for ${tool} are invalid: ${prepared.reason}`);
  return prepared;
}

/** A neighbour whose namespace or org has the name as a prefix: `repo:acme/app` → `repo:acmex/app`. */
function neighbour(resource: string): string | undefined {
  return resource.includes(':') ? resource.replace(/^([a-z]+:[^/]+)/, '$1x') : undefined;
}

const cases = CASES.flatMap((c) => ACCESS_LEVELS.map((level) => [c.tool, level, c.args] as const));

describe('decisions for every tool at every level', () => {
  it.each(cases)('%s with grants at %s', (tool, level, args) => {
    const needs = prepare(ALL, tool, args).needs;
    expect(needs.length).toBeGreaterThan(0);
    const exact: AgentPolicy = {
      name: 'exact',
      grants: needs.map((need): Grant => ({ resource: need.resource, access: level })),
    };
    const decision = prepare(exact, tool, args).decision;
    expect(decision.allowed).toBe(needs.every((need) => levelIncludes(level, need.access)));
    if (!decision.allowed)
      expect(decision.reason).toMatch(/has no grant for (read|write|admin) on /);
    expect(mayEverAllow(exact, entryOf(tool))).toBe(levelIncludes(level, entryOf(tool).access));

    const named = needs.filter((need) => neighbour(need.resource));
    if (named.length > 0) {
      const near: AgentPolicy = {
        name: 'near',
        grants: needs.map((need) => ({
          resource: neighbour(need.resource) ?? need.resource,
          access: 'admin' as Access,
        })),
      };
      expect(prepare(near, tool, args).decision.allowed).toBe(false);
    }
  });

  it('checks assign_repository_group on both the repository (admin) and the org (read)', () => {
    const args = { namespace: 'acme', repository: 'app', group_id: 1, permission: 'read' };
    const repoOnly: AgentPolicy = {
      name: 'r',
      grants: [{ resource: 'repo:acme/*', access: 'admin' }],
    };
    expect(prepare(repoOnly, 'assign_repository_group', args).decision).toMatchObject({
      allowed: false,
      missing: [{ resource: 'org:acme', access: 'read' }],
    });
    const both: AgentPolicy = {
      name: 'b',
      grants: [...repoOnly.grants, { resource: 'org:acme', access: 'read' }],
    };
    expect(prepare(both, 'assign_repository_group', args).decision.allowed).toBe(true);
  });
});

describe('tool lists', () => {
  const args = (tool: string) => CASES.find((c) => c.tool === tool)?.args ?? {};

  it('deny removes a tool that the grants allow, from the list and from calls', () => {
    const agent = { ...ALL, tools: { deny: ['create_repository'] } };
    expect(prepare(agent, 'create_repository', args('create_repository')).decision).toMatchObject({
      allowed: false,
      reason: 'agent "all" may not use create_repository: its tool list excludes it',
    });
    expect(prepare(agent, 'get_repository', args('get_repository')).decision.allowed).toBe(true);
    expect(mayEverAllow(agent, entryOf('create_repository'))).toBe(false);
  });

  it('allow keeps only the tools it names, and deny wins over allow', () => {
    const agent = { ...ALL, tools: { allow: ['get_tag', 'list_tags'], deny: ['list_tags'] } };
    const allowed = CASES.filter((c) => prepare(agent, c.tool, c.args).decision.allowed).map(
      (c) => c.tool,
    );
    expect(allowed).toEqual(['get_tag']);
  });
});
