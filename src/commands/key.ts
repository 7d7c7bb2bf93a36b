/** `hubgate key`: a new random agent API key and the hash the config stores. */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes; the prefix makes a leaked key easy to recognise and to scan for. */
export function newAgentKey(): { key: string; hash: string } {
  const key = `hgk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashAgentKey(key) };
}

export function hashAgentKey(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export function describeNewKey({ key, hash }: { key: string; hash: string }): string {
  return [
    `key:    ${key}`,
    `config: ${hash}`,
    '',
    'Give the key to the agent (it sends "Authorization: Bearer <key>"); hubgate keeps only the',
    `hash. Paste the config line under the agent: keys: ["${hash}"]`,
    '',
  ].join('\n');
}
