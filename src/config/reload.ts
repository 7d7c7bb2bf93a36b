/**
 * Reloading the config file: on demand (SIGHUP) and when the file changes. A valid new config
 * replaces the policy for the next call; an invalid one is logged and the old policy stays.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfigFile } from './load.js';
import type { ConfigStore } from './store.js';

export interface Reloader {
  /** Reads the file again; true when the new config was taken. */
  reload(why: string): boolean;
  stop(): void;
}

/** Editors write a file in bursts (truncate, write, rename): wait for it to settle. */
const SETTLE_MS = 150;

export function createReloader(
  file: string,
  env: NodeJS.ProcessEnv,
  store: ConfigStore,
  logger: Logger,
  toolNames: ReadonlySet<string>,
): Reloader {
  const reload = (why: string): boolean => {
    try {
      const config = loadConfigFile(file, env, toolNames);
      store.replace(config);
      logger.info({ file, why, agents: [...config.agents.keys()] }, 'config reloaded');
      return true;
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
      logger.error({ file, why, problems }, 'config not reloaded: the previous policy stays');
      return false;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    // Watch the directory, not the file: an editor that saves by renaming replaces the file
    // and a watch on the old one would go quiet.
    watcher = watch(dirname(file), (_event, name) => {
      if (name !== basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => reload('file changed'), SETTLE_MS);
    });
    watcher.unref();
  } catch (error) {
    logger.warn({ file, err: error }, 'cannot watch the config file; reload with SIGHUP');
  }

  return {
    reload,
    stop() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
