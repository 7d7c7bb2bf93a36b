/**
 * What tools/list costs: every byte of it sits in each agent's context. The full catalog must stay
 * within 48 KB (Docker's own server sends 44 KB for 13 tools); a read-only agent, which is shown
 * only the tools its grants could allow, gets far less. Measured over the real protocol path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPolicy } from '../../src/policy/types.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';
import { ALICE_ADMIN, ALICE_READ, startHarness } from '../helpers/harness.js';

/** Grants that allow every tool, and a SCIM credential so that none is hidden. */
const ALL_ADMIN: AgentPolicy = {
  name: 'all-admin',
  grants: ['repo:*/*', 'org:*', 'scim:*', 'account', 'catalog', 'auth'].map((resource) => ({
    resource,
    access: 'admin' as const,
  })),
};

const READ_ONLY: AgentPolicy = {
  name: 'read-only',
  grants: [
    { resource: 'repo:*/*', access: 'read' },
    { resource: 'catalog', access: 'read' },
    { resource: 'account', access: 'read' },
  ],
};

const FULL_LIMIT = 48 * 1024;
/** 16 tools today, about 12.4 KB: the bound leaves room for small wording changes only. */
const READ_ONLY_LIMIT = 13 * 1024;

async function listedSize(
  hub: FakeHub,
  options: Parameters<typeof startHarness>[0],
): Promise<{ tools: number; bytes: number }> {
  const h = await startHarness({ hub, ...options });
  try {
    const result = await h.mcp.listTools();
    return { tools: result.tools.length, bytes: Buffer.byteLength(JSON.stringify(result)) };
  } finally {
    await h.close();
  }
}

const kb = (bytes: number) => `${bytes} bytes (${(bytes / 1024).toFixed(1)} KB)`;

describe('tools/list size', () => {
  let hub: FakeHub;
  beforeAll(async () => {
    hub = await startFakeHub();
  });
  afterAll(async () => {
    await hub.close();
  });

  it(`lists all 62 tools to an agent allowed everything in at most ${kb(FULL_LIMIT)}`, async () => {
    const full = await listedSize(hub, {
      agent: ALL_ADMIN,
      credential: ALICE_ADMIN,
      scim: { org: 'acme', token: SEED.scim.acme },
    });
    console.info(`tools/list, full catalog: ${full.tools} tools, ${kb(full.bytes)}`);
    expect(full.tools).toBe(62);
    expect(full.bytes).toBeLessThanOrEqual(FULL_LIMIT);
  });

  it(`lists a read-only agent's tools in at most ${kb(READ_ONLY_LIMIT)}`, async () => {
    const readOnly = await listedSize(hub, { agent: READ_ONLY, credential: ALICE_READ });
    console.info(`tools/list, read-only agent: ${readOnly.tools} tools, ${kb(readOnly.bytes)}`);
    expect(readOnly.tools).toBe(16);
    expect(readOnly.bytes).toBeLessThanOrEqual(READ_ONLY_LIMIT);
  });
});
