/**
 * The README's quickstart, followed in a clean temporary copy of the repository: its first command
 * (install, build, demo) must succeed and the demo must show both agents, a refusal and the audit
 * records. The second command, the tests themselves, is what is running this. npm takes packages
 * from its cache where it can (the install before the tests filled it); Docker Hub is never called.
 */
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/options.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const cli = join(root, 'dist', 'cli.js');

/** The quickstart's commands, as written: the lines of its first sh block, comments dropped. */
function quickstartCommands(): string[] {
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe('the README quickstart', () => {
  it('has two commands: set up and run, then test', () => {
    expect(quickstartCommands()).toEqual(['npm ci && npm run demo', 'npm test']);
  });

  it('sets up and runs the demo in a clean copy', { timeout: 240_000 }, () => {
    const copy = mkdtempSync(join(tmpdir(), 'hubgate-quickstart-'));
    try {
      // The files a clone has: tracked ones, and new ones not ignored (for runs before a commit).
      const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root })
        .toString()
        .split('\n')
        .filter(Boolean);
      for (const file of files) {
        mkdirSync(dirname(join(copy, file)), { recursive: true });
        cpSync(join(root, file), join(copy, file));
      }
      const [setup] = quickstartCommands();
      const output = execSync(setup as string, {
        cwd: copy,
        env: {
          ...process.env,
          npm_config_prefer_offline: 'true',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
      expect(output).toContain('━━ agent assistant');
      expect(output).toContain('━━ agent ci-bot');
      expect(output).toMatch(/✓ refused +create_repository/);
      expect(output).toMatch(/Refused by hubgate policy: agent "assistant" has no grant for write/);
      expect(output).toMatch(/━━ audit records[\s\S]*ci-bot +allow +update_repository/);
      // One call a person approves, one they decline: only the first is sent.
      expect(output).toMatch(/the user answers yes\n +✓ allowed update_repository .*Release 1\.2/);
      expect(output).toMatch(/the user answers no\n +✓ refused update_repository/);
      expect(output).toContain('the person asked to approve it answered no. Nothing was sent');
      expect(output).toContain('demo: every call was decided as the policy says');
      expect(output).not.toContain('UNEXPECTED');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('the README commands', () => {
  it('names only hubgate commands that exist, and each answers --help', () => {
    // Commands as written in code (fenced blocks and inline code), not prose ("hubgate is…").
    const code = [...readme.matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`\n]+)`/g)]
      .map((m) => m[1] ?? m[2] ?? '')
      .join('\n');
    const named = new Set(
      [...code.matchAll(/(?:^|[\s$(])hubgate ([a-z][a-z-]*)\b(?![:.])/gm)].map(
        (m) => m[1] as string,
      ),
    );
    for (const word of named) expect(COMMANDS, `hubgate ${word}`).toContain(word);
    expect([...named].sort()).toEqual([
      'approvals',
      'approve',
      'check',
      'explain',
      'http',
      'key',
      'tools',
    ]);
    for (const command of [...named, '']) {
      const help = execFileSync(process.execPath, [
        cli,
        ...(command ? [command] : []),
        '--help',
      ]).toString();
      expect(help).toMatch(command ? new RegExp(`^Usage: hubgate ${command}`) : /^Usage: hubgate /);
      expect(help).toMatch(/Example/);
    }
  });
});
