/** Every example config is one `hubgate check` accepts, and gives its agents what it says. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../src/config/load.js';
import { authorize } from '../src/policy/authorize.js';
import { toolNames } from '../src/tools/index.js';

const dir = fileURLToPath(new URL('../examples/', import.meta.url));
const env = {
  DOCKER_HUB_USERNAME: 'me',
  DOCKER_HUB_TOKEN: 'dckr_pat_x',
  MYORG_CI_TOKEN: 'dckr_oat_x',
};

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('examples/', () => {
  it.each(readdirSync(dir).filter((name) => name.endsWith('.yaml')))(
    'hubgate check accepts %s',
    (name) => {
      const output = execFileSync(process.execPath, [cli, 'check', '--config', `${dir}${name}`], {
        env: { PATH: process.env.PATH ?? '', ...env },
      }).toString();
      expect(output).toContain(`${dir}${name}: valid`);
      expect(loadConfigFile(`${dir}${name}`, env, toolNames).agents.size).toBeGreaterThan(0);
    },
  );

  it('the CI bot writes app-* repositories of myorg and nothing else of it', () => {
    const bot = loadConfigFile(`${dir}ci-bot.yaml`, env, toolNames).agents.get('ci-bot');
    if (!bot) throw new Error('no ci-bot');
    const can = (tool: string, resource: string, access: 'read' | 'write' | 'admin') =>
      authorize(bot, tool, [{ resource, access }]).allowed;
    expect(can('create_repository', 'repo:myorg/app-api', 'write')).toBe(true);
    expect(can('create_repository', 'repo:myorg/web', 'write')).toBe(false);
    expect(can('get_tag', 'repo:library/nginx', 'read')).toBe(true);
    expect(can('create_repository', 'repo:library/nginx', 'write')).toBe(false);
    expect(can('update_immutable_tags', 'repo:myorg/app-api', 'admin')).toBe(false);
  });
});

describe('mcp.json.example', () => {
  const example = JSON.parse(
    readFileSync(fileURLToPath(new URL('../mcp.json.example', import.meta.url)), 'utf8'),
  ) as { mcpServers: Record<string, { command: string; args: string[] }> };

  it('never runs a registry package by name (hubgate is not published: anyone could take it)', () => {
    for (const [name, server] of Object.entries(example.mcpServers)) {
      if (server.command !== 'npx') continue;
      const spec = server.args.find((arg) => !arg.startsWith('-'));
      expect(spec, name).toMatch(/^\//);
    }
  });

  it('its npx form runs a clone: npx -y <folder> starts this hubgate', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const version = execFileSync('npx', ['-y', root, '--version'], {
      // Offline: a folder needs no registry, and a test must not reach one.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        npm_config_offline: 'true',
      },
      cwd: tmpdir(),
      timeout: 60_000,
    })
      .toString()
      .trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
