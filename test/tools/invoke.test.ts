import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalog } from '../../src/tools/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';

// The default agent `local` with a credential that could do anything: only the policy stops it.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ credential: ALICE_ADMIN });
});
afterAll(() => h.close());
beforeEach(() => {
  h.hub.clearRequests();
  h.audit.length = 0;
});

describe('refused arguments send nothing', () => {
  it.each([
    [
      'get_repository',
      { namespace: '../users', repository: 'x' },
      'namespace: must be 2-255 lowercase',
    ],
    [
      'get_tag',
      { namespace: 'library', repository: 'nginx', tag: 'x?page_size=1#' },
      'tag: must be 1-128',
    ],
    [
      'get_repository',
      { namespace: 'Library', repository: 'nginx' },
      'namespace: must be 2-255 lowercase',
    ],
    [
      'get_repository',
      { namespace: 'library', repository: 'NGINX' },
      'repository: must be 2-255 lowercase',
    ],
    [
      'list_tags',
      { namespace: 'library', repository: 'nginx', page_size: 101 },
      'page_size: must be between 1 and 100',
    ],
    [
      'list_tags',
      { namespace: 'library', repository: 'nginx', page: 0 },
      'page: must be 1 or more',
    ],
    [
      'list_tags',
      { namespace: 'library', repository: 'nginx', page: 1.5 },
      'page: must be a whole number',
    ],
    ['list_repositories', { namespace: 'library', ordering: 'stars' }, 'ordering:'],
    ['get_repository', { namespace: 'library' }, 'repository: is required'],
    [
      'get_repository',
      { namespace: 'library', repository: 'nginx', path: '/v2/users' },
      'unknown argument "path"',
    ],
    ['get_repository', { namespace: 'a%2f..', repository: 'nginx' }, 'namespace: must be'],
    [
      'get_repository',
      { namespace: 'library', repository: 'nginx', detail: 'everything' },
      'detail:',
    ],
    ['search_catalog', { query: '' }, 'query: must not be empty'],
  ])('%s %j', async (tool, args, message) => {
    const result = await h.call(tool, args);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(new RegExp(`^Invalid arguments for ${tool}: `));
    expect(result.text).toContain(message);
    expect(result.text).toMatch(/Nothing was sent to Docker Hub\.$/);
    expect(h.hub.requests).toEqual([]);
    expect(h.audit).toEqual([
      expect.objectContaining({
        agent: 'local',
        tool,
        decision: 'deny',
        outcome: 'denied',
        resources: [],
        reason: expect.stringMatching(/^invalid arguments: /),
      }),
    ]);
  });
});

describe('the default policy', () => {
  it('refuses create_repository, naming the missing grant, with nothing sent', async () => {
    const result = await h.call('create_repository', { namespace: 'acme', name: 'sneaky' });
    expect(result).toMatchObject({
      isError: true,
      text:
        'Refused by hubgate policy: agent "local" has no grant for write on repo:acme/sneaky ' +
        '(needed by create_repository). Nothing was sent to Docker Hub.',
    });
    expect(h.hub.requests).toEqual([]);
    expect(h.audit).toEqual([
      expect.objectContaining({
        agent: 'local',
        tool: 'create_repository',
        access: 'write',
        resources: ['repo:acme/sneaky'],
        decision: 'deny',
        outcome: 'denied',
        hub_status: null,
        transport: 'stdio',
        session: null,
        arguments: { namespace: 'acme', name: 'sneaky' },
      }),
    ]);
  });

  it('refuses every write and admin tool of the core', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['update_repository', { namespace: 'acme', repository: 'web', description: 'x' }],
      [
        'update_immutable_tags',
        { namespace: 'acme', repository: 'web', immutable_tags: false, immutable_tags_rules: [] },
      ],
      [
        'assign_repository_group',
        { namespace: 'acme', repository: 'web', group_id: 101, permission: 'admin' },
      ],
    ];
    for (const [tool, args] of calls) {
      const result = await h.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(result.text).toContain('Refused by hubgate policy');
    }
    expect(h.hub.requests).toEqual([]);
  });

  it('lists only the tools its grants can ever allow, with every hint explicit', async () => {
    const { tools } = await h.mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'list_repositories',
      'get_repository',
      'check_repository',
      'verify_immutable_tags',
      'list_tags',
      'check_tags',
      'get_tag',
      'check_tag',
      'get_images_summary',
      'list_images',
      'list_image_tags',
      'list_personal_access_tokens',
      'get_personal_access_token',
      'search_catalog',
      'get_current_account',
      'list_my_orgs',
    ]);
    for (const tool of tools) {
      expect(tool.title).toBeTruthy();
      expect(tool.annotations).toEqual({
        title: tool.title,
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      });
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(JSON.stringify(tool.inputSchema)).not.toContain('9007199254740991');
    }
    expect(tools.length).toBeLessThan(catalog.length);
  });

  it('allows reads and records them', async () => {
    const result = await h.call('get_repository', { namespace: 'acme', repository: 'app' });
    expect(result.isError).toBe(false);
    expect(h.audit).toEqual([
      expect.objectContaining({
        agent: 'local',
        tool: 'get_repository',
        access: 'read',
        resources: ['repo:acme/app'],
        decision: 'allow',
        reason: 'granted by repo:*/* (read)',
        outcome: 'ok',
        hub_status: 200,
      }),
    ]);
    expect(h.audit[0]?.duration_ms).toBeGreaterThanOrEqual(0);
  });
});

describe('tool names', () => {
  it.each(['nope', 'Get_Tag', 'get_tag ', ' get_tag'])(
    'refuses %j as unknown, sending nothing',
    async (name) => {
      await expect(
        h.call(name, { namespace: 'library', repository: 'nginx', tag: 'latest' }),
      ).rejects.toThrow(/Unknown tool/);
      expect(h.hub.requests).toEqual([]);
      expect(h.audit).toEqual([
        expect.objectContaining({
          decision: 'deny',
          outcome: 'denied',
          reason: 'unknown tool',
          access: null,
        }),
      ]);
    },
  );
});
