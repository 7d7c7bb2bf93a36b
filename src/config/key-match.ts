/**
 * Matching a presented key against stored `sha256:<hex>` hashes (agents' keys, operators' keys):
 * the config keeps only the hash, and every stored hash is compared in constant time, so neither
 * the key nor which one it almost matched leaks through timing.
 */
import { hash, timingSafeEqual } from 'node:crypto';

export function keyHash(key: string): Buffer {
  // One-shot (Node 20.12+): a third cheaper than a Hash object, on every request over HTTP.
  return hash('sha256', key, 'buffer');
}

/** A stored hash, decoded once (per config) rather than on every request. */
export interface StoredKey<T> {
  owner: T;
  digest: Buffer;
}

export function storedKeys<T>(entries: Iterable<{ owner: T; hash: string }>): StoredKey<T>[] {
  return [...entries].map(({ owner, hash }) => ({
    owner,
    digest: Buffer.from(hash.slice('sha256:'.length), 'hex'),
  }));
}

/** The owner of the stored key that `Authorization: Bearer <key>` presents, or undefined. */
export function ownerOfBearer<T>(
  header: string | undefined,
  stored: readonly StoredKey<T>[],
): T | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? ownerOfKey(match[1] as string, stored) : undefined;
}

/** The owner of the stored key that `key` is, or undefined. */
export function ownerOfKey<T>(key: string, stored: readonly StoredKey<T>[]): T | undefined {
  const presented = keyHash(key);
  let found: T | undefined;
  for (const { owner, digest } of stored) {
    // No early exit: every stored key is compared whatever matched before.
    if (digest.length === presented.length && timingSafeEqual(digest, presented)) found = owner;
  }
  return found;
}
