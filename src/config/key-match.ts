/**
 * Matching a presented key against stored `sha256:<hex>` hashes (agents' keys, operators' keys):
 * the config keeps only the hash, and every stored hash is compared in constant time, so neither
 * the key nor which one it almost matched leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function keyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The owner of the stored hash the key in `Authorization: Bearer <key>` matches, or undefined. */
export function ownerOfBearer<T>(
  header: string | undefined,
  stored: Iterable<{ owner: T; hash: string }>,
): T | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const presented = keyHash(match[1] as string);
  let found: T | undefined;
  for (const { owner, hash } of stored) {
    const expected = Buffer.from(hash.slice('sha256:'.length), 'hex');
    // No early exit: every stored key is compared whatever matched before.
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) found = owner;
  }
  return found;
}
