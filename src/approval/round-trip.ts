/**
 * Approval over the 2026-07-28 era, where a server asks by answering: the first call gets an
 * `input_required` result with the approval form and the pending call sealed into
 * `requestState`; the client asks its user and calls again, carrying the answer and the seal.
 * Nothing is kept between the two requests, so the retry may reach any replica with the same key.
 *
 * The retry is checked before its answer counts: the seal must open (not changed, not cut, not
 * another key's), not be past its expiry, be for this agent (and OAuth principal) and for exactly
 * this tool and these arguments, and be spent for the first time (ledger.ts): one yes, one call.
 * An answer that comes without a seal is not an answer: the client is asked.
 */
import type { Principal } from '../audit/record.js';
import { APPROVAL_FORM, approvalMessage, formDecision } from './form.js';
import type { ApprovalLedger } from './ledger.js';
import { approvalId } from './ledger.js';
import type { Seal } from './seal.js';
import { type ApprovalAnswer, type ApprovalRequest, type Approver, answered } from './types.js';

/** The key of hubgate's question in `inputRequests`, and of its answer in `inputResponses`. */
export const APPROVAL_INPUT = 'hubgate_approval';

/** What the retried request carries, lifted by the SDK from its params and envelope. */
export interface RoundTripMaterial {
  inputResponses?: Record<string, unknown>;
  requestState?: unknown;
  /** The request's declared client capabilities (2026-07-28 `_meta` envelope). */
  clientCapabilities?: { elicitation?: { form?: unknown } | Record<string, unknown> };
}

export interface RoundTripDeps {
  seal: Seal;
  ledger: ApprovalLedger;
  /** How long a sealed question may wait for its answer. */
  expiresMs: number;
}

export function roundTripApprover(deps: RoundTripDeps, material: RoundTripMaterial): Approver {
  return async (request) => {
    const elicitation = material.clientCapabilities?.elicitation;
    // A bare `elicitation: {}` means form mode, as in the 2025 era.
    const canAsk =
      !!elicitation && (Object.keys(elicitation).length === 0 || 'form' in elicitation);
    if (!canAsk) return answered('unavailable', 'none');

    const state = material.requestState;
    if (state === undefined) return ask(deps, request);
    if (typeof state !== 'string') return answered('invalid', 'input_required');
    const opened = deps.seal.open(state);
    if (!opened.ok) {
      return answered(opened.why === 'expired' ? 'expired' : 'invalid', 'input_required');
    }
    const { call } = opened;
    if (
      call.agent !== request.agent ||
      call.principal !== principalOf(request.principal) ||
      call.tool !== request.tool ||
      call.digest !== request.digest
    ) {
      return answered('mismatch', 'input_required', { id: call.id });
    }
    const decision = formDecision(material.inputResponses?.[APPROVAL_INPUT]);
    // Sealed but unanswered (the client lost the answer): ask again, with a new seal.
    if (decision === undefined) return ask(deps, request);
    // Spent on any answer: a no cannot be turned into a yes by sending the seal again.
    if (!(await deps.ledger.spend(call.id, call.expires))) {
      return answered('replayed', 'input_required', { id: call.id });
    }
    return answered(decision, 'input_required', { id: call.id });
  };
}

function ask(deps: RoundTripDeps, request: ApprovalRequest): ApprovalAnswer {
  const id = approvalId();
  const requestState = deps.seal.seal({
    id,
    agent: request.agent,
    principal: principalOf(request.principal),
    tool: request.tool,
    digest: request.digest,
    expires: Date.now() + deps.expiresMs,
  });
  return answered('asked', 'input_required', {
    id,
    ask: {
      resultType: 'input_required',
      inputRequests: {
        [APPROVAL_INPUT]: {
          method: 'elicitation/create',
          params: {
            mode: 'form',
            message: approvalMessage(request),
            requestedSchema: APPROVAL_FORM,
          },
        },
      },
      requestState,
    },
  });
}

function principalOf(principal: Principal | undefined): string {
  return principal ? `${principal.sub ?? ''} ${principal.client_id ?? ''}` : '';
}
