/**
 * The shape of src/: which part may import which, and no import cycles. A part is a folder of
 * src/ or one of its top-level files. The layers, lowest first:
 *
 *   secrets, version,    what everything may use
 *   log-levels,
 *   cancellation
 *   policy, hub          the decision and the Docker Hub client: they know nothing of the rest
 *                        (hub uses the secrets rule to scrub what upstream echoes)
 *   audit, config        records and sinks; the config file and its store (policy types below)
 *   tools                the catalog and its machinery, over hub and policy
 *   approval             asking a person before a call: seals, the ledger, the approvers
 *   gateway              the call path: config, tools, audit, hub, policy
 *   server-identity      what the MCP server says of itself (name, capabilities, instructions)
 *   server               the MCP adapter over the gateway
 *   lane                 tools/call answered without the SDK around it, through the server's
 *                        own tool-call function
 *   http                 the HTTP service over server and gateway
 *   cli-flags, options   the command line: one table of flags, and its parser
 *   stdio                the stdio front, which answers a session's opening before the rest loads
 *   commands, cli        wire it all together
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Each part, and the parts it may import besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  secrets: [],
  cancellation: [],
  version: [],
  'log-levels': [],
  policy: [],
  hub: ['cancellation', 'secrets'],
  log: ['log-levels', 'secrets'],
  audit: ['policy', 'secrets'],
  config: ['policy'],
  oauth: ['config'],
  tools: ['cancellation', 'hub', 'policy', 'secrets'],
  approval: ['audit', 'config'],
  gateway: [
    'approval',
    'audit',
    'cancellation',
    'config',
    'hub',
    'policy',
    'secrets',
    'tools',
    'version',
  ],
  elicit: ['approval'],
  'server-identity': ['version'],
  server: ['approval', 'audit', 'cancellation', 'elicit', 'gateway', 'server-identity', 'version'],
  lane: ['cancellation', 'gateway', 'server', 'stdio'],
  http: [
    'approval',
    'audit',
    'cancellation',
    'config',
    'gateway',
    'lane',
    'oauth',
    'server',
    'server-identity',
    'tools',
  ],
  'cli-flags': ['hub', 'log-levels'],
  options: ['cli-flags', 'config', 'hub', 'log-levels', 'policy'],
  stdio: ['config', 'options', 'policy', 'server-identity'],
  commands: [
    'audit',
    'config',
    'gateway',
    'http',
    'hub',
    'lane',
    'log',
    'oauth',
    'options',
    'policy',
    'server',
    'stdio',
    'tools',
    'version',
  ],
  cli: ['commands', 'config', 'options', 'stdio', 'tools', 'version'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `hub/client.ts` is in part `hub`; `server.ts` is part `server`. */
function partOf(file: string): string {
  const [first = ''] = relative(SRC, file).split('/');
  return first.replace(/\.ts$/, '');
}

/** The src files a file imports, statically or with import(), type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
}

type Graph = ReadonlyMap<string, readonly string[]>;

/** Imports from one part into another that the table does not allow. */
function wrongWayImports(graph: Graph): string[] {
  const wrong: string[] = [];
  for (const [file, imports] of graph) {
    const from = partOf(file);
    for (const target of imports) {
      const to = partOf(target);
      if (to !== from && !MAY_IMPORT[from]?.includes(to)) {
        wrong.push(`${relative(SRC, file)} -> ${relative(SRC, target)} (${from} -> ${to})`);
      }
    }
  }
  return wrong;
}

/** Every cycle a depth-first walk meets, as `a.ts -> b.ts -> a.ts`. */
function cyclesOf(graph: Graph): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(target)).concat(target);
        cycles.push(cycle.map((f) => relative(SRC, f)).join(' -> '));
      } else if (!state.has(target) && graph.has(target)) {
        visit(target);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

const files = sourceFiles(SRC);
const graph: Graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('the architecture of src/', () => {
  it('every part is in the layer table', () => {
    const parts = new Set(files.map(partOf));
    expect([...parts].filter((part) => !(part in MAY_IMPORT))).toEqual([]);
  });

  it('every import resolves to a file of src/', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => !graph.has(target)).map((t) => `${relative(SRC, file)} -> ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it('no part imports one above it (no policy -> config, no server -> http, ...)', () => {
    expect(wrongWayImports(graph)).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('the checks see a wrong-way import and a cycle where there is one', () => {
    const at = (path: string) => join(SRC, path);
    const made: Graph = new Map([
      [at('policy/a.ts'), [at('config/b.ts')]],
      [at('config/b.ts'), [at('policy/a.ts')]],
      [at('server.ts'), [at('http/c.ts')]],
      [at('http/c.ts'), []],
    ]);
    expect(wrongWayImports(made)).toEqual([
      'policy/a.ts -> config/b.ts (policy -> config)',
      'server.ts -> http/c.ts (server -> http)',
    ]);
    expect(cyclesOf(made)).toEqual(['policy/a.ts -> config/b.ts -> policy/a.ts']);
  });
});
