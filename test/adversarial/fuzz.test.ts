/**
 * Property-based fuzzing of every tool, for agents with narrow grants, against the fake Hub.
 *
 * Whatever the tool name and arguments (wrong types, extra and hostile names, huge strings,
 * unicode, control characters, `..`, `%2e%2e`, `/`, `?`, `#`, `%00`, empty strings, the valid
 * case args of each tool retargeted at neighbouring names or with one field replaced):
 *
 * - the MCP client always gets a result or a JSON-RPC error, never a hang or a dropped connection;
 * - a result is one text item, never hubgate's "internal error";
 * - "Invalid arguments for …" means the fake Hub received nothing at all for that call, and a
 *   policy refusal means nothing either (at most the invite confirmation read);
 * - every call of a tool leaves exactly one audit record, naming that tool;
 * - the invariant of ./invariant.ts holds: every request at the Hub is a catalog endpoint on a
 *   granted resource, and every allowed audit record is within the grants.
 *
 * Fixed seed (HUBGATE_FUZZ_SEED overrides it); HUBGATE_FUZZ_RUNS runs per agent, default 1000
 * (`npm run fuzz` sets 3000).
 */
import {
  type CallToolResult,
  CallToolResultSchema,
  ErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential } from '../../src/hub/auth.js';
import type { AgentPolicy } from '../../src/policy/types.js';
import { catalog } from '../../src/tools/index.js';
import { inputSchemaOf } from '../../src/tools/input.js';
import type { ToolEntry } from '../../src/tools/types.js';
import { addRepo, SEED, startFakeHub } from '../fake-hub/index.js';
import { ALICE_ADMIN, type Harness, startHarness } from '../helpers/harness.js';
import { CASES } from '../tools/cases/index.js';
import { HubInvariant } from './invariant.js';

/** Runs per agent for the random property; the deterministic sweep below always runs in full. */
const RUNS = Math.max(1, Number(process.env.HUBGATE_FUZZ_RUNS) || 1000);
/** Fixed, so that a failure reproduces; HUBGATE_FUZZ_SEED explores other corners. */
const SEED_VALUE = Number(process.env.HUBGATE_FUZZ_SEED) || 0x4b1d_2026;
/** Longer than any honest call against a local fake Hub: reaching it means a hang. */
const CALL_TIMEOUT_MS = 8_000;

interface FuzzAgent {
  label: string;
  agent: AgentPolicy;
  credential: Credential;
  scim?: { org: string; token: string };
  /** Repositories seeded so that granted calls get real answers. */
  repos?: string[];
  /** Names its grants cover, drawn often when retargeting, so that some calls are allowed. */
  favoured: Favoured;
}

interface Favoured {
  namespace: readonly string[];
  repository: readonly string[];
  org: readonly string[];
}

const AGENTS: FuzzAgent[] = [
  {
    label: 'read on repo:acme/web',
    agent: { name: 'web-reader', grants: [{ resource: 'repo:acme/web', access: 'read' }] },
    credential: ALICE_ADMIN,
    favoured: { namespace: ['acme'], repository: ['web'], org: ['acme'] },
  },
  {
    label: 'write on repo:acme/app-*',
    agent: { name: 'app-writer', grants: [{ resource: 'repo:acme/app-*', access: 'write' }] },
    credential: ALICE_ADMIN,
    repos: ['app-x', 'app-1'],
    favoured: { namespace: ['acme'], repository: ['app-x', 'app-1'], org: ['acme'] },
  },
  {
    label: 'mixed grants, a SCIM credential, two tools denied',
    agent: {
      name: 'mixed',
      grants: [
        { resource: 'repo:library/*', access: 'read' },
        { resource: 'repo:acme/app', access: 'admin' },
        { resource: 'org:acme', access: 'write' },
        { resource: 'scim:acme', access: 'read' },
        { resource: 'account', access: 'read' },
        { resource: 'catalog', access: 'read' },
        { resource: 'auth', access: 'admin' },
      ],
      tools: { deny: ['get_tag', 'remove_group_member'] },
    },
    credential: ALICE_ADMIN,
    scim: { org: 'acme', token: SEED.scim.acme },
    favoured: { namespace: ['library', 'acme'], repository: ['nginx', 'app'], org: ['acme'] },
  },
];

// ---- values -------------------------------------------------------------------------------

const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '.',
  '..',
  '../x',
  '../../v2/orgs/acme',
  '..%2f',
  '%2e%2e',
  '%2E%2E%2F',
  '.%2e',
  '/',
  '//',
  'acme/web',
  'acme/app/x',
  'acme%2Fweb',
  'acme%252Fweb',
  '?',
  '?page_size=100',
  'web?x=1',
  '#',
  'web#frag',
  '%00',
  '\u0000',
  'web\u0000',
  '\n',
  'web\n',
  'web\r\nX-Evil: 1',
  '\t',
  ' web',
  'web ',
  'WEB',
  'Web',
  'w\u0435b',
  '\uff41\uff43\uff4d\uff45',
  '*',
  'app-*',
  '**',
  'repo:*/*',
  ':',
  'acme:web',
  '{namespace}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the hostile value
  '${HOME}',
  '\\',
  '..\\..',
  '\u202ebew',
  '\u200bweb',
  '\ud800',
  '\u{1f600}',
  'null',
  'true',
  '0',
  '-1',
  `sha256:${'0'.repeat(64)}`,
  'sha256:../../x',
  'http://evil.example/',
  'https://evil.example/v2/namespaces/acme/repositories',
  '@evil.example',
  'a'.repeat(256),
];

/** Large and backtracking-prone inputs, drawn rarely. */
const HUGE_STRINGS: readonly string[] = [
  'x'.repeat(100_000),
  `${'a'.repeat(50_000)}!`,
  `${'a-'.repeat(30_000)}!`,
  `${'a__'.repeat(20_000)}_`,
  '/..'.repeat(10_000),
  `${'a.'.repeat(20_000)}@`,
];

/** Names next to the granted ones: neighbours, other namespaces, seeded repositories. */
const NAMESPACES = ['acme', 'library', 'acme2', 'acm', 'alice', 'bob', 'bobcorp'];
const REPOSITORIES = ['web', 'app-x', 'app', 'app-1', 'apps', 'app2', 'nginx', 'secret', 'empty'];
const ORGS = ['acme', 'bobcorp', 'library', 'acme2', 'alice'];

/** Every seeded org's invites, and an id nobody has. */
const INVITE_IDS = [
  ...Object.values(SEED.orgs.acme.invites),
  ...Object.values(SEED.orgs.bobcorp.invites),
  '00000000-0000-4000-8000-000000000000',
];

const HOSTILE_KEYS = [
  'path',
  'url',
  'method',
  'body',
  'query',
  'headers',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'then',
  'scim_org',
  'Namespace',
  'namespace ',
  'namespace\u0000',
  '',
  'detail',
  'all_pages',
  'max_items',
];

function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...NAMESPACES, ...REPOSITORIES),
        fc.constantFrom('/', '/../', '%2F', '%2f..%2f', '?', '#', '\u0000', ':', '*', '.', '..'),
        fc.constantFrom(...REPOSITORIES, ''),
      )
      .map(([a, infix, b]) => `${a}${infix}${b}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constant(deeplyNested(2_000)) },
);

// ---- arguments ----------------------------------------------------------------------------

const CASE_ARGS = new Map(CASES.map((c) => [c.tool, c.args]));

/** An own property, even for `__proto__`: what JSON.parse makes of such a key on the wire. */
function put(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** As the arguments would arrive over stdio or HTTP: through JSON. */
function wire(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

function keysOf(entry: ToolEntry): string[] {
  return Object.keys(inputSchemaOf(entry).shape);
}

/** A name from the pool, or (as often) one the agent's grants cover. */
function fromPool(pool: readonly string[], favoured: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...favoured), fc.constantFrom(...pool));
}

/** The case's args with names swapped for neighbours: near-valid calls that reach the Hub. */
function retargeted(entry: ToolEntry, base: Record<string, unknown>, favoured: Favoured) {
  const pools: Record<string, [readonly string[], readonly string[]]> = {
    namespace: [NAMESPACES, favoured.namespace],
    repository: [REPOSITORIES, favoured.repository],
    org: [ORGS, favoured.org],
    ...(entry.name === 'create_repository'
      ? { name: [REPOSITORIES, favoured.repository] as [readonly string[], readonly string[]] }
      : {}),
    // Ids that name something by themselves (an invite): any org's, and none.
    ...(entry.confirm
      ? { id: [INVITE_IDS, INVITE_IDS] as [readonly string[], readonly string[]] }
      : {}),
  };
  const fields = Object.keys(base).filter((key) => key in pools);
  const swaps = fc.record(
    Object.fromEntries(
      fields.map((key) => {
        const [pool, liked] = pools[key] as [readonly string[], readonly string[]];
        return [key, fromPool(pool, liked)];
      }),
    ),
  );
  const manifests = Array.isArray(base.manifests)
    ? fc.array(
        fc.record({
          repository: fromPool(REPOSITORIES, favoured.repository),
          digest: fc.constantFrom(...Object.values(SEED.images.acmeApp)),
        }),
        { minLength: 1, maxLength: 4 },
      )
    : fc.constant(undefined);
  return fc.tuple(swaps, manifests).map(([swapped, list]) => ({
    ...base,
    ...swapped,
    ...(list ? { manifests: list } : {}),
  }));
}

function argsFor(entry: ToolEntry, favoured: Favoured): fc.Arbitrary<unknown> {
  const base = CASE_ARGS.get(entry.name) ?? {};
  const known = [...new Set([...keysOf(entry), ...Object.keys(base)])];
  const anyKey = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known, ...HOSTILE_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const near = fc.oneof(fc.constant(base), retargeted(entry, base, favoured));
  const mutateOne = fc.tuple(near, anyKey, hostileValue).map(([start, key, value]) => {
    const args = { ...start };
    put(args, key, value);
    return args;
  });
  const dropOne =
    Object.keys(base).length > 0
      ? fc.constantFrom(...Object.keys(base)).map((key) => {
          const { [key]: _dropped, ...rest } = base;
          return rest;
        })
      : fc.constant(base);
  const arbitrary = fc.array(fc.tuple(anyKey, hostileValue), { maxLength: 5 }).map((pairs) => {
    const args: Record<string, unknown> = {};
    for (const [key, value] of pairs) put(args, key, value);
    return args;
  });
  const extraKey = fc
    .tuple(fc.constantFrom(...HOSTILE_KEYS), fc.jsonValue({ maxDepth: 1 }))
    .map(([key, value]) => {
      const args = { ...base };
      put(args, key, value);
      return args;
    });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(base) },
    { weight: 5, arbitrary: retargeted(entry, base, favoured) },
    { weight: 5, arbitrary: mutateOne },
    { weight: 1, arbitrary: dropOne },
    { weight: 2, arbitrary: extraKey },
    { weight: 3, arbitrary: arbitrary },
  );
}

/** A tool name as a confused or hostile client may spell it. */
const mangledName = fc.oneof(
  fc
    .tuple(fc.constantFrom(...catalog.map((entry) => entry.name)), fc.nat(7))
    .map(
      ([name, how]) =>
        [
          name.toUpperCase(),
          `${name[0]?.toUpperCase()}${name.slice(1)}`,
          `${name} `,
          `\t${name}`,
          name.replaceAll('_', '-'),
          `${name}\u0000`,
          `${name}\u200b`,
          `../${name}`,
        ][how] as string,
    ),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'x'.repeat(10_000), '__proto__', 'constructor', 'tools/list'),
);

type Call =
  | { kind: 'tool'; name: string; args: unknown }
  | { kind: 'unknown-tool'; name: string; args: unknown }
  | { kind: 'not-an-object'; name: string; args: unknown };

const BY_NAME = new Map(catalog.map((entry) => [entry.name, entry]));

/**
 * Tools whose resources are hardest to derive get drawn more often: a list of resources, a level
 * that depends on the arguments, a confirmation read, an identity other than the credential's.
 */
function riskOf(entry: ToolEntry): number {
  const templates = entry.resources.map((resource) =>
    typeof resource === 'string' ? { template: resource, access: undefined } : resource,
  );
  const tricky =
    templates.some(({ template }) => template.includes('[]')) ||
    templates.some(({ access }) => typeof access === 'function') ||
    templates.length > 1 ||
    entry.confirm !== undefined ||
    entry.identity !== undefined ||
    entry.paginated === true;
  return tricky ? 3 : 1;
}

const WEIGHTED_TOOLS = catalog.flatMap((entry) => Array<ToolEntry>(riskOf(entry)).fill(entry));

const callArb = (favoured: Favoured): fc.Arbitrary<Call> =>
  fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .constantFrom(...WEIGHTED_TOOLS)
        .chain((entry) =>
          argsFor(entry, favoured).map((args): Call => ({ kind: 'tool', name: entry.name, args })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(mangledName, fc.constantFrom(...CASES.map((c) => c.args)))
        .filter(([name]) => !BY_NAME.has(name))
        .map(([name, args]): Call => ({ kind: 'unknown-tool', name, args })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...catalog.map((entry) => entry.name)),
          fc.oneof(fc.array(hostileValue, { maxLength: 3 }), hostileString, fc.integer()),
        )
        .map(([name, args]): Call => ({ kind: 'not-an-object', name, args })),
    },
  );

/**
 * The tools whose resource templates take a field of every item of a list argument
 * (`repo:{namespace}/{manifests[].repository}`): lists mixing granted and other names, in any
 * order and length, so that an item the policy skipped would reach the Hub.
 */
const LIST_TOOLS = catalog.flatMap((entry) =>
  entry.resources.flatMap((resource) => {
    const template = typeof resource === 'string' ? resource : resource.template;
    const match = /\{([a-z_]+)\[\]\.([a-z_]+)\}/.exec(template);
    return match ? [{ entry, list: match[1] as string, field: match[2] as string }] : [];
  }),
);
const LIST_RUNS = Math.max(1, Math.ceil(RUNS / 4));

function listCallArb(favoured: Favoured): fc.Arbitrary<Call> {
  return fc.constantFrom(...LIST_TOOLS).chain(({ entry, list, field }) => {
    const base = CASE_ARGS.get(entry.name) ?? {};
    const sample = ((base[list] as unknown[] | undefined)?.[0] ?? {}) as Record<string, unknown>;
    const names = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...favoured.repository) },
      { weight: 2, arbitrary: fc.constantFrom(...REPOSITORIES) },
      { weight: 1, arbitrary: hostileString },
    );
    return fc
      .tuple(
        fc.constantFrom(...favoured.namespace, ...NAMESPACES),
        fc.array(names, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
      )
      .map(
        ([namespace, picked, dryRun]): Call => ({
          kind: 'tool',
          name: entry.name,
          args: {
            ...base,
            ...('namespace' in base ? { namespace } : {}),
            [list]: picked.map((name) => ({ ...sample, [field]: name })),
            ...('ignore_warnings' in base ? { ignore_warnings: undefined } : {}),
            ...('dry_run' in inputSchemaOf(entry).shape ? { dry_run: dryRun } : {}),
          },
        }),
      );
  });
}

// ---- one run ------------------------------------------------------------------------------

type Category =
  | 'invalid'
  | 'refused'
  | 'allowed'
  | 'allowed-error'
  | 'unknown-tool'
  | 'not-an-object';

interface Context {
  h: Harness;
  invariant: HubInvariant;
  /** How the runs ended, so a suite that never reaches the Hub (or never refuses) shows it. */
  seen: Map<Category, number>;
}

type Outcome = { result: CallToolResult } | { error: unknown };

async function send(h: Harness, name: string, args: unknown): Promise<Outcome> {
  try {
    const params = args === undefined ? { name } : { name, arguments: args };
    const result = await h.mcp.request(
      { method: 'tools/call', params: params as { name: string } },
      CallToolResultSchema,
      { timeout: CALL_TIMEOUT_MS },
    );
    return { result };
  } catch (error) {
    return { error };
  }
}

function textOf(result: CallToolResult): string {
  expect(result.content).toHaveLength(1);
  const item = result.content[0];
  expect(item?.type).toBe('text');
  return (item as { text: string }).text;
}

/** A JSON-RPC error the server answered, not a hang, a dropped connection or a local fault. */
function expectJsonRpcError(error: unknown) {
  expect(error).toBeInstanceOf(McpError);
  const code = (error as McpError).code;
  expect(code).not.toBe(ErrorCode.RequestTimeout);
  expect(code).not.toBe(ErrorCode.ConnectionClosed);
  expect(Number.isInteger(code)).toBe(true);
}

async function runOne(context: Context, call: Call): Promise<void> {
  try {
    const category = await checkOne(context, call);
    context.seen.set(category, (context.seen.get(category) ?? 0) + 1);
  } catch (error) {
    const what = `${call.kind} ${JSON.stringify(call.name)} ${truncate(JSON.stringify(wire(call.args)) ?? 'undefined')}`;
    if (error instanceof Error) error.message = `${error.message}\n  in call: ${what}`;
    throw error;
  }
}

async function checkOne({ h, invariant }: Context, call: Call): Promise<Category> {
  invariant.begin();
  const auditStart = h.audit.length;
  const sent = wire(call.args);
  const outcome = await send(h, call.name, sent);
  const newAudit = h.audit.slice(auditStart);
  const entry = BY_NAME.get(call.name);
  let category: Category;

  if (call.kind === 'not-an-object') {
    category = 'not-an-object';
    // hubgate refuses params whose arguments are not an object: Invalid params, and recorded.
    expect('error' in outcome, 'a malformed call got a result').toBe(true);
    if ('error' in outcome) {
      expectJsonRpcError(outcome.error);
      expect((outcome.error as McpError).code).toBe(ErrorCode.InvalidParams);
    }
    expect(h.hub.requests).toEqual([]);
    expect(newAudit).toHaveLength(1);
    expect(newAudit[0]).toMatchObject({ decision: 'deny', reason: 'malformed tools/call' });
  } else if (!entry) {
    category = 'unknown-tool';
    expect('error' in outcome, `unknown tool ${JSON.stringify(call.name)} got a result`).toBe(true);
    if ('error' in outcome) {
      expectJsonRpcError(outcome.error);
      expect((outcome.error as McpError).code).toBe(ErrorCode.InvalidParams);
    }
    expect(h.hub.requests).toEqual([]);
    expect(newAudit).toHaveLength(1);
    expect(newAudit[0]).toMatchObject({ tool: call.name.slice(0, 100), decision: 'deny' });
  } else {
    if ('error' in outcome) throw outcome.error;
    const text = textOf(outcome.result);
    const isError = outcome.result.isError === true;
    expect(text).not.toMatch(/internal error/);
    expect(newAudit, 'one audit record per call').toHaveLength(1);
    const record = newAudit[0];
    expect(record?.tool).toBe(entry.name);
    if (text.startsWith('Invalid arguments for ')) {
      category = 'invalid';
      expect(isError).toBe(true);
      expect(h.hub.requests, 'an invalid call sent something').toEqual([]);
      expect(record).toMatchObject({ decision: 'deny', outcome: 'denied' });
    } else if (text.startsWith('Refused by hubgate policy')) {
      category = 'refused';
      expect(isError).toBe(true);
      expect(record).toMatchObject({ decision: 'deny', outcome: 'denied' });
      const sentToHub = h.hub.requests.filter((r) => !invariant.isOwnTokenExchange(r));
      if (entry.confirm && text.endsWith('Nothing was changed on Docker Hub.')) {
        // The confirmation read (an org's invites), and nothing else.
        const args = sent as Record<string, unknown>;
        const path = entry.confirm.path.replace(/\{([a-z_]+)\}/g, (_, name: string) =>
          encodeURIComponent(String(args[name])),
        );
        expect(sentToHub.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${path}`]);
      } else {
        expect(h.hub.requests, 'a refused call sent something').toEqual([]);
      }
    } else {
      // Allowed: the record says so, and an answer came from the Hub. (An error may be a request
      // the fake Hub's HTTP parser refused unrecorded, such as a 70 KB query string: 431.)
      category = isError ? 'allowed-error' : 'allowed';
      expect(record?.decision).toBe('allow');
      expect(record?.outcome).toBe(isError ? 'error' : 'ok');
      const reached = h.hub.requests.filter((r) => !invariant.isOwnTokenExchange(r));
      if (!isError) expect(reached.length).toBeGreaterThan(0);
    }
  }
  invariant.assert(newAudit, `${call.name} ${truncate(JSON.stringify(sent) ?? 'undefined')}`);
  return category;
}

const BATCH = 8;
const BATCH_SIZE = { minLength: BATCH, maxLength: BATCH };
const BATCH_RUNS = Math.max(1, Math.ceil(RUNS / 20));

/**
 * Calls in flight together: each still gets a result or a JSON-RPC error, each call of a tool
 * leaves its audit record, and the invariant holds over everything the Hub received. (Which
 * request belongs to which call cannot be told apart here; runOne checks that one at a time.)
 */
async function runBatch({ h, invariant }: Context, calls: Call[]): Promise<void> {
  invariant.begin();
  const auditStart = h.audit.length;
  const outcomes = await Promise.all(calls.map((call) => send(h, call.name, wire(call.args))));
  // Every call leaves its record, a malformed one (arguments not an object) included.
  const audited = calls.length;
  const newAudit = h.audit.slice(auditStart);
  for (const [index, outcome] of outcomes.entries()) {
    const call = calls[index] as Call;
    if ('error' in outcome) {
      expect(call.kind, `a tool call got a JSON-RPC error: ${String(outcome.error)}`).not.toBe(
        'tool',
      );
      expectJsonRpcError(outcome.error);
    } else {
      expect(textOf(outcome.result)).not.toMatch(/internal error/);
    }
  }
  expect(newAudit).toHaveLength(audited);
  invariant.assert(newAudit, `a batch of ${calls.length} concurrent calls`);
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The deterministic sweep: every field of every tool's case, each set to each of these. */
const SWEEP_VALUES: readonly unknown[] = [
  '',
  '..',
  '%2e%2e',
  'acme/web',
  'web?x=1',
  'web#x',
  '%00',
  'web\u0000',
  '*',
  'x'.repeat(70_000),
  42,
  null,
  ['web'],
  { namespace: 'acme' },
];

// ---- the suites ---------------------------------------------------------------------------

describe.each(AGENTS)('fuzzing every tool as an agent with $label', (spec) => {
  let context: Context;

  beforeAll(async () => {
    // No rate limit to speak of: thousands of runs must not turn into 429 waits.
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    for (const name of spec.repos ?? []) addRepo(hub.state, { namespace: 'acme', name });
    const h = await startHarness({
      agent: spec.agent,
      credential: spec.credential,
      ...(spec.scim ? { scim: spec.scim } : {}),
      hub,
    });
    const invariant = new HubInvariant(hub, {
      agent: spec.agent,
      credential: spec.credential,
      ...(spec.scim ? { scimOrg: spec.scim.org } : {}),
    });
    context = { h, invariant, seen: new Map() };
  });

  afterAll(async () => {
    await context?.h.close();
    await context?.h.hub.close();
  });

  it(
    `keeps its promises for ${RUNS} random calls`,
    async () => {
      context.seen.clear();
      await fc.assert(
        fc.asyncProperty(callArb(spec.favoured), async (call) => {
          await runOne(context, call);
        }),
        { seed: SEED_VALUE, numRuns: RUNS, endOnFailure: true },
      );
      // Still connected and answering after everything.
      await expect(context.h.mcp.ping()).resolves.toBeDefined();
      if (process.env.HUBGATE_FUZZ_RUNS) console.info(spec.label, Object.fromEntries(context.seen));
      // Not vacuous: the runs were refused, invalid and allowed, and reached the Hub.
      if (RUNS >= 500) {
        for (const category of ['invalid', 'refused', 'allowed', 'unknown-tool'] as const) {
          expect(context.seen.get(category), category).toBeGreaterThan(0);
        }
      }
    },
    Math.max(30_000, RUNS * 40),
  );

  it(
    `keeps its promises for ${BATCH_RUNS} batches of ${BATCH} concurrent calls`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(callArb(spec.favoured), BATCH_SIZE), async (calls) => {
          await runBatch(context, calls);
        }),
        { seed: SEED_VALUE, numRuns: BATCH_RUNS, endOnFailure: true },
      );
      await expect(context.h.mcp.ping()).resolves.toBeDefined();
    },
    Math.max(30_000, BATCH_RUNS * BATCH * 40),
  );

  it(
    `checks every item of list arguments that name resources (${LIST_RUNS} calls)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(listCallArb(spec.favoured), async (call) => {
          await runOne(context, call);
        }),
        { seed: SEED_VALUE, numRuns: LIST_RUNS, endOnFailure: true },
      );
    },
    Math.max(30_000, LIST_RUNS * 40),
  );

  it('keeps its promises when each field of each case is replaced by a hostile value', async () => {
    for (const entry of catalog) {
      const base = CASE_ARGS.get(entry.name) ?? {};
      const fields = [...Object.keys(base), 'path'];
      for (const field of fields) {
        for (const value of SWEEP_VALUES) {
          const args = { ...base };
          put(args, field, value);
          await runOne(context, { kind: 'tool', name: entry.name, args });
        }
      }
    }
    await expect(context.h.mcp.ping()).resolves.toBeDefined();
  }, 60_000);
});
