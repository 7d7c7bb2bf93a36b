/**
 * The catalog's named features, written once: an entry declares one with data (ToolEntry's
 * `confirm`, `challenge`) and this machinery gives it its meaning, for every tool that uses it.
 */
import type { HubResponse } from '../hub/connection.js';
import { HubResponseError, hubMessageOf } from '../hub/errors.js';
import type { Args, Confirmation, ToolEntry } from './types.js';

/** Does the confirming read's answer hold the call's target? */
export function confirmationHolds(confirm: Confirmation, body: unknown, args: Args): boolean {
  const list = (body as Record<string, unknown> | undefined)?.[confirm.list];
  const wanted = args[confirm.argument];
  return (
    Array.isArray(list) &&
    list.some((item) => (item as Record<string, unknown> | null)?.[confirm.itemField] === wanted)
  );
}

/** `invite {id} is not a pending invite of org {org}` with the call's values. */
export function confirmationRefusal(confirm: Confirmation, args: Args): string {
  return confirm.refusal.replace(/\{([a-z_]+)\}/g, (_, name: string) => String(args[name]));
}

/** The statuses that are answers to shape rather than errors, the challenge's among them. */
export function answerStatusesOf(entry: ToolEntry): readonly number[] | undefined {
  if (!entry.challenge) return entry.answerStatuses;
  return [...(entry.answerStatuses ?? []), entry.challenge.status];
}

function challengeValue(entry: ToolEntry, response: HubResponse): string | undefined {
  const { challenge } = entry;
  if (!challenge || response.status !== challenge.status) return undefined;
  const value = (response.body as Record<string, unknown> | undefined)?.[challenge.field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The challenge's status without its field is the Hub's error, raised as any other would be
 * (a wrong password answers 401 with no login_2fa_token).
 */
export function failUnlessChallenge(entry: ToolEntry, response: HubResponse, path: string): void {
  if (!entry.challenge || response.status !== entry.challenge.status) return;
  if (challengeValue(entry, response) !== undefined) return;
  const { message, txnid } = hubMessageOf(response.body);
  throw new HubResponseError(response.status, entry.method, path, message, txnid);
}

/** A challenge answer as the agent's result, `{second_factor_required, login_2fa_token}`. */
export function challengeResult(
  entry: ToolEntry,
  response: HubResponse,
): Record<string, unknown> | undefined {
  const value = challengeValue(entry, response);
  if (value === undefined || !entry.challenge) return undefined;
  return { second_factor_required: true, [entry.challenge.field]: value };
}
