/** The README is the front door: its examples must stay true as the code changes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { USAGE } from '../src/options.js';
import { toolNames } from '../src/tools/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README', () => {
  it('holds JSON examples that parse', () => {
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(() => JSON.parse(block)).not.toThrow();
  });

  it('holds YAML configs that load', () => {
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const env = {
      DOCKER_HUB_USERNAME: 'me',
      DOCKER_HUB_TOKEN: 't',
      MYORG_CI_TOKEN: 't',
      HUBGATE_APPROVAL_KEY: 'a key of at least thirty-two characters',
    };
    for (const block of blocks)
      expect(parseConfig(block, 'README.yaml', env, toolNames).agents.size).toBeGreaterThan(0);
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm (?:run (?:-s )?)?([a-z:-]+)/g)]
      .map((m) => m[1] as string)
      .filter((name) => !['ci', 'install', 'run'].includes(name));
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(pkg.scripts, `npm ${name}`).toHaveProperty(name);
  });

  it('documents only flags and variables that --help documents too', () => {
    // Everything but the Development section, which names other tools' flags (biome --write).
    const section = readme.slice(0, readme.indexOf('## Development'));
    const help = Object.values(USAGE).join('\n');
    // hubgate's own command lines and flag tables, not other tools' (claude mcp add --transport).
    const hubgateLines = section
      .split('\n')
      .filter((line) => /^\| `--|(^|[\s$])hubgate\b/.test(line) && !/claude|biome|npm/.test(line))
      // In a docker run, the flags before the image are docker's.
      .map((line) =>
        line.includes('hubgate:local') ? line.slice(line.indexOf('hubgate:local')) : line,
      );
    const flags = new Set(hubgateLines.join('\n').match(/--[a-z][a-z-]+/g));
    const variables = new Set(readme.match(/\b(?:HUBGATE|DOCKER_HUB)_[A-Z_]+/g));
    expect(flags.size).toBeGreaterThanOrEqual(5);
    for (const flag of flags) expect(help, flag).toContain(flag);
    for (const variable of variables) expect(help, variable).toContain(variable);
  });
});
