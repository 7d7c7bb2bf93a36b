import type { AgentPolicy } from './types.js';

/**
 * With no config, one agent: it reads repositories (public ones, and the private ones its own
 * credential can see: Docker Hub enforces that part), searches the catalog and reads its own
 * account. Nothing that writes, nothing of an organization's administration.
 */
export const DEFAULT_AGENT: AgentPolicy = Object.freeze({
  name: 'local',
  grants: Object.freeze([
    { resource: 'repo:*/*', access: 'read' },
    { resource: 'catalog', access: 'read' },
    { resource: 'account', access: 'read' },
  ] as const),
});
