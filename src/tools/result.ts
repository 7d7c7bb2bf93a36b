/**
 * From the Hub's answer to the agent's result: list items the agent may not read are dropped, or
 * redacted where the entry says so (the Hub shows the credential's view, the policy may be
 * narrower); then the answer is shaped, unless the caller asked for the Hub's objects in full;
 * and whatever secret-named fields the result holds are redacted, but where a new secret is the
 * tool's purpose.
 */
import type { AgentPolicy } from '../policy/types.js';
import { withoutSecrets } from '../secrets.js';
import type { HubOutcome } from './execute.js';
import { challengeResult } from './features.js';
import type { Args, ToolEntry } from './types.js';
import { isVisibleItem, redactedItem } from './within-grants.js';

export function shapeResult(
  agent: AgentPolicy,
  entry: ToolEntry,
  args: Args,
  outcome: HubOutcome,
): unknown {
  let { response } = outcome;
  const challenge = challengeResult(entry, response);
  if (challenge) return challenge;
  const body = response.body as Record<string, unknown> | undefined;
  const redactList = entry.redactHidden?.list;
  if (entry.itemResource && redactList && body && Array.isArray(body[redactList])) {
    // The items stay, so that pages keep their length; what hidden ones name does not.
    const items = (body[redactList] as unknown[]).map((item) =>
      isVisibleItem(agent, entry, args, item) ? item : redactedItem(entry, item),
    );
    response = { ...response, body: { ...body, [redactList]: items } };
  } else if (entry.itemResource && body && Array.isArray(body.results)) {
    // A second line of defence for lists the agent sees whole: an item the Hub adds from
    // elsewhere is dropped too. No figure about dropped items reaches the agent.
    const visible = body.results.filter((item) => isVisibleItem(agent, entry, args, item));
    response = { ...response, body: { ...body, results: visible } };
  }
  let result = args.detail !== 'full' ? entry.shape(response, args) : response.body;
  // One pass over every result, shaped or full: a secret-named field the Hub sends (a token in a
  // list, credentials in an invite) never reaches the agent, but where handing out a new secret
  // is the tool's purpose.
  if (!entry.revealsSecret) result = withoutSecrets(result);
  if (
    result &&
    typeof result === 'object' &&
    (outcome.pages !== undefined || outcome.withinGrants)
  ) {
    const { page: _page, page_size: _size, ...rest } = result as Record<string, unknown>;
    if (outcome.withinGrants) {
      // Page numbers are the agent's own; how many Hub pages were read would count hidden items.
      result = {
        ...(args.all_pages === true ? rest : result),
        note: "only items within this agent's grants are listed, paged and counted",
      };
    } else {
      // One answer over several pages: page numbers no longer describe it.
      result = { ...rest, pages_fetched: outcome.pages };
    }
  }
  return result;
}

/** A shaper may answer text (a CSV export): it goes back as it is, not as a JSON string. */
export function resultText(result: unknown): string {
  return typeof result === 'string' ? result : JSON.stringify(result);
}
