/**
 * A person's yes before a call goes out, for grants marked `approve:`: what the pipeline asks,
 * and what comes back. How the person is asked belongs to the protocol adapter (elicit.ts).
 */
export interface ApprovalRequest {
  agent: string;
  tool: string;
  resources: readonly string[];
  arguments: unknown;
  /** The grants that ask for it, as `resource (access)`. */
  grants: readonly string[];
}

export type ApprovalDecision = 'accept' | 'decline' | 'cancel' | 'timeout' | 'unavailable';

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  /** How the person was asked: `elicitation`, or `none` when no one could be. */
  via: 'elicitation' | 'none';
  at: string;
}

export type Approver = (request: ApprovalRequest) => Promise<ApprovalAnswer>;
