/**
 * The Gateway's approvals: the seal for 2026-07-28 questions (made from the config's key, made
 * again when a reload changes it), the ledger (memory, or Redis shared by replicas), and the
 * operators who may decide out of band.
 */

import type { Redis } from 'ioredis';
import { ownerOfBearer, storedKeys } from '../config/key-match.js';
import type { ConfigStore } from '../config/store.js';
import { type ApprovalLedger, memoryLedger, redisLedger } from './ledger.js';
import { operatorApprover } from './operator.js';
import { type RoundTripMaterial, roundTripApprover } from './round-trip.js';
import { createSeal, type Seal } from './seal.js';
import type { Approver } from './types.js';

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
    // Asked rarely (an operator's command), so decoded on each request.
    operatorFor: (authorization) =>
      ownerOfBearer(
        authorization,
        storedKeys(
          (store.config.approvals?.operators ?? []).map(({ name, key }) => ({
            owner: name,
            hash: key,
          })),
        ),
      ),
  };
}
