/**
 * From the Hub's answer to the agent's result: list items the agent may not read are dropped (the
 * Hub shows the credential's view, the policy may be narrower), then the answer is shaped, unless
 * the caller asked for the Hub's objects in full, which come with secret fields redacted.
 */
import type { HubResponse } from '../hub/connection.js';
import { isCovered } from '../policy/authorize.js';
import type { AgentPolicy } from '../policy/types.js';
import { withoutSecretStrings } from '../secrets.js';
import { challengeResult } from './features.js';
import type { Args, ToolEntry } from './types.js';

export function shapeResult(
  agent: AgentPolicy,
  entry: ToolEntry,
  args: Args,
  response: HubResponse,
  pages: number | undefined,
): unknown {
  const challenge = challengeResult(entry, response);
  if (challenge) return challenge;
  let hidden = 0;
  const body = response.body as { results?: unknown } | undefined;
  const itemResource = entry.itemResource;
  if (itemResource && body && Array.isArray(body.results)) {
    const visible = body.results.filter((item) =>
      isCovered(agent, { resource: itemResource(item, args), access: entry.access }),
    );
    hidden = body.results.length - visible.length;
    response = { ...response, body: { ...body, results: visible } };
  }
  let result =
    args.detail !== 'full'
      ? entry.shape(response, args)
      : entry.revealsSecret
        ? response.body
        : withoutSecretStrings(response.body);
  if (pages !== undefined && result && typeof result === 'object') {
    // One answer over several pages: page numbers no longer describe it.
    const { page: _page, page_size: _size, ...rest } = result as Record<string, unknown>;
    result = { ...rest, pages_fetched: pages };
  }
  return hidden > 0 && result && typeof result === 'object'
    ? {
        ...result,
        hidden_by_policy: hidden,
        note: `${hidden} item(s) on this page are outside this agent's grants and were left out`,
      }
    : result;
}

/** A shaper may answer text (a CSV export): it goes back as it is, not as a JSON string. */
export function resultText(result: unknown): string {
  return typeof result === 'string' ? result : JSON.stringify(result);
}
