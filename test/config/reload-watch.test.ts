/**
 * The config file is reloaded when it changes, however it is changed: written in place, saved by
 * renaming over it, swapped the way Kubernetes updates a mounted Secret or ConfigMap (a `..data`
 * link repointed, the old copy removed), or deleted and written again. Writes to other files in
 * its folder (the audit file, typically) do not wake the watcher.
 */
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { createReloader, type Reloader } from '../../src/config/reload.js';
import { ConfigStore } from '../../src/config/store.js';
import { toolNames } from '../../src/tools/index.js';

const names = toolNames;

/** How many times a watcher's listener was called: each is the process woken for an event. */
const wakes = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const watch = (path: string, listener: (event: string, name: string | null) => void) =>
    fs.watch(path, (event, name) => {
      wakes.count += 1;
      listener(event, name);
    });
  return { ...fs, watch, default: { ...fs, watch } };
});
const policy = (resource: string) =>
  `agents:\n  bot:\n    grants: [{ resource: "${resource}", access: read }]\n`;

/** The grant the store holds now. */
const grantOf = (store: ConfigStore) => store.config.agents.get('bot')?.grants[0]?.resource;

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

/** A reloader on `file`, which must hold a valid config, and what it logged. */
function watching(file: string) {
  const logged: { level: string; msg: string }[] = [];
  const log =
    (level: string) =>
    (_fields: unknown, msg: string): void => {
      logged.push({ level, msg });
    };
  const logger = { info: log('info'), warn: log('warn'), error: log('error') } as unknown as Logger;
  const store = new ConfigStore(loadConfigFile(file, {}, names));
  const reloader: Reloader = createReloader(file, {}, store, logger, names);
  cleanup.push(() => reloader.stop());
  const reloads = () => logged.filter((entry) => entry.msg === 'config reloaded').length;
  return { store, logged, reloads };
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hubgate-watch-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `dir`'s hubgate.yaml, written with a first policy (repo:a/*). */
function configIn(dir: string): { dir: string; file: string } {
  const file = join(dir, 'hubgate.yaml');
  writeFileSync(file, policy('repo:a/*'));
  return { dir, file };
}

const poll = { timeout: 4_000, interval: 25 };

describe('the config watcher', () => {
  it('reloads a file written in place, and again on the next write', async () => {
    const { file } = configIn(folder());
    const { store } = watching(file);
    writeFileSync(file, policy('repo:b/*'));
    await expect.poll(() => grantOf(store), poll).toBe('repo:b/*');
    writeFileSync(file, policy('repo:c/*'));
    await expect.poll(() => grantOf(store), poll).toBe('repo:c/*');
  });

  it('follows a file saved by renaming over it, each time', async () => {
    const { dir, file } = configIn(folder());
    const { store } = watching(file);
    for (const next of ['repo:b/*', 'repo:c/*', 'repo:d/*']) {
      writeFileSync(join(dir, '.hubgate.yaml.swp'), policy(next));
      renameSync(join(dir, '.hubgate.yaml.swp'), file);
      await expect.poll(() => grantOf(store), poll).toBe(next);
    }
  });

  it('follows a mounted Secret or ConfigMap updated by swapping its ..data link', async () => {
    // As the kubelet lays it out: hubgate.yaml -> ..data/hubgate.yaml, ..data -> ..<stamp>.
    const dir = folder();
    const version = (stamp: string, resource: string) => {
      mkdirSync(join(dir, stamp));
      writeFileSync(join(dir, stamp, 'hubgate.yaml'), policy(resource));
    };
    version('..2026_12_03_1', 'repo:a/*');
    symlinkSync('..2026_12_03_1', join(dir, '..data'));
    symlinkSync(join('..data', 'hubgate.yaml'), join(dir, 'hubgate.yaml'));
    const { store } = watching(join(dir, 'hubgate.yaml'));

    for (const [stamp, previous, resource] of [
      ['..2026_12_03_2', '..2026_12_03_1', 'repo:b/*'],
      ['..2026_12_03_3', '..2026_12_03_2', 'repo:c/*'],
    ] as const) {
      version(stamp, resource);
      symlinkSync(stamp, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, previous), { recursive: true });
      await expect.poll(() => grantOf(store), poll).toBe(resource);
    }
  });

  it('keeps the policy while the file is gone, and reads it once it is back', async () => {
    const { file } = configIn(folder());
    const { store, logged } = watching(file);
    unlinkSync(file);
    await expect.poll(() => logged.some((entry) => entry.level === 'error'), poll).toBe(true);
    expect(grantOf(store)).toBe('repo:a/*');
    writeFileSync(file, policy('repo:b/*'));
    await expect.poll(() => grantOf(store), poll).toBe('repo:b/*');
    // Watched again: the next write is seen too.
    writeFileSync(file, policy('repo:c/*'));
    await expect.poll(() => grantOf(store), poll).toBe('repo:c/*');
  });

  it('is not woken by writes to other files in its folder', async () => {
    const { dir, file } = configIn(folder());
    const { store, reloads } = watching(file);
    wakes.count = 0;
    for (let i = 0; i < 20; i += 1) {
      appendFileSync(join(dir, 'hubgate-audit.ndjson'), `{"record":${i}}\n`);
      writeFileSync(join(dir, 'other.yaml'), policy(`repo:x${i}/*`));
    }
    // Well past the settling time a change to the file would have waited.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reloads()).toBe(0);
    expect(wakes.count).toBe(0);
    // The watch was live all along: a change to the file itself is still seen.
    writeFileSync(file, policy('repo:b/*'));
    await expect.poll(() => grantOf(store), poll).toBe('repo:b/*');
    expect(reloads()).toBe(1);
    expect(wakes.count).toBeGreaterThan(0);
  });
});
