/**
 * Every catalog tool, called for real against the fake Hub by an agent whose grants allow
 * everything: the exact requests it makes and as whom, its shaped result, and one argument the
 * schema refuses with nothing sent. The cases are data, in ./cases/.
 */
import { describe, expect, it } from 'vitest';
import type { Credential } from '../../src/hub/auth.js';
import { decodeJwtClaims } from '../../src/hub/auth.js';
import type { AgentPolicy } from '../../src/policy/types.js';
import { catalog } from '../../src/tools/index.js';
import { type RecordedRequest, SEED, startFakeHub } from '../fake-hub/index.js';
import { startHarness } from '../helpers/harness.js';
import { CASES } from './cases/index.js';
import type { ToolCase } from './cases/types.js';

const ALL_ADMIN: AgentPolicy = {
  name: 'all-admin',
  grants: ['repo:*/*', 'org:*', 'scim:*', 'account', 'catalog', 'auth'].map((resource) => ({
    resource,
    access: 'admin' as const,
  })),
};

const CREDENTIALS: Record<ToolCase['as'], Credential | undefined> = {
  alice: { username: 'alice', secret: SEED.pats.aliceAdmin },
  carol: { username: 'carol', secret: SEED.pats.carolAdmin },
  bob: { username: 'bob', secret: SEED.pats.bobAdmin },
  'acme-oat': { username: SEED.oat.acme.identifier, secret: SEED.oat.acme.secret },
  anonymous: undefined,
};

function identityOf(request: RecordedRequest): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return 'none';
  const bearer = header.replace(/^Bearer /, '');
  if (bearer === SEED.scim.acme) return 'scim';
  return decodeJwtClaims(bearer)?.username ?? `unknown bearer`;
}

function seen(request: RecordedRequest) {
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    ...(request.body === undefined ? {} : { body: request.body }),
    identity: identityOf(request),
  };
}

describe('every tool against the fake Hub', () => {
  it('lists all 62 catalog tools to an all-admin agent, every hint explicit', async () => {
    const h = await startHarness({
      agent: ALL_ADMIN,
      credential: CREDENTIALS.alice,
      scim: { org: 'acme', token: SEED.scim.acme },
    });
    try {
      const { tools } = await h.mcp.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(catalog.map((entry) => entry.name));
      expect(tools).toHaveLength(62);
      for (const tool of tools) {
        for (const hint of [
          'readOnlyHint',
          'destructiveHint',
          'idempotentHint',
          'openWorldHint',
        ] as const) {
          expect(typeof tool.annotations?.[hint], `${tool.name} ${hint}`).toBe('boolean');
        }
      }
    } finally {
      await h.close();
    }
  });

  it('has a case for every catalog tool', () => {
    const covered = new Set(CASES.map((c) => c.tool));
    expect(catalog.map((entry) => entry.name).filter((name) => !covered.has(name))).toEqual([]);
    for (const c of CASES)
      expect(
        catalog.some((entry) => entry.name === c.tool),
        c.tool,
      ).toBe(true);
  });

  it.each(CASES.map((c) => [c.tool, c] as const))('%s', async (_tool, c) => {
    const hub = await startFakeHub();
    const credential = CREDENTIALS[c.as];
    const h = await startHarness({
      hub,
      agent: ALL_ADMIN,
      ...(credential ? { credential } : {}),
      ...(c.scim ? { scim: { org: 'acme', token: SEED.scim.acme } } : {}),
    });
    // The agent's own credential exchanges are the machinery's, not the call's.
    const ownExchange = (r: RecordedRequest) =>
      r.path === '/v2/auth/token' &&
      credential !== undefined &&
      (r.body as { identifier?: unknown } | undefined)?.identifier === credential.username;
    try {
      c.setup?.(hub);
      const result = await h.call(c.tool, c.args);
      expect(result.isError, result.text).toBe(false);
      expect(hub.requests.filter((r) => !ownExchange(r)).map(seen)).toEqual(
        c.requests.map((r) => ({ query: {}, ...r })),
      );
      if (typeof c.result === 'function') c.result(result.json, result.text);
      else expect(result.json).toMatchObject(c.result);

      hub.clearRequests();
      const refused = await h.call(c.tool, c.refused.args);
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(new RegExp(`^Invalid arguments for ${c.tool}: `));
      expect(refused.text).toContain(c.refused.message);
      expect(hub.requests).toEqual([]);
    } finally {
      await h.close();
      await hub.close();
    }
  });
});
