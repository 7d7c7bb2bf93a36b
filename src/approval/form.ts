/**
 * The question every approver puts to a person: which agent, which tool, the exact resources and
 * arguments, and one yes/no field. The same words over a 2025 elicitation, a 2026-07-28
 * `input_required` and the operator's list.
 */
import type { ApprovalRequest } from './types.js';

export const APPROVAL_FORM = {
  type: 'object' as const,
  properties: {
    approve: {
      type: 'boolean' as const,
      title: 'Approve this call',
      description: 'Yes sends exactly this call to Docker Hub; no refuses it and sends nothing.',
    },
  },
  required: ['approve'],
};

export function approvalMessage(request: ApprovalRequest): string {
  const args = JSON.stringify(request.arguments, null, 2);
  return [
    `Agent "${request.agent}" asks to call ${request.tool} on Docker Hub.`,
    `Resources: ${request.resources.join(', ')}`,
    `Arguments:\n${args.length > 4_000 ? `${args.slice(0, 4_000)}…` : args}`,
    `Approval is required by the grant ${request.grants.join(', ')}.`,
  ].join('\n');
}

/** A person's answer to the form (an ElicitResult), read without trusting its shape. */
export function formDecision(result: unknown): 'accept' | 'decline' | 'cancel' | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const { action, content } = result as { action?: unknown; content?: unknown };
  if (action === 'accept') {
    const approve = (content as { approve?: unknown } | undefined)?.approve;
    return approve === true ? 'accept' : 'decline';
  }
  if (action === 'decline') return 'decline';
  if (action === 'cancel') return 'cancel';
  return undefined;
}
