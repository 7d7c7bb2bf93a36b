// Bundles dist/cli.js (the `hubgate` command) into a few files: a host starts hubgate for every
// conversation, and loading one bundle is much cheaper than resolving hundreds of modules. The
// commands a stdio session does not use (http, tools, check...) stay in chunks loaded on demand.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  sourcemap: true,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); ESM output has none of its own.
  banner: {
    js: "import { createRequire as __hubgateRequire } from 'node:module'; const require = __hubgateRequire(import.meta.url);",
  },
});
