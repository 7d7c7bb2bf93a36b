/**
 * No Docker engine runs here, so the Dockerfile is checked for what can be checked: every path it
 * copies exists, its base is pinned, it ends as a non-root user with node dist/cli.js as the
 * entrypoint, and its production install (npm ci --omit=dev) gives a working hubgate in a clean
 * copy of the repository.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');

describe('Dockerfile', () => {
  it('copies only paths that exist, and does not ignore them', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] as string).split(/\s+/),
    );
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(dockerignore, source).not.toContain(source.split('/')[0]);
      expect(dockerignore, source).not.toContain(source);
    }
  });

  it('is multi-stage from a pinned base, non-root, with the documented entrypoint', () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] as string);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 8080$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toContain('ENTRYPOINT ["node", "dist/cli.js"]');
  });

  it('production dependencies alone run the built hubgate, in a clean copy', {
    timeout: 120_000,
  }, () => {
    const copy = mkdtempSync(join(tmpdir(), 'hubgate-docker-'));
    try {
      for (const file of ['package.json', 'package-lock.json', 'dist']) {
        cpSync(join(root, file), join(copy, file), { recursive: true });
      }
      // As the runtime stage does; from the npm cache where it can (the install before the tests
      // filled it), the registry for the rest. Docker Hub is never involved.
      execFileSync(
        'npm',
        ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
        {
          cwd: copy,
          stdio: 'pipe',
        },
      );
      expect(existsSync(join(copy, 'node_modules', 'typescript'))).toBe(false);
      const version = execFileSync(process.execPath, ['dist/cli.js', '--version'], {
        cwd: copy,
      }).toString();
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(version.trim()).toBe(pkg.version);
      const tools = execFileSync(process.execPath, ['dist/cli.js', 'tools'], {
        cwd: copy,
      }).toString();
      expect(tools.trim().split('\n')).toHaveLength(62);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
