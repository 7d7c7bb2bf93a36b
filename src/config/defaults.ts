/**
 * The configuration when there is no file: one agent, `local`, with the default read-only grants
 * (or the `--grant` list), calling Docker Hub with the credential from DOCKER_HUB_USERNAME and
 * DOCKER_HUB_TOKEN when both are set.
 */
import { DEFAULT_AGENT } from '../policy/defaults.js';
import type { Grant } from '../policy/types.js';
import { ConfigError } from './errors.js';
import type { AgentConfig, Config, CredentialConfig } from './types.js';

export const ENV_CREDENTIAL = 'environment';

export function defaultConfig(env: NodeJS.ProcessEnv, grants?: readonly Grant[]): Config {
  const credentials = new Map<string, CredentialConfig>();
  const agent: AgentConfig = {
    name: DEFAULT_AGENT.name,
    grants: grants ?? DEFAULT_AGENT.grants,
    keys: [],
  };
  const username = env.DOCKER_HUB_USERNAME?.trim();
  const secret = env.DOCKER_HUB_TOKEN?.trim();
  if (username && secret) {
    credentials.set(ENV_CREDENTIAL, { kind: 'hub', name: ENV_CREDENTIAL, username, secret });
    agent.credential = ENV_CREDENTIAL;
  } else if (username || secret) {
    throw new ConfigError('environment', [
      `DOCKER_HUB_${username ? 'TOKEN' : 'USERNAME'} is not set: set both DOCKER_HUB_USERNAME ` +
        'and DOCKER_HUB_TOKEN, or neither to call Docker Hub anonymously',
    ]);
  }
  return {
    credentials,
    agents: new Map([[agent.name, agent]]),
    defaultAgent: agent.name,
  };
}
