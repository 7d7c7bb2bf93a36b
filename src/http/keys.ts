/**
 * Agent API keys. The config keeps only `sha256:<hex>` of each key; a presented key is hashed and
 * compared with every stored hash in constant time, so neither the key nor which agent it almost
 * matched leaks through timing.
 */

import { keyHash, ownerOfKey, type StoredKey, storedKeys } from '../config/key-match.js';
import type { Config } from '../config/types.js';

/** Each config's agent keys, decoded once: a config is replaced whole on reload, never changed. */
const agentKeys = new WeakMap<Config, StoredKey<string>[]>();

/** The agent whose key `key` is (what `Authorization: Bearer <key>` presents), or undefined. */
export function agentForKey(config: Config, key: string): string | undefined {
  let stored = agentKeys.get(config);
  if (!stored) {
    stored = storedKeys(
      [...config.agents.values()].flatMap((agent) =>
        agent.keys.map((hash) => ({ owner: agent.name, hash })),
      ),
    );
    agentKeys.set(config, stored);
  }
  return ownerOfKey(key, stored);
}

export function anyAgentHasKeys(config: Config): boolean {
  return [...config.agents.values()].some((agent) => agent.keys.length > 0);
}

/**
 * Keys people type when trying things out. A config whose hash is one of these lets anyone in:
 * `hubgate check` (and `hubgate http` at start) name them.
 */
const WEAK_KEYS = [
  'foo',
  'bar',
  'baz',
  'qux',
  'test',
  'testing',
  'secret',
  'password',
  'passw0rd',
  'changeme',
  'admin',
  'root',
  'key',
  'apikey',
  'api-key',
  'token',
  'hubgate',
  'docker',
  'example',
  'demo',
  'dev',
  'local',
  'default',
  'letmein',
  'welcome',
  'qwerty',
  '123456',
  '12345678',
  'abc123',
  'hgk_test',
  'hgk_example',
  'hgk_...',
  '',
];

let weakHashes: Set<string> | undefined;

/** Every stored key that is the hash of a well-known weak key: which agent, which of its keys. */
export function weakKeysIn(config: Config): { agent: string; index: number }[] {
  weakHashes ??= new Set(WEAK_KEYS.map((key) => `sha256:${keyHash(key).toString('hex')}`));
  const found: { agent: string; index: number }[] = [];
  for (const agent of config.agents.values()) {
    agent.keys.forEach((stored, index) => {
      if (weakHashes?.has(stored)) found.push({ agent: agent.name, index });
    });
  }
  return found;
}
