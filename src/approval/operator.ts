/**
 * Out-of-band approval, for agents that run unattended (`approve_via: operator`): no one is
 * asked in the agent's session. The first call is refused with an approval ID and waits in the
 * ledger; an operator decides it with `hubgate approve ID` (or `POST /approvals/ID`); the agent's
 * next call with exactly the same tool and arguments takes the decision, once. A decision is
 * for one call: the call after it is asked again.
 */

import { redactArguments } from '../audit/record.js';
import type { ApprovalLedger } from './ledger.js';
import { type Approver, answered } from './types.js';

export function operatorApprover(ledger: ApprovalLedger, expiresMs: () => number): Approver {
  return async (request) => {
    const decided = await ledger.take(request.agent, request.digest);
    if (decided) {
      return {
        decision: decided.status === 'approved' ? 'accept' : 'decline',
        via: 'operator',
        at: decided.decided_at ?? new Date().toISOString(),
        id: decided.id,
        ...(decided.by ? { by: decided.by } : {}),
      };
    }
    const pending = await ledger.ask({
      agent: request.agent,
      tool: request.tool,
      resources: request.resources,
      // Kept in Redis and shown to operators: secret fields are redacted as in the audit log
      // (the digest still binds the decision to the exact arguments).
      arguments: redactArguments(request.arguments),
      grants: request.grants,
      digest: request.digest,
      asked_at: new Date().toISOString(),
      expires: Date.now() + expiresMs(),
    });
    return answered('pending', 'operator', { id: pending.id });
  };
}
