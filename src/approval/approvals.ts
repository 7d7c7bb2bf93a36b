/**
 * The Gateway's approvals: the seal for 2026-07-28 questions (made from the config's key, made
 * again when a reload changes it), the ledger (memory, or Redis shared by replicas), and the
 * operators who may decide out of band.
 */

import { timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConfigStore } from '../config/store.js';
import type { Approver } from '../gateway/approval.js';
import { keyHash } from '../http/keys.js';
import { type ApprovalLedger, memoryLedger, redisLedger } from './ledger.js';
import { operatorApprover } from './operator.js';
import { type RoundTripMaterial, roundTripApprover } from './round-trip.js';
import { createSeal, type Seal } from './seal.js';

export interface Approvals {
  readonly ledger: ApprovalLedger;
  /** The approver of one 2026-07-28 request, from what it carries. */
  roundTrip(material: RoundTripMaterial): Approver;
  /** The approver of agents marked `approve_via: operator`. */
  readonly operator: Approver;
  /** How long a person has to answer a question (`approvals.expires_seconds`). */
  expiresMs(): number;
  /** The operator whose key is in `Authorization: Bearer <key>`, or undefined. */
  operatorFor(authorization: string | undefined): string | undefined;
}

const DEFAULT_EXPIRES_SECONDS = 300;
const DEFAULT_OPERATOR_EXPIRES_SECONDS = 3600;

export function createApprovals(store: ConfigStore, redis?: Redis): Approvals {
  const ledger = redis ? redisLedger(redis) : memoryLedger();
  let sealFor: { key: string | undefined; seal: Seal } | undefined;
  const seal = () => {
    const key = store.config.approvals?.key;
    if (!sealFor || sealFor.key !== key) sealFor = { key, seal: createSeal(key) };
    return sealFor.seal;
  };
  const seconds = (which: 'expiresSeconds' | 'operatorExpiresSeconds', fallback: number) =>
    (store.config.approvals?.[which] ?? fallback) * 1000;
  return {
    ledger,
    expiresMs: () => seconds('expiresSeconds', DEFAULT_EXPIRES_SECONDS),
    roundTrip: (material) =>
      roundTripApprover(
        {
          seal: seal(),
          ledger,
          expiresMs: seconds('expiresSeconds', DEFAULT_EXPIRES_SECONDS),
        },
        material,
      ),
    operator: operatorApprover(ledger, () =>
      seconds('operatorExpiresSeconds', DEFAULT_OPERATOR_EXPIRES_SECONDS),
    ),
    operatorFor(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) return undefined;
      const presented = keyHash(match[1] as string);
      let found: string | undefined;
      for (const operator of store.config.approvals?.operators ?? []) {
        const expected = Buffer.from(operator.key.slice('sha256:'.length), 'hex');
        // No early exit, as for agents' keys (http/keys.ts).
        if (expected.length === presented.length && timingSafeEqual(expected, presented))
          found = operator.name;
      }
      return found;
    },
  };
}
