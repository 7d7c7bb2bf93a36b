/**
 * Asking a person before a call a grant marks `approve:` goes to Docker Hub: over a 2025-era
 * session, an elicitation (form mode) that names the tool, the exact resources and the exact
 * arguments, answered yes or no. The answer decides only this call: the arguments sent are the
 * ones shown, since the form asks nothing but yes or no.
 *
 * An in-band answer is not proof of a human: a client can answer its own elicitation (SECURITY.md
 * says so). A client that declared no elicitation capability gets a refusal that says approval
 * is required. 2026-07-28 clients are asked by approval/round-trip.ts instead.
 */
import type {
  JsonSchemaValidatorResult,
  jsonSchemaValidator,
  Server,
} from '@modelcontextprotocol/server';
import { APPROVAL_FORM, approvalMessage, formDecision } from './approval/form.js';
import { type Approver, answered } from './approval/types.js';

/**
 * The elicitation approver of one 2025-era session's server; `timeoutMs()` is how long a person
 * has to answer (the config's `approvals.expires_seconds`, read at each call: it may be reloaded).
 */
export function elicitingApprover(server: Server, timeoutMs: () => number): Approver {
  return async (request) => {
    if (!server.getClientCapabilities()?.elicitation) return answered('unavailable', 'none');
    try {
      const result = await server.elicitInput(
        { mode: 'form', message: approvalMessage(request), requestedSchema: APPROVAL_FORM },
        { timeout: timeoutMs(), ...(request.signal ? { signal: request.signal } : {}) },
      );
      return answered(formDecision(result) ?? 'cancel', 'elicitation');
    } catch (error) {
      const timedOut = /timed? ?out/i.test((error as Error).message ?? '');
      return answered(timedOut ? 'timeout' : 'cancel', 'elicitation');
    }
  };
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
