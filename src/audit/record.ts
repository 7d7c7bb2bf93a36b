/**
 * What one audit record holds, and the one place records are built: every call, allowed or
 * refused, however malformed, becomes a record through auditRecord().
 */
import type { Access } from '../policy/types.js';
import { isSecretField, REDACTED, setField } from '../secrets.js';

export type Transport = 'stdio' | 'http' | 'sse';

/** Who signed in, for an agent reached with an OAuth access token: the token's own claims. */
export interface Principal {
  sub?: string;
  client_id?: string;
}

export interface AuditRecord {
  time: string;
  agent: string;
  transport: Transport;
  session: string | null;
  tool: string;
  resources: string[];
  access: Access | null;
  decision: 'allow' | 'deny';
  /** The grants that allowed the call, or what was missing or wrong. */
  reason: string;
  /**
   * `denied`: refused by hubgate, nothing sent; `error`: sent, and the Hub call failed;
   * `pending`: the intent record of an allowed call, written before anything is sent, which its
   * outcome record follows (file sink only).
   */
  outcome: 'ok' | 'error' | 'denied' | 'pending';
  hub_status: number | null;
  duration_ms: number;
  arguments: unknown;
  /**
   * On the record of a burst of rate-limited calls only: how many it stands for (the one recorded
   * before it not included), and of which tools. See gateway/rate-limit-tally.ts.
   */
  count?: number;
  tools?: Record<string, number>;
  /** For an agent signed in with OAuth: whose token it was (never the token). */
  principal?: Principal;
  /** For a call a grant wants approved: how a person was asked, what they answered, when. */
  approval?: ApprovalRecord;
}

/** How a call's approval went; `id` names the question (or operator approval), `by` the operator. */
export interface ApprovalRecord {
  decision: string;
  via: string;
  at: string;
  id?: string;
  by?: string;
}

/** What is known of a call from its start: who asked, over what, for which tool, with what. */
export interface CallFacts {
  agent: string;
  transport: Transport;
  session: string | null;
  /** As the client named it (bounded here), or a placeholder when it named none. */
  tool: string;
  /** The tool's level, once the tool is known. */
  access: Access | null;
  /** performance.now() when the call arrived. */
  started: number;
  rawArgs: unknown;
  principal?: Principal;
  approval?: ApprovalRecord;
}

/** How the call ended. */
export type CallOutcome = Pick<AuditRecord, 'decision' | 'reason' | 'outcome'> &
  Partial<Pick<AuditRecord, 'resources' | 'hub_status'>>;

const MAX_TOOL_NAME = 100;

export function auditRecord(facts: CallFacts, outcome: CallOutcome): AuditRecord {
  return {
    time: isoNow(),
    agent: facts.agent,
    transport: facts.transport,
    session: facts.session,
    tool: facts.tool.slice(0, MAX_TOOL_NAME),
    resources: outcome.resources ?? [],
    access: facts.access,
    decision: outcome.decision,
    reason: bounded(outcome.reason, MAX_REASON),
    outcome: outcome.outcome,
    hub_status: outcome.hub_status ?? null,
    duration_ms: Math.round(performance.now() - facts.started),
    arguments: redactedArgumentsOf(facts),
    ...(facts.principal ? { principal: facts.principal } : {}),
    ...(facts.approval ? { approval: facts.approval } : {}),
  };
}

/**
 * The time now as ISO 8601, made once per millisecond: under load many records share one, and
 * formatting a Date costs more than the rest of the record's fields together.
 */
let isoMs = Number.NaN;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

/**
 * The call's arguments redacted, once per call: its intent and its outcome record carry the same
 * copy (a call's arguments do not change while it runs).
 */
const redactedOnce = new WeakMap<CallFacts, unknown>();
function redactedArgumentsOf(facts: CallFacts): unknown {
  if (!redactedOnce.has(facts)) redactedOnce.set(facts, redactArguments(facts.rawArgs ?? {}));
  return redactedOnce.get(facts);
}

/** A reason is hubgate's own sentence, but may quote what a call sent: one record stays small. */
const MAX_REASON = 1_000;
const MAX_STRING = 256;

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/** A copy of the arguments fit for the audit log: secret fields replaced whole, sizes bounded. */
export function redactArguments(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return bounded(value, MAX_STRING);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redactArguments(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`…(${value.length - MAX_ITEMS} more)`);
    return items;
  }
  const copy: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length && i < MAX_ITEMS; i++) {
    const key = keys[i] as string;
    const item = (value as Record<string, unknown>)[key];
    setField(
      copy,
      key.length > MAX_STRING ? `${key.slice(0, MAX_STRING)}…` : key,
      isSecretField(key) ? REDACTED : redactArguments(item, depth + 1),
    );
  }
  return copy;
}
