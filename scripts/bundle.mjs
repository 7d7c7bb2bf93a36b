// Bundles dist/cli.js (the `hubgate` command): a host starts hubgate for every conversation, and
// loading one bundle is much cheaper than resolving hundreds of modules. cli.js holds the command
// line and the stdio front whole; the commands (the stdio server, http, tools, check...) are
// entries under dist/lazy/, loaded when chosen, sharing chunks in dist/chunks/.
import { chmodSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// Chunk names carry a content hash: old ones would pile up build after build.
rmSync('dist/chunks', { recursive: true, force: true });

/** The SDK server's Node shims (AJV), replaced by scripts/stubs/server-shims.mjs (why: see there). */
const withoutAjv = {
  name: 'without-ajv',
  setup(build) {
    build.onResolve({ filter: /^@modelcontextprotocol\/server\/_shims$/ }, () => ({
      path: fileURLToPath(new URL('./stubs/server-shims.mjs', import.meta.url)),
    }));
  },
};

/** zod's locales but English, by scripts/stubs/zod-locales.mjs (why: see there). */
const englishOnly = {
  name: 'english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: fileURLToPath(new URL('./stubs/zod-locales.mjs', import.meta.url)) }
        : undefined,
    );
  },
};

/**
 * src/tools/precomputed.ts with every catalog tool's description in it, as tools/list sends it:
 * computed here from tsc's output (dist/, built just before), so that a start builds no JSON
 * Schema. A JSON string, since V8 parses JSON faster than the same object as code.
 */
const precomputedDescriptions = {
  name: 'precomputed-descriptions',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]tools[\\/]precomputed\.ts$/ }, async () => {
      const dist = (path) => import(pathToFileURL(`dist/tools/${path}`).href);
      const [{ catalog }, { computeDescription }] = await Promise.all([
        dist('index.js'),
        dist('describe.js'),
      ]);
      const table = Object.fromEntries(
        catalog.map((entry) => [entry.name, computeDescription(entry)]),
      );
      return {
        contents: `export const PRECOMPUTED = JSON.parse(${JSON.stringify(JSON.stringify(table))});`,
        loader: 'js',
      };
    });
  },
};

/**
 * src/stdio/front-table.ts filled in the same way: what the stdio front answers a session's
 * opening with before the SDK is loaded (each tool's name, possible needs and description, and the
 * 2025-era protocol versions of the SDK's server). JSON, for the same reason.
 */
const frontTable = {
  name: 'front-table',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]stdio[\\/]front-table\.ts$/ }, async () => {
      const dist = (path) => import(pathToFileURL(`dist/${path}`).href);
      const [{ catalog }, { computeDescription }, { possibleNeeds }, sdk] = await Promise.all([
        dist('tools/index.js'),
        dist('tools/describe.js'),
        dist('tools/resources.js'),
        import('@modelcontextprotocol/server'),
      ]);
      const table = {
        tools: catalog.map((entry) => ({
          name: entry.name,
          needs: possibleNeeds(entry),
          description: computeDescription(entry),
        })),
        // The versions an `initialize` may negotiate: the 2026-07-28 era and later have none.
        legacyVersions: sdk.SUPPORTED_PROTOCOL_VERSIONS.filter((version) => version < '2026'),
      };
      return {
        contents: `export const FRONT_TABLE = JSON.parse(${JSON.stringify(JSON.stringify(table))});`,
        loader: 'js',
      };
    });
  },
};

/**
 * The modules the command line loads only when a command asks for them (its dynamic imports), each
 * an entry of its own under dist/lazy/, with the code they share in dist/chunks/.
 */
const LAZY = {
  'commands/serve': 'src/commands/serve.ts',
  'commands/http': 'src/commands/http.ts',
  'commands/tools': 'src/commands/tools.ts',
  'commands/key': 'src/commands/key.ts',
  'commands/approve': 'src/commands/approve.ts',
  'commands/check': 'src/commands/check.ts',
  'commands/explain': 'src/commands/explain.ts',
  'commands/explain-token': 'src/commands/explain-token.ts',
  'config/resolve': 'src/config/resolve.ts',
  'config/load': 'src/config/load.ts',
  'tools/index': 'src/tools/index.ts',
};
const lazySources = new Map(
  Object.entries(LAZY).map(([name, source]) => [resolve(source), `./lazy/${name}.js`]),
);

/**
 * In dist/cli.js, a dynamic import of one of LAZY's modules loads its entry under dist/lazy/
 * instead of bundling it. Everything else cli.js reaches, the stdio front among it, is in that one
 * file: a start loads one module rather than a dozen small shared chunks (about 15 ms less on
 * this machine, most of it the ESM loader's work per module).
 */
const lazyEntries = {
  name: 'lazy-entries',
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const entry = lazySources.get(source);
      return entry ? { path: entry, external: true } : undefined;
    });
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  sourcemap: true,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); ESM output has none of its own.
  banner: {
    js: "import { createRequire as __hubgateRequire } from 'node:module'; const require = __hubgateRequire(import.meta.url);",
  },
};

rmSync('dist/lazy', { recursive: true, force: true });
await build({
  ...common,
  plugins: [withoutAjv, englishOnly, precomputedDescriptions, frontTable],
  entryPoints: Object.fromEntries(
    Object.entries(LAZY).map(([name, source]) => [`lazy/${name}`, source]),
  ),
  outdir: 'dist',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
});
await build({
  ...common,
  plugins: [withoutAjv, englishOnly, precomputedDescriptions, frontTable, lazyEntries],
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
});

// The `hubgate` bin: run through a link (`npx -y /path/to/clone`, `npm link`), npm does not make
// it executable the way it does for an installed package.
chmodSync('dist/cli.js', 0o755);
