/**
 * A person's yes before a call goes out, for grants marked `approve:`: what the pipeline asks,
 * and what comes back. How the person is asked belongs to an approver: the client's user in a
 * 2025-era session (elicit.ts) or over 2026-07-28 round trips (approval/round-trip.ts), or an
 * operator out of band (approval/operator.ts).
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../audit/record.js';

export interface ApprovalRequest {
  agent: string;
  principal?: Principal;
  tool: string;
  resources: readonly string[];
  arguments: unknown;
  /** The grants that ask for it, as `resource (access)`. */
  grants: readonly string[];
  /** callDigest(tool, arguments): what an answer must be for. */
  digest: string;
  /** The call's own: a call cancelled while its question waits stops waiting. */
  signal?: AbortSignal;
}

export type ApprovalDecision =
  /** Yes: the call is sent. */
  | 'accept'
  | 'decline'
  | 'cancel'
  | 'timeout'
  /** No one can be asked (the client declared no elicitation). */
  | 'unavailable'
  /** Asked over 2026-07-28: the client answers on its retry. */
  | 'asked'
  /** Waiting for an operator (out of band). */
  | 'pending'
  /** A sealed 2026-07-28 answer past its expiry. */
  | 'expired'
  /** A sealed answer used before. */
  | 'replayed'
  /** A sealed answer made for another agent or another call. */
  | 'mismatch'
  /** A sealed answer that does not open (changed, cut, another key). */
  | 'invalid';

/** An `input_required` result (2026-07-28): the question, and the sealed call it is about. */
export interface AskResult {
  [key: string]: unknown;
  resultType: 'input_required';
  inputRequests: Record<string, unknown>;
  requestState: string;
}

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  /** How the person was asked; `none` when no one could be. */
  via: 'elicitation' | 'input_required' | 'operator' | 'none';
  at: string;
  /** The operator approval's id (out of band). */
  id?: string;
  /** Who decided, when known: the operator key's label. */
  by?: string;
  /** With `asked`: the answer to send the client instead of a tool result. */
  ask?: AskResult;
}

export type Approver = (request: ApprovalRequest) => Promise<ApprovalAnswer>;

export function answered(
  decision: ApprovalDecision,
  via: ApprovalAnswer['via'],
  more: Partial<ApprovalAnswer> = {},
): ApprovalAnswer {
  return { decision, via, at: new Date().toISOString(), ...more };
}

/**
 * What an approval is for: the tool and its arguments exactly (key order aside). A yes for one
 * call never carries over to a call with a different argument.
 */
export function callDigest(tool: string, args: unknown): string {
  return createHash('sha256')
    .update(`${tool}\0${canonicalJson(args)}`)
    .digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
