/**
 * The bundle answers tools/list from descriptions computed at build time (scripts/bundle.mjs puts
 * them in src/tools/precomputed.ts's place), and builds no tool schema at start. What it sends
 * must be what describeTool() computes: each description survives JSON unchanged, and the built
 * binary's list for an agent allowed everything is, byte for byte, the computed one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeDescription, describeTool } from '../../src/tools/describe.js';
import { catalog } from '../../src/tools/index.js';
import { PRECOMPUTED } from '../../src/tools/precomputed.js';
import { SEED } from '../fake-hub/index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

const CONFIG = `
hub: { url: "http://127.0.0.1:9" }
credentials:
  admin: { username: alice, secret: "\${ADMIN_PAT}" }
  scim: { scim_token: "\${SCIM_TOKEN}", org: acme }
agents:
  everything:
    credential: admin
    scim_credential: scim
    grants:
${['repo:*/*', 'org:*', 'scim:*', 'account', 'catalog', 'auth']
  .map((resource) => `      - { resource: "${resource}", access: admin }`)
  .join('\n')}
`;

/** The tools/list answer's `tools`, as the bytes the built binary wrote. */
async function listedByBuild(config: string): Promise<string> {
  const child = spawn(process.execPath, [cli, '--config', config, '--log-level', 'warn'], {
    env: {
      PATH: process.env.PATH ?? '',
      ADMIN_PAT: SEED.pats.aliceAdmin,
      SCIM_TOKEN: SEED.scim.acme,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  let buffered = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`hubgate exited ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const text = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const { id } = JSON.parse(text) as { id?: number };
        if (id === 1) {
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
        } else if (id === 2) resolve(text);
      }
    });
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'precomputed.test', version: '0' },
      },
    });
  }).finally(() => child.kill());
  const prefix = '{"result":{"tools":';
  expect(line.startsWith(prefix)).toBe(true);
  return line.slice(prefix.length, line.indexOf('},"jsonrpc"'));
}

describe('tool descriptions computed at build time', () => {
  it('survive JSON unchanged: what the build stores is what would be computed', () => {
    for (const entry of catalog) {
      const computed = computeDescription(entry);
      expect(JSON.parse(JSON.stringify(computed)), entry.name).toStrictEqual(computed);
    }
  });

  it('are left out unbundled, where any entry is described as it is', () => {
    expect(PRECOMPUTED).toBeUndefined();
    const [first] = catalog;
    if (!first) throw new Error('empty catalog');
    const renamed = { ...first, description: 'a test entry' };
    expect(describeTool(renamed).description).toBe('a test entry');
  });

  it.skipIf(!existsSync(cli))(
    'are what the built binary lists, byte for byte, for an agent allowed everything',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hubgate-precomputed-'));
      try {
        const config = join(dir, 'hubgate.yaml');
        writeFileSync(config, CONFIG);
        const listed = await listedByBuild(config);
        expect(listed).toBe(JSON.stringify(catalog.map(computeDescription)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    20_000,
  );
});
