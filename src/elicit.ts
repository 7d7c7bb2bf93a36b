/**
 * Asking a person before a call a grant marks `approve:` goes to Docker Hub: over a 2025-era
 * session, an elicitation (form mode) that names the tool, the exact resources and the exact
 * arguments, answered yes or no. The answer decides only this call: the arguments sent are the
 * ones shown, since the form asks nothing but yes or no.
 *
 * An in-band answer is not proof of a human: a client can answer its own elicitation (SECURITY.md
 * says so). A client that declared no elicitation capability (and every 2026-07-28 client, until
 * its multi-round-trip answer is served) gets a refusal that says approval is required.
 */
import type {
  JsonSchemaValidatorResult,
  jsonSchemaValidator,
  Server,
} from '@modelcontextprotocol/server';
import type {
  ApprovalAnswer,
  ApprovalDecision,
  ApprovalRequest,
  Approver,
} from './gateway/approval.js';

/** How long a person has to answer before the call is refused. */
export const APPROVAL_TIMEOUT_MS = 120_000;

const FORM = {
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

/** The elicitation approver of one session's server. */
export function elicitingApprover(server: Server, timeoutMs = APPROVAL_TIMEOUT_MS): Approver {
  return async (request) => {
    const answered = (decision: ApprovalDecision, via: ApprovalAnswer['via'] = 'elicitation') => ({
      decision,
      via,
      at: new Date().toISOString(),
    });
    if (!server.getClientCapabilities()?.elicitation) return answered('unavailable', 'none');
    try {
      const result = await server.elicitInput(
        { mode: 'form', message: approvalMessage(request), requestedSchema: FORM },
        { timeout: timeoutMs },
      );
      if (result.action === 'accept') {
        return answered(result.content?.approve === true ? 'accept' : 'decline');
      }
      return answered(result.action === 'decline' ? 'decline' : 'cancel');
    } catch (error) {
      const timedOut = /timed? ?out/i.test((error as Error).message ?? '');
      return answered(timedOut ? 'timeout' : 'cancel');
    }
  };
}

export function approvalMessage(request: ApprovalRequest): string {
  const args = JSON.stringify(request.arguments, null, 2);
  return [
    `Agent "${request.agent}" asks to call ${request.tool} on Docker Hub.`,
    `Resources: ${request.resources.join(', ')}`,
    `Arguments:\n${args.length > 4_000 ? `${args.slice(0, 4_000)}…` : args}`,
    `Approval is required by the grant ${request.grants.join(', ')}.`,
  ].join('\n');
}

/**
 * The only schemas hubgate's server validates are its own approval form's: a flat object of
 * booleans and strings. This checks those (the SDK's default validator, AJV, is left out of the
 * bundle: see scripts/stubs/server-shims.mjs).
 */
export const formValidator: jsonSchemaValidator = {
  getValidator<T>(schema: unknown) {
    const form = schema as { properties?: Record<string, { type?: string }>; required?: string[] };
    return (input: unknown): JsonSchemaValidatorResult<T> => {
      const fail = (errorMessage: string): JsonSchemaValidatorResult<T> => ({
        valid: false,
        data: undefined,
        errorMessage,
      });
      if (!input || typeof input !== 'object' || Array.isArray(input)) return fail('not an object');
      const values = input as Record<string, unknown>;
      for (const name of form.required ?? []) {
        if (!(name in values)) return fail(`${name} is required`);
      }
      for (const [name, value] of Object.entries(values)) {
        const type = form.properties?.[name]?.type;
        if (type === undefined) return fail(`${name} is not asked for`);
        if (typeof value !== type) return fail(`${name} must be a ${type}`);
      }
      return { valid: true, data: input as T, errorMessage: undefined };
    };
  },
};
