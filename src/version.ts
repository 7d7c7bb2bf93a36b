import { existsSync, readFileSync } from 'node:fs';

/**
 * The package version, from hubgate's package.json: next to src/ or dist/, or, in the bundled
 * build, a level further up from the chunk this code lands in.
 */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'hubgate' && pkg.version) return pkg.version;
  }
  return '0.0.0';
}

export const VERSION: string = readVersion();
