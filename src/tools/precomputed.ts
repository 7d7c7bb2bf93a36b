/**
 * Every catalog tool's description (what tools/list answers), computed once at build time by
 * scripts/bundle.mjs, which puts the table in this module's place: the bundled server then builds
 * no JSON Schema at start. Unbundled (tsc's output, the tests) it is undefined and
 * describeTool() computes them. Values are ToolDescriptions (describe.ts, which imports this).
 */
export const PRECOMPUTED: Readonly<Record<string, unknown>> | undefined = undefined;
