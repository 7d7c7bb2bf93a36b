/**
 * docs/tools.md is generated from the catalog (`npm run docs`); it must be what the generator
 * makes today, and name exactly the tools of CATALOG.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolsAsJson, toolsAsMarkdown } from '../src/commands/tools.js';
import { catalog } from '../src/tools/index.js';

const docs = readFileSync(new URL('../docs/tools.md', import.meta.url), 'utf8');
const contract = readFileSync(new URL('./fixtures/CATALOG.md', import.meta.url), 'utf8');
const toolsSection = contract.slice(contract.indexOf('## Tools'), contract.indexOf('## Not built'));
const contractNames = [...toolsSection.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);

describe('docs/tools.md', () => {
  it('is what `npm run docs` generates from the catalog (run it after changing a tool)', () => {
    expect(docs).toBe(toolsAsMarkdown());
  });

  it('names exactly the tools of CATALOG.md, as the code does', () => {
    const documented = [...docs.matchAll(/^\| \[`([a-z0-9_]+)`\]/gm)].map((m) => m[1]);
    expect(contractNames).toHaveLength(62);
    expect([...documented].sort()).toEqual([...contractNames].sort());
    expect(catalog.map((entry) => entry.name).sort()).toEqual([...contractNames].sort());
  });

  it('has a section with the arguments of every tool', () => {
    for (const entry of catalog) expect(docs).toContain(`\n## ${entry.name}\n`);
  });
});

describe('hubgate tools --json', () => {
  it('holds every tool with its call, level, annotations and input schema', () => {
    const tools = JSON.parse(toolsAsJson()) as {
      name: string;
      annotations: object;
      input_schema: { type: string };
    }[];
    expect(tools.map((t) => t.name)).toEqual(catalog.map((entry) => entry.name));
    for (const tool of tools) {
      expect(Object.keys(tool.annotations).sort()).toEqual([
        'destructiveHint',
        'idempotentHint',
        'openWorldHint',
        'readOnlyHint',
      ]);
      expect(tool.input_schema.type).toBe('object');
    }
  });
});
