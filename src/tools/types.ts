/**
 * A tool is data: one ToolEntry per row of CATALOG.md. The generic machinery (prepare.ts,
 * execute.ts, result.ts, features.ts, driven by ../gateway/call.ts) runs every entry; no entry
 * has a handler of its own.
 */
import type { z } from 'zod';
import type { HubMethod, HubResponse } from '../hub/connection.js';
import type { Access } from '../policy/types.js';

/** Arguments after validation. */
export type Args = Record<string, unknown>;

/**
 * A resource the policy checks, as a template over the arguments: `repo:{namespace}/{repository}`.
 * A `*` segment means "some resource here" (listing a namespace); arguments can never contain one.
 * The object form checks a different level than the tool's own (`org:{namespace}` at read).
 */
export type ResourceTemplate =
  | string
  | { template: string; access: Access }
  /** A level that depends on the arguments, with a note saying how, for people. */
  | { template: string; access: (args: Args) => Access; note: string }
  /**
   * Checked only when the argument is given and matches: `name: "acme/app"` on an audit log
   * filter names a repository, `name: "alice"` a member.
   */
  | { template: string; access: Access; onlyWhen: { argument: string; matches: RegExp } };

/** Flags as CATALOG.md's hints column gives them: RO, D, I. openWorldHint is always true. */
export type Hint = 'RO' | 'D' | 'I';

/**
 * Before the call, GET `path` (over the arguments): the target is confirmed when the answer's
 * `list` holds an item whose `itemField` equals the argument `argument`.
 */
export interface Confirmation {
  path: string;
  list: string;
  itemField: string;
  argument: string;
  /** Why the call is refused when it does not: `{name}` is an argument's value. */
  refusal: string;
}

export interface ToolEntry {
  name: string;
  /** Human-readable title shown by hosts. */
  title: string;
  /** What it does, what it needs, one note that matters. */
  description: string;
  /**
   * Strict zod object: unknown argument names are refused. Built on the tool's first use, once
   * (input.ts): a start that only lists tools builds none of the catalog's 62.
   */
  input: () => z.ZodObject;
  method: HubMethod;
  /** Path template; each `{param}` is validated and encoded as one segment. */
  path: string;
  access: Access;
  resources: readonly ResourceTemplate[];
  hints: readonly Hint[];
  /** Argument names sent as the query string, or a mapping for endpoints that name them otherwise. */
  query?: readonly string[] | ((args: Args) => Record<string, unknown>);
  /** Argument names sent as the JSON body. */
  body?: readonly string[];
  /** Body arguments also sent under another name, with the same value (two spec generations). */
  alsoSentAs?: Readonly<Record<string, string>>;
  /** The body's media type when it is not plain JSON (`application/scim+json`). */
  contentType?: string;
  /**
   * Body arguments the Hub requires and the agent may leave out: read from `path` (over the
   * arguments) just before the call, field by field, from the object it answers.
   */
  completeFrom?: { path: string; fields: readonly string[] };
  /**
   * Path parameters that come from the caller's identity rather than the arguments
   * (`get_current_account` reads the username from the credential's token).
   */
  identityParams?: readonly 'username'[];
  /** The call makes no sense anonymously: refuse it before sending anything. */
  needsCredential?: boolean;
  /**
   * Whose identity the Hub call carries: the agent's Docker Hub credential (default), none (the
   * auth tools: the caller's own username and secret are the body), or the agent's SCIM token.
   * For `scim`, resource templates may use `{scim_org}`: the org the SCIM credential belongs to.
   */
  identity?: 'credential' | 'none' | 'scim';
  /**
   * The Hub pages this list with `{count, next, previous, results}`: the machinery adds
   * `all_pages` and `max_items`, and follows `next` links that stay on the same endpoint.
   */
  paginated?: boolean;
  /** Non-2xx statuses that are answers to shape, not errors: 404 for HEAD checks. */
  answerStatuses?: readonly number[];
  /**
   * For list tools over several resources: the resource each item is, so the items the agent may
   * not read are dropped from the result (`list_repositories`).
   */
  itemResource?: (item: Record<string, unknown>, args: Args) => string | undefined;
  /**
   * Items outside the grants are kept but redacted to these fields, in the body's `list`, rather
   * than dropped (an audit log page: the events stay, what they name does not).
   */
  redactHidden?: { list: string; keep: readonly string[]; label: string };
  /**
   * A read made before the call to confirm that its target belongs to the resource the policy
   * checked, for endpoints whose path does not name it (an invite id does not name its org).
   */
  confirm?: Confirmation;
  /**
   * A non-2xx status that, with a non-empty `field` in the body, is the next step of a sign-in
   * rather than a failure: a 2FA account answers the password with 401 and a login_2fa_token.
   * The same status without the field is the error it would have been.
   */
  challenge?: { status: number; field: string };
  /**
   * Why an agent that can call this tool reaches beyond its grants, for `hubgate check` to say
   * loudly: the Hub cannot narrow what the call yields (a PAT reaches the whole account).
   */
  escapesGrants?: string;
  /**
   * The call gives a token access: each item of the argument named here ({type, path, scopes})
   * is a resource the token will carry, checked at the level its scopes need (token-grants.ts).
   */
  grantsToken?: string;
  /**
   * The result's purpose is a new secret (create a token, log in): its token fields pass. Every
   * other tool's `detail: "full"` result has secret-named fields redacted, whatever the Hub sends.
   */
  revealsSecret?: boolean;
  /**
   * Reads skip the cache: what they show changes behind hubgate's back, or matters to the
   * second (tokens, audit logs, members, invites, SCIM users).
   */
  fresh?: boolean;
  /** The media type to ask for, when the answer is not JSON (`text/csv` for the member export). */
  accept?: string;
  /**
   * Compact result for the agent; `detail: "full"` bypasses it and returns the Hub's body. A string
   * result is sent as text as it is (CSV); anything else as compact JSON.
   */
  shape: (response: HubResponse, args: Args) => unknown;
}
