import { describe, expect, it } from 'vitest';
import {
  authorize,
  isCovered,
  isCoveredForEvery,
  levelIncludes,
} from '../../src/policy/authorize.js';
import { DEFAULT_AGENT } from '../../src/policy/defaults.js';
import { globCovers } from '../../src/policy/match.js';
import type { AgentPolicy } from '../../src/policy/types.js';

describe('globCovers', () => {
  it('matches * within one segment only', () => {
    expect(globCovers('repo:myorg/*', 'repo:myorg/app')).toBe(true);
    expect(globCovers('repo:myorg/*', 'repo:myorg2/app')).toBe(false);
    expect(globCovers('repo:myorg/*', 'repo:myorg/a/b')).toBe(false);
    expect(globCovers('repo:*', 'repo:myorg/app')).toBe(false);
    expect(globCovers('repo:myorg/app-*', 'repo:myorg/app-api')).toBe(true);
    expect(globCovers('repo:myorg/app-*', 'repo:myorg/ap')).toBe(false);
  });

  it('needs the same separators in the same places', () => {
    expect(globCovers('repo:a/b', 'repo/a:b')).toBe(false);
    expect(globCovers('org:acme', 'repo:acme')).toBe(false);
    expect(globCovers('catalog', 'catalog')).toBe(true);
    expect(globCovers('catalog', 'account')).toBe(false);
  });

  it('treats glob characters other than * literally', () => {
    expect(globCovers('repo:a.b/c', 'repo:aXb/c')).toBe(false);
    expect(globCovers('repo:a+/c', 'repo:aa/c')).toBe(false);
  });

  it('answers "some resource here" for a * segment in the request', () => {
    expect(globCovers('repo:myorg/app-*', 'repo:myorg/*')).toBe(true);
    expect(globCovers('repo:myorg/app', 'repo:*/*')).toBe(true);
    expect(globCovers('repo:other/*', 'repo:myorg/*')).toBe(false);
  });
});

describe('authorize', () => {
  const agent: AgentPolicy = {
    name: 'ci-bot',
    grants: [
      { resource: 'repo:myorg/app-*', access: 'write' },
      { resource: 'org:myorg', access: 'read' },
    ],
  };

  it('nests levels: admin > write > read', () => {
    expect(levelIncludes('admin', 'read')).toBe(true);
    expect(levelIncludes('write', 'write')).toBe(true);
    expect(levelIncludes('write', 'admin')).toBe(false);
    expect(levelIncludes('read', 'write')).toBe(false);
  });

  it('allows only when every resource is covered at its level', () => {
    expect(authorize(agent, 't', [{ resource: 'repo:myorg/app-x', access: 'write' }])).toEqual({
      allowed: true,
      grants: [{ resource: 'repo:myorg/app-*', access: 'write' }],
      reason: 'granted by repo:myorg/app-* (write)',
    });
    const decision = authorize(agent, 'assign_repository_group', [
      { resource: 'repo:myorg/app-x', access: 'admin' },
      { resource: 'org:myorg', access: 'read' },
    ]);
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.missing).toEqual([{ resource: 'repo:myorg/app-x', access: 'admin' }]);
    expect(decision.reason).toBe(
      'agent "ci-bot" has no grant for admin on repo:myorg/app-x (needed by assign_repository_group)',
    );
  });

  it('denies a call that names no resource', () => {
    expect(authorize(agent, 't', []).allowed).toBe(false);
  });

  it('keeps the default agent to reading repositories, the catalog and its account', () => {
    expect(isCovered(DEFAULT_AGENT, { resource: 'repo:library/nginx', access: 'read' })).toBe(true);
    expect(isCovered(DEFAULT_AGENT, { resource: 'repo:acme/app', access: 'write' })).toBe(false);
    expect(isCovered(DEFAULT_AGENT, { resource: 'catalog', access: 'read' })).toBe(true);
    expect(isCovered(DEFAULT_AGENT, { resource: 'account', access: 'read' })).toBe(true);
    expect(isCovered(DEFAULT_AGENT, { resource: 'account', access: 'admin' })).toBe(false);
    expect(isCovered(DEFAULT_AGENT, { resource: 'org:acme', access: 'read' })).toBe(false);
    expect(isCovered(DEFAULT_AGENT, { resource: 'auth', access: 'admin' })).toBe(false);
  });
});

describe('glob edges', () => {
  it.each([
    // [grant, resource, covered]
    ['repo:*/*', 'repo:a/b', true],
    ['repo:*/*', 'org:a', false],
    ['org:*', 'org:acme', true],
    ['org:*', 'repo:acme/x', false],
    ['repo:myorg/app', 'repo:myorg/app', true],
    ['repo:myorg/app', 'repo:myorg/app2', false],
    ['repo:myorg/app', 'repo:myorg/ap', false],
    ['repo:myorg/app*', 'repo:myorg/application', true],
    ['repo:myorg/app-*', 'repo:myorg/application', false],
    ['repo:my*/x', 'repo:myorg/x', true],
    ['repo:my*/x', 'repo:myorg/y', false],
    ['repo:*org/x', 'repo:myorg/x', true],
    ['repo:*org/x', 'repo:myorg2/x', false],
    ['repo:a*b/x', 'repo:a/b/x', false],
    ['repo:a*b*c/x', 'repo:abbbc/x', true],
    ['scim:acme', 'scim:acme', true],
    ['scim:acme', 'org:acme', false],
  ])('%s covers %s: %s', (grant, resource, covered) => {
    expect(globCovers(grant, resource)).toBe(covered);
  });
});

describe('isCoveredForEvery', () => {
  const agent = (...resources: string[]): AgentPolicy => ({
    name: 'a',
    grants: resources.map((resource) => ({ resource, access: 'read' as const })),
  });
  it.each([
    [['repo:acme/*'], true, true],
    [['repo:*/*'], true, true],
    [['repo:ac*/*'], true, true],
    [['repo:acme/web'], false, true],
    [['repo:acme/app-*'], false, true],
    [['repo:acme/web', 'repo:acme/app-*'], false, true],
    [['repo:acme2/*'], false, false],
  ])('%j: every repository of acme %s, some %s', (grants, every, some) => {
    const need = { resource: 'repo:acme/*', access: 'read' as const };
    expect(isCoveredForEvery(agent(...grants), need)).toBe(every);
    expect(isCovered(agent(...grants), need)).toBe(some);
  });

  it('needs the level too', () => {
    const need = { resource: 'repo:acme/*', access: 'write' as const };
    expect(isCoveredForEvery(agent('repo:acme/*'), need)).toBe(false);
  });
});
