/**
 * Reloading the config file: on demand (SIGHUP) and when the file changes. A valid new config
 * replaces the policy for the next call; an invalid one is logged and the old policy stays.
 */
import { type FSWatcher, watch } from 'node:fs';
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
/** How often the path is tried again while no file is there to watch (deleted, mid-swap). */
const REWATCH_MS = 1_000;

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

  // The file itself is watched (through any symbolic link), not its folder: the audit file often
  // sits beside it, and a folder watch woke on every record written. A `rename` says the file
  // watched has left its path: an editor saved by renaming over it, or a mounted Secret or
  // ConfigMap swapped its `..data` link and removed the old copy. Once the change has settled,
  // whatever is at the path now is watched and read.
  let timer: NodeJS.Timeout | undefined;
  let rewatch: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let stopped = false;
  const unwatch = () => {
    watcher?.close();
    watcher = undefined;
  };
  const watchPath = (): boolean => {
    if (stopped) return false;
    try {
      const watching = watch(file, (event) => {
        if (event === 'rename') unwatch();
        clearTimeout(timer);
        timer = setTimeout(settled, SETTLE_MS);
      });
      watching.on('error', () => {
        unwatch();
        watchLater();
      });
      watching.unref();
      watcher = watching;
      return true;
    } catch {
      return false;
    }
  };
  /** Tries the path again until a file is there, then reads it. */
  const watchLater = () => {
    clearTimeout(rewatch);
    if (stopped) return;
    rewatch = setTimeout(() => {
      if (watchPath()) reload('file changed');
      else watchLater();
    }, REWATCH_MS);
    rewatch.unref();
  };
  const settled = () => {
    // Watched again before it is read, so that a change made meanwhile is not missed.
    const watching = watcher !== undefined || watchPath();
    reload('file changed');
    if (!watching) watchLater();
  };
  if (!watchPath()) {
    logger.warn({ file }, 'cannot watch the config file; reload with SIGHUP');
  }

  return {
    reload,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(rewatch);
      unwatch();
    },
  };
}
