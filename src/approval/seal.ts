/**
 * The sealed pending call of a 2026-07-28 approval: what the server asked about travels to the
 * client as `requestState` and comes back with the answer, so no replica has to remember it. The
 * client holds it, so it is encrypted (the arguments may be private) and authenticated (a changed
 * byte is refused) with AES-256-GCM, under a key derived from the config's `approvals.key`. Every
 * replica with the same key can open what any other sealed; one without a key uses a key of its
 * own, and its seals open only in the process that made them.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What is sealed: the call it approves, for whom, until when. */
export interface SealedCall {
  /** Random: one answer per asking (replays are refused by the ledger). */
  id: string;
  agent: string;
  /** The OAuth subject and client the call came from, `sub client_id`; empty for a key. */
  principal: string;
  tool: string;
  /** callDigest() of the tool and its arguments: the answer is for exactly this call. */
  digest: string;
  /** Epoch milliseconds. */
  expires: number;
}

export type Opened = { ok: true; call: SealedCall } | { ok: false; why: 'malformed' | 'expired' };

export interface Seal {
  seal(call: SealedCall): string;
  open(state: string, now?: number): Opened;
}

const PREFIX = 'hg1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds a sealed value to its use: a ciphertext made for something else under the same key
// does not open here.
const AAD = Buffer.from('hubgate approval requestState v1');

/** The seal for a configured key (at least 32 characters), or for a random one. */
export function createSeal(secret?: string): Seal {
  const material = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  const key = Buffer.from(hkdfSync('sha256', material, 'hubgate', 'approval seal', 32));
  return {
    seal(call) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(JSON.stringify(call), 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(state, now = Date.now()) {
      if (!state.startsWith(PREFIX) || state.length > 8_192) return { ok: false, why: 'malformed' };
      const bytes = Buffer.from(state.slice(PREFIX.length), 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return { ok: false, why: 'malformed' };
      let call: SealedCall;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(AAD);
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
        call = JSON.parse(plain.toString('utf8')) as SealedCall;
      } catch {
        // A wrong key, a changed byte, a cut value: all the same to the client.
        return { ok: false, why: 'malformed' };
      }
      if (typeof call?.expires !== 'number' || call.expires <= now) {
        return { ok: false, why: 'expired' };
      }
      return { ok: true, call };
    },
  };
}
