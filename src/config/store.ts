/**
 * The current configuration, replaced whole on reload. Calls read it when they start, so a new
 * policy applies from the next call; sessions subscribe to learn that their tool list may change.
 */
import type {
  AgentConfig,
  Config,
  CredentialConfig,
  HubCredentialConfig,
  ScimCredentialConfig,
} from './types.js';

export class ConfigStore {
  private listeners = new Set<(config: Config, previous: Config) => void>();

  constructor(private current: Config) {}

  get config(): Config {
    return this.current;
  }

  agent(name: string): AgentConfig | undefined {
    return this.current.agents.get(name);
  }

  hubCredentialOf(agent: AgentConfig): HubCredentialConfig | undefined {
    return pick(this.current.credentials, agent.credential, 'hub');
  }

  scimCredentialOf(agent: AgentConfig): ScimCredentialConfig | undefined {
    return pick(this.current.credentials, agent.scimCredential, 'scim');
  }

  replace(config: Config): void {
    const previous = this.current;
    this.current = config;
    for (const listener of this.listeners) listener(config, previous);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (config: Config, previous: Config) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function pick<K extends CredentialConfig['kind']>(
  credentials: ReadonlyMap<string, CredentialConfig>,
  name: string | undefined,
  kind: K,
): Extract<CredentialConfig, { kind: K }> | undefined {
  const credential = name === undefined ? undefined : credentials.get(name);
  return credential?.kind === kind
    ? (credential as Extract<CredentialConfig, { kind: K }>)
    : undefined;
}
