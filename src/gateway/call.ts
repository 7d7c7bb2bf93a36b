/**
 * The call pipeline: every tools/call, in either transport and however malformed, passes these
 * steps in this order, and leaves exactly one audit record, built by auditRecord(). The steps:
 * well-formed, within the rate limit, a known agent, a known tool, valid arguments, allowed by the
 * policy, a credential when the tool needs one, the target confirmed; then the Hub call, or for
 * a read the cache holds a fresh answer to, that answer.
 */
import type { Logger } from 'pino';
import {
  type ApprovalAnswer,
  type Approver,
  type AskResult,
  callDigest,
} from '../approval/types.js';
import {
  type AuditRecord,
  auditRecord,
  type CallFacts,
  type Principal,
  type Transport,
} from '../audit/record.js';
import type { AuditSink } from '../audit/sinks.js';
import { abortSignalOf, type Cancellation } from '../cancellation.js';
import type { ConfigStore } from '../config/store.js';
import type { AgentConfig } from '../config/types.js';
import type { HubClient } from '../hub/client.js';
import type { HubClients } from '../hub/clients.js';
import { HubError } from '../hub/errors.js';
import { scrubSecrets } from '../secrets.js';
import { cachedOutcome, sendCall, targetConfirmed } from '../tools/execute.js';
import { confirmationRefusal } from '../tools/features.js';
import { type Bindings, prepareCall } from '../tools/prepare.js';
import { resultText, shapeResult } from '../tools/result.js';
import type { ToolEntry } from '../tools/types.js';
import type { AgentRateLimiter } from './rate-limit.js';
import type { RateLimitTally } from './rate-limit-tally.js';
import { CallRejected, INVALID_PARAMS, RATE_LIMITED } from './rejection.js';

/** Where a call comes from, for the audit record, and its cancellation. */
export interface CallContext {
  transport: Transport;
  session: string | null;
  /** The OAuth token's subject and client, when the agent signed in with one. */
  principal?: Principal;
  /** Asks the client's user to approve a call; none: no one can be asked in this session. */
  approve?: Approver;
  signal?: Cancellation;
}

/** A tool's answer: one text, JSON or as the shaper gave it; isError when refused or failed. */
export interface ToolResult {
  [key: string]: unknown;
  content: [{ type: 'text'; text: string }];
  isError?: true;
  /**
   * For a call asked about over 2026-07-28: the `input_required` answer the adapter sends
   * instead of this result (which says the same in words, for anything else).
   */
  ask?: AskResult;
}

export interface PipelineDeps {
  store: ConfigStore;
  clients: HubClients;
  audit: AuditSink;
  logger: Logger;
  findTool(name: string): ToolEntry | undefined;
  limiter?: AgentRateLimiter;
  /** Where rate-limited calls are recorded: bursts collapse into one record with a count. */
  tally: RateLimitTally;
  /** Asks an operator, for agents marked `approve_via: operator`. */
  operatorApprover?: Approver;
}

const NOTHING_SENT = 'Nothing was sent to Docker Hub.';

export async function runCall(
  deps: PipelineDeps,
  agentName: string,
  name: unknown,
  rawArgs: unknown,
  context: CallContext,
): Promise<ToolResult> {
  const argsOk =
    rawArgs === undefined || (!!rawArgs && typeof rawArgs === 'object' && !Array.isArray(rawArgs));
  const facts: CallFacts = {
    agent: agentName,
    transport: context.transport,
    session: context.session,
    tool: typeof name === 'string' ? name : '(not a string)',
    access: null,
    started: performance.now(),
    rawArgs: argsOk ? rawArgs : {},
    ...(context.principal ? { principal: context.principal } : {}),
  };
  /**
   * Writes the call's record with those of other calls of the moment (commit); the call answers
   * once it is written. Throws when it could not be.
   */
  const write = async (outcome: Parameters<typeof auditRecord>[1]) => {
    const made = auditRecord(facts, outcome);
    await (deps.audit.commit ? deps.audit.commit(made) : deps.audit.record(made));
  };
  const record = async (outcome: Parameters<typeof auditRecord>[1]) => {
    try {
      await write(outcome);
    } catch {
      // The sink said so in the log; a refusal stays a refusal, and an allowed call was only
      // sent once its intent record was written (reserve below).
    }
  };
  const refuse = (reason: string) => record({ decision: 'deny', reason, outcome: 'denied' });

  if (typeof name !== 'string' || !argsOk) {
    await refuse('malformed tools/call');
    throw new CallRejected(
      INVALID_PARAMS,
      'Invalid tools/call request: "name" must be a string and "arguments" an object',
    );
  }
  const admitted = (await deps.limiter?.take(agentName)) ?? { ok: true };
  if (!admitted.ok) {
    try {
      deps.tally.refused(facts, admitted.retryAfterSeconds);
    } catch {
      // As for record() above: the sink said so in the log.
    }
    throw rateLimited(agentName, admitted.retryAfterSeconds);
  }
  const agent = deps.store.agent(agentName);
  if (!agent) {
    const reason = `agent "${agentName}" is no longer in the configuration`;
    await refuse(reason);
    return failure(`Refused by hubgate policy: ${reason}.`);
  }
  const entry = deps.findTool(name);
  if (!entry) {
    await refuse('unknown tool');
    throw new CallRejected(INVALID_PARAMS, `Unknown tool: ${JSON.stringify(name.slice(0, 100))}`);
  }
  facts.access = entry.access;

  // Listed or not, the call is checked: hiding a tool is a convenience, not the boundary.
  const prepared = prepareCall(agent, entry, rawArgs, bindingsOf(deps.store, agent));
  if (!prepared.valid) {
    await refuse(`invalid arguments: ${prepared.reason}`);
    return failure(`Invalid arguments for ${entry.name}: ${prepared.reason}. ${NOTHING_SENT}`);
  }
  const { args, needs, decision } = prepared;
  const resources = needs.map((need) => need.resource);
  const deny = (reason: string) =>
    record({ resources, decision: 'deny', reason, outcome: 'denied' });
  if (!decision.allowed) {
    await deny(decision.reason);
    return failure(`Refused by hubgate policy: ${decision.reason}. ${NOTHING_SENT}`);
  }

  const allowed = (outcome: Pick<AuditRecord, 'outcome' | 'hub_status'>) =>
    record({ resources, decision: 'allow', reason: decision.reason, ...outcome });
  /** The refusal of a call whose record could not be written: never `sent` or `answered`. */
  const unrecorded = async (error: unknown, never: 'sent' | 'answered') => {
    await deny(`the audit record could not be written: ${(error as Error).message}`);
    return failure(
      `hubgate refused ${entry.name}: its audit record could not be written, and no call is ` +
        `${never} unrecorded. ${NOTHING_SENT}`,
    );
  };
  /** The agent's answer: the result's text, with any secret the Hub echoed taken out. */
  const answerWith = (result: Parameters<typeof resultText>[0]): ToolResult => {
    const text = resultText(result);
    // A new secret is the answer itself for the few tools that hand one out.
    return { content: [{ type: 'text', text: entry.revealsSecret ? text : scrub(deps, text) }] };
  };
  const hub = hubFor(deps, agent, entry);
  try {
    if (entry.needsCredential && hub.anonymous) {
      await deny('no credential');
      return failure(
        `${entry.name} needs a Docker Hub credential, and agent "${agent.name}" has none. ` +
          `Give the agent a credential in the config, or set DOCKER_HUB_USERNAME and ` +
          `DOCKER_HUB_TOKEN when running without one. ${NOTHING_SENT}`,
      );
    }
    if (decision.approval) {
      const grants = decision.approval.map((grant) => `${grant.resource} (${grant.access})`);
      const approver = agent.approveVia === 'operator' ? deps.operatorApprover : context.approve;
      const answer: ApprovalAnswer = approver
        ? await approver({
            agent: agent.name,
            ...(context.principal ? { principal: context.principal } : {}),
            tool: entry.name,
            resources,
            arguments: args,
            grants,
            digest: callDigest(entry.name, args),
            ...(context.signal ? { signal: abortSignalOf(context.signal) } : {}),
          })
        : { decision: 'unavailable', via: 'none', at: new Date().toISOString() };
      const { ask, ...approval } = answer;
      facts.approval = approval;
      if (answer.decision !== 'accept') {
        await deny(`approval ${answer.decision} (required by ${grants.join(', ')})`);
        const refusal = failure(approvalRefusal(entry.name, resources, grants, answer));
        // Asked over 2026-07-28: the question is the answer; the retry carries the person's.
        return ask ? { ...refusal, ask } : refusal;
      }
    }
    // A read the cache answers reaches nothing: its one record, the outcome, is written before
    // the answer is given, or the call is refused.
    const cached = cachedOutcome(hub, agent, entry, args);
    if (cached) {
      const result = shapeResult(agent, entry, args, cached);
      try {
        await write({
          resources,
          decision: 'allow',
          reason: decision.reason,
          outcome: 'ok',
          hub_status: cached.response.status,
        });
      } catch (error) {
        return await unrecorded(error, 'answered');
      }
      return answerWith(result);
    }
    if (deps.audit.reserve) {
      // Nothing reaches the Hub without its record: the intent is written first, or the call
      // is refused.
      try {
        await deps.audit.reserve(
          auditRecord(facts, {
            resources,
            decision: 'allow',
            reason: decision.reason,
            outcome: 'pending',
          }),
        );
      } catch (error) {
        return await unrecorded(error, 'sent');
      }
    }
    if (entry.confirm && !(await targetConfirmed(hub, entry, args, context.signal))) {
      const reason = confirmationRefusal(entry.confirm, args);
      await deny(reason);
      return failure(`Refused by hubgate policy: ${reason}. Nothing was changed on Docker Hub.`);
    }
    const outcome = await sendCall(hub, agent, entry, args, context.signal);
    const result = shapeResult(agent, entry, args, outcome);
    await allowed({ outcome: 'ok', hub_status: outcome.response.status });
    return answerWith(result);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    await allowed({ outcome: 'error', hub_status: typeof status === 'number' ? status : null });
    // The Hub's own words are in the message: an upstream that echoes requests must not hand
    // the agent a credential through them.
    if (error instanceof HubError) return failure(scrub(deps, error.message));
    deps.logger.error({ err: error, tool: entry.name }, 'tool call failed unexpectedly');
    return failure(
      `hubgate could not complete ${entry.name}: internal error (see the server log).`,
    );
  }
}

/** The refusal of a request over the agent's rate limit, a tool call or any other. */
export function rateLimited(agentName: string, seconds: number, method?: string): CallRejected {
  const what = method === undefined ? 'tool calls' : `requests (${method.slice(0, 100)})`;
  return new CallRejected(
    RATE_LIMITED,
    `Agent "${agentName}" is over its rate limit of ${what}; retry in ${seconds} s. ${NOTHING_SENT}`,
    { retry_after_seconds: seconds },
  );
}

/** Values the server supplies to resource templates, from the config: never from the client. */
export function bindingsOf(store: ConfigStore, agent: AgentConfig): Bindings {
  const scim = store.scimCredentialOf(agent);
  return scim ? { scim_org: scim.org } : {};
}

/** Whose identity the Hub call carries: the agent's credential, its SCIM token, or none. */
function hubFor(deps: PipelineDeps, agent: AgentConfig, entry: ToolEntry): HubClient {
  if (entry.identity === 'none') return deps.clients.anonymous;
  if (entry.identity === 'scim') {
    // prepareCall refuses SCIM tools for an agent without a SCIM credential, so it is here.
    const scim = deps.store.scimCredentialOf(agent);
    return scim ? deps.clients.forScim(scim) : deps.clients.anonymous;
  }
  return deps.clients.for(deps.store.hubCredentialOf(agent));
}

function scrub(deps: PipelineDeps, text: string): string {
  return scrubSecrets(text, deps.clients.secretForms());
}

function failure(text: string): ToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** What the agent is told when a call that needs a person's yes did not get it. */
function approvalRefusal(
  tool: string,
  resources: readonly string[],
  grants: readonly string[],
  answer: ApprovalAnswer,
): string {
  const what = `${tool} on ${resources.join(', ')}`;
  const needs = `it needs a person's approval (grant ${grants.join(', ')})`;
  const why: Record<ApprovalAnswer['decision'], string> = {
    accept: '',
    unavailable:
      `${needs}, and this client cannot ask one: it declared no elicitation capability. Use a ` +
      'client that asks its user (form elicitation), or ask the operator to approve it out of ' +
      'band (approve_via: operator)',
    timeout: `${needs}, and none came in time`,
    decline:
      answer.via === 'operator'
        ? `an operator declined it (approval ${answer.id})`
        : 'the person asked to approve it answered no',
    cancel: 'the person asked to approve it answered nothing (cancelled)',
    asked: `${needs}: the client is asked (input_required), and its retry carries the answer`,
    pending:
      `${needs}: it waits for an operator as approval ${answer.id}. An operator approves it ` +
      `with \`hubgate approve ${answer.id}\` (or declines it with --deny); then call again with ` +
      'exactly the same arguments',
    expired: `${needs}, and the answer came after the question expired: call again to be asked anew`,
    replayed: `${needs}, and this answer was already used: each approval is for one call`,
    mismatch: `${needs}, and the answer sent was for another call or another agent`,
    invalid: `${needs}, and the answer sent is not one hubgate made (changed, cut or sealed with another key)`,
  };
  return `Refused by hubgate: ${what}: ${why[answer.decision]}. ${NOTHING_SENT}`;
}
