/**
 * The official MCP conformance suites against the built `hubgate http`, both eras
 * (scripts/conformance.sh: 0.1.16 for 2025, 0.2.0-alpha.12 with --requirements 2026-07-28, on the
 * Node 22 that conformance/ installs). The script exits 0 only when every scenario passes but
 * those listed, with why, in conformance/not-applicable-*.yaml, and when none of those starts to
 * pass unnoticed. A few seconds.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers/net.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

describe('the official MCP conformance suites', () => {
  it('pass for both eras, but for the scenarios that cannot apply', {
    timeout: 240_000,
  }, async () => {
    const { stdout } = await run('bash', ['scripts/conformance.sh'], {
      cwd: root,
      env: { ...process.env, CONFORMANCE_PORT: String(await freePort()) },
      maxBuffer: 16 * 1024 * 1024,
    });
    const [legacy, modern] = stdout.split('── 2026-07-28') as [string, string];
    for (const scenario of [
      'server-initialize',
      'ping',
      'tools-list',
      'server-sse-multiple-streams',
      'dns-rebinding-protection',
    ]) {
      expect(legacy).toMatch(new RegExp(`^✓ ${scenario}: \\d+ passed, 0 failed$`, 'm'));
    }
    for (const scenario of [
      'tools-list',
      'server-sse-multiple-streams',
      'dns-rebinding-protection',
      'http-header-validation',
      'input-required-result-unsupported-methods',
      'input-required-result-validate-input',
    ]) {
      expect(modern).toMatch(new RegExp(`^✓ ${scenario}: \\d+ passed, 0 failed$`, 'm'));
    }
  });
});
