/**
 * The operator's endpoint for out-of-band approvals (`approve_via: operator`), which
 * `hubgate approvals` and `hubgate approve` call:
 *
 * - `GET /approvals`: the calls waiting for a decision, and those decided but not yet taken;
 * - `POST /approvals` with `{"id": ID, "decision": "approve" | "deny"}`: decides one.
 *
 * Only an operator's key (the config's `approvals.operators`) opens it: an agent's key does not,
 * so no agent approves its own calls. Decisions are audit-logged by the call that takes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PendingApproval } from '../approval/ledger.js';
import type { Gateway } from '../gateway/gateway.js';
import { readJsonBody } from './body.js';
import { sendJson } from './responses.js';

const MAX_BODY = 4_096;

export interface ApprovalsEndpoint {
  list(request: IncomingMessage, response: ServerResponse): Promise<void>;
  decide(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export function approvalsEndpoint(gateway: Gateway): ApprovalsEndpoint {
  const { approvals } = gateway;
  /** The operator the request's key names, or undefined once it has been answered 401. */
  const operatorOf = (request: IncomingMessage, response: ServerResponse) => {
    if ((gateway.store.config.approvals?.operators ?? []).length === 0) {
      sendJson(response, 403, {
        error:
          'no operators are configured: add approvals.operators (a name and the sha256: of a key from `hubgate key`) to the config',
      });
      return undefined;
    }
    const operator = approvals.operatorFor(request.headers.authorization);
    if (!operator) {
      response.setHeader('www-authenticate', 'Bearer realm="hubgate approvals"');
      sendJson(response, 401, {
        error: "an operator's key is required: Authorization: Bearer <key> (approvals.operators)",
      });
    }
    return operator;
  };
  return {
    async list(request, response) {
      if (!operatorOf(request, response)) return;
      const found = await approvals.ledger.list();
      found.sort((a, b) => (a.asked_at < b.asked_at ? -1 : 1));
      sendJson(response, 200, { approvals: found.map(shown) });
    },
    async decide(request, response) {
      const operator = operatorOf(request, response);
      if (!operator) return;
      const body = await readJsonBody(request, MAX_BODY);
      if (!body.ok) {
        // The unread rest of an oversized body is dropped with the connection.
        if (body.status === 413) response.setHeader('connection', 'close');
        return sendJson(response, body.status, { error: body.message });
      }
      const { id, decision } = (body.value ?? {}) as { id?: unknown; decision?: unknown };
      if (typeof id !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(id)) {
        return sendJson(response, 400, {
          error: 'id: must be an approval id, as listed by GET /approvals',
        });
      }
      if (decision !== 'approve' && decision !== 'deny') {
        return sendJson(response, 400, { error: 'decision: must be "approve" or "deny"' });
      }
      const decided = await approvals.ledger.decide(id, decision === 'approve', operator);
      if (!decided.ok) {
        return decided.why === 'unknown'
          ? sendJson(response, 404, {
              error: `no approval ${id} is waiting (unknown, expired or already taken)`,
            })
          : sendJson(response, 409, { error: `approval ${id} is already decided` });
      }
      sendJson(response, 200, { approval: shown(decided.approval) });
    },
  };
}

/** As the operator reads it: everything but the digest, which means nothing to a person. */
function shown(approval: PendingApproval) {
  const { digest: _digest, expires, ...rest } = approval;
  return { ...rest, expires_at: new Date(expires).toISOString() };
}
