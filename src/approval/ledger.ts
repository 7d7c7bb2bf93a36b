/**
 * What approvals must remember across calls, and across replicas when they share Redis:
 *
 * - the answers already used: a sealed 2026-07-28 approval opens once, so one yes cannot be
 *   replayed for a second call;
 * - the calls waiting for an operator (out-of-band approval): asked by one call, decided through
 *   `hubgate approve ID` or the operator endpoint, and taken once by the agent's next identical call.
 *
 * In one process they live in memory; with Redis, under `hubgate:approval*` keys that expire with
 * the approval.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A call waiting for an operator's decision, as the operator sees it. */
export interface PendingApproval {
  id: string;
  agent: string;
  tool: string;
  resources: readonly string[];
  arguments: unknown;
  grants: readonly string[];
  /** callDigest(): the decision is for exactly this call. */
  digest: string;
  asked_at: string;
  /** Epoch milliseconds. */
  expires: number;
  status: 'pending' | 'approved' | 'denied';
  decided_at?: string;
  /** Who decided: the operator key's label. */
  by?: string;
}

export type DecideResult =
  | { ok: true; approval: PendingApproval }
  | { ok: false; why: 'unknown' | 'decided' };

export interface ApprovalLedger {
  /** True the first time `id` is spent; false for every later try (a replay). */
  spend(id: string, expires: number): Promise<boolean>;
  /** The approval this exact call already waits on, or a new one. */
  ask(request: Omit<PendingApproval, 'id' | 'status'>): Promise<PendingApproval>;
  decide(id: string, approve: boolean, by: string): Promise<DecideResult>;
  /** A decided approval for this exact call, removed as it is taken: it decides one call. */
  take(agent: string, digest: string): Promise<PendingApproval | undefined>;
  list(): Promise<PendingApproval[]>;
}

/** Short enough to type, random enough not to guess (60 bits). */
export function approvalId(): string {
  return randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 10);
}

export function memoryLedger(now: () => number = Date.now): ApprovalLedger {
  const spent = new Map<string, number>();
  const approvals = new Map<string, PendingApproval>();
  const sweep = () => {
    const time = now();
    for (const [id, expires] of spent) if (expires <= time) spent.delete(id);
    for (const [id, approval] of approvals) if (approval.expires <= time) approvals.delete(id);
  };
  const forCall = (agent: string, digest: string) =>
    [...approvals.values()].find((entry) => entry.agent === agent && entry.digest === digest);
  return {
    async spend(id, expires) {
      sweep();
      if (spent.has(id)) return false;
      spent.set(id, expires);
      return true;
    },
    async ask(request) {
      sweep();
      const waiting = forCall(request.agent, request.digest);
      if (waiting) return waiting;
      const approval: PendingApproval = { ...request, id: approvalId(), status: 'pending' };
      approvals.set(approval.id, approval);
      return approval;
    },
    async decide(id, approve, by) {
      sweep();
      const approval = approvals.get(id);
      if (!approval) return { ok: false, why: 'unknown' };
      if (approval.status !== 'pending') return { ok: false, why: 'decided' };
      approval.status = approve ? 'approved' : 'denied';
      approval.decided_at = new Date(now()).toISOString();
      approval.by = by;
      return { ok: true, approval };
    },
    async take(agent, digest) {
      sweep();
      const approval = forCall(agent, digest);
      if (!approval || approval.status === 'pending') return undefined;
      approvals.delete(approval.id);
      return approval;
    },
    async list() {
      sweep();
      return [...approvals.values()];
    },
  };
}

const SPENT = 'hubgate:approval-spent:';
const APPROVAL = 'hubgate:approval:';
const CALL = 'hubgate:approval-call:';

/**
 * The ledger in Redis. Each step that must happen once (spending, deciding, taking) is one
 * atomic command, so two replicas cannot both win it.
 */
export function redisLedger(redis: Redis): ApprovalLedger {
  const read = async (id: string) => {
    const raw = await redis.get(`${APPROVAL}${id}`);
    return raw ? (JSON.parse(raw) as PendingApproval) : undefined;
  };
  const write = (approval: PendingApproval) =>
    redis.set(`${APPROVAL}${approval.id}`, JSON.stringify(approval), 'PXAT', approval.expires);
  return {
    async spend(id, expires) {
      return (await redis.set(`${SPENT}${id}`, '1', 'PXAT', expires, 'NX')) === 'OK';
    },
    async ask(request) {
      const callKey = `${CALL}${request.agent}:${request.digest}`;
      const approval: PendingApproval = { ...request, id: approvalId(), status: 'pending' };
      // The first replica to ask for this call names its approval; the others find that one.
      const claimed = await redis.set(callKey, approval.id, 'PXAT', request.expires, 'NX');
      if (claimed !== 'OK') {
        const existing = await redis.get(callKey);
        const found = existing ? await read(existing) : undefined;
        if (found) return found;
        await redis.set(callKey, approval.id, 'PXAT', request.expires);
      }
      await write(approval);
      return approval;
    },
    async decide(id, approve, by) {
      if (!/^[A-Za-z0-9]{1,32}$/.test(id)) return { ok: false, why: 'unknown' };
      const approval = await read(id);
      if (!approval) return { ok: false, why: 'unknown' };
      if (approval.status !== 'pending') return { ok: false, why: 'decided' };
      // Deciding is claimed by one atomic step, kept as long as the approval: only the first
      // decision counts, however late a second one comes.
      const claim = `${APPROVAL}${id}:decided`;
      if ((await redis.set(claim, by, 'PXAT', approval.expires, 'NX')) !== 'OK') {
        return { ok: false, why: 'decided' };
      }
      approval.status = approve ? 'approved' : 'denied';
      approval.decided_at = new Date().toISOString();
      approval.by = by;
      await write(approval);
      return { ok: true, approval };
    },
    async take(agent, digest) {
      const callKey = `${CALL}${agent}:${digest}`;
      const id = await redis.get(callKey);
      const approval = id ? await read(id) : undefined;
      if (!approval || approval.status === 'pending') return undefined;
      // Whoever deletes the record takes the decision; a second replica finds nothing.
      if ((await redis.del(`${APPROVAL}${approval.id}`)) !== 1) return undefined;
      await redis.del(callKey);
      return approval;
    },
    async list() {
      const found: PendingApproval[] = [];
      for await (const keys of redis.scanStream({ match: `${APPROVAL}*`, count: 100 })) {
        for (const key of keys as string[]) {
          if (key.endsWith(':decided')) continue;
          const approval = await read(key.slice(APPROVAL.length));
          if (approval) found.push(approval);
        }
      }
      return found;
    },
  };
}
