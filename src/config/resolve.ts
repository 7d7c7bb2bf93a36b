/** Which config applies (file or built-in default) and which agent a stdio session acts as. */
import { defaultConfig } from './defaults.js';
import { ConfigError, loadConfigFile, type ParseOptions } from './load.js';
import type { Config, PolicySource } from './types.js';

export function resolveConfig(
  source: PolicySource,
  env: NodeJS.ProcessEnv,
  toolNames: ReadonlySet<string>,
  options: ParseOptions = {},
): Config {
  return source.configFile
    ? loadConfigFile(source.configFile, env, toolNames, options)
    : defaultConfig(env, source.grants);
}

export function selectAgent(config: Config, requested: string | undefined): string {
  const where = config.source ?? 'configuration';
  const name = requested ?? config.defaultAgent;
  const known = [...config.agents.keys()].join(', ');
  if (!name) {
    throw new ConfigError(where, [
      `default_agent: several agents (${known}) and none chosen: set default_agent, or name one with --agent`,
    ]);
  }
  if (!config.agents.has(name)) {
    throw new ConfigError(where, [`agents: no agent named "${name}" (agents: ${known})`]);
  }
  return name;
}
