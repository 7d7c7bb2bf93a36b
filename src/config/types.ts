/** The configuration after loading: validated, interpolated, cross-checked. */
import type { AgentPolicy, Grant } from '../policy/types.js';

/** A Docker Hub identity: username (or org name) + PAT, org access token or password. */
export interface HubCredentialConfig {
  kind: 'hub';
  name: string;
  username: string;
  secret: string;
}

/** A SCIM bearer token for one organization: only the SCIM tools use it. */
export interface ScimCredentialConfig {
  kind: 'scim';
  name: string;
  org: string;
  token: string;
}

export type CredentialConfig = HubCredentialConfig | ScimCredentialConfig;

export interface AgentConfig extends AgentPolicy {
  /** Name of the Docker Hub credential the agent calls with; anonymous without one. */
  credential?: string;
  /** Name of the SCIM credential the SCIM tools use. */
  scimCredential?: string;
  /** `sha256:<hex>` of the agent's API keys, for the HTTP service. */
  keys: string[];
  /** The HTTP service's limit on this agent's tool calls; the service's default otherwise. */
  callsPerMinute?: number;
  /** Who approves its calls that a grant marks `approve:`: its client's user unless `operator`. */
  approveVia?: 'operator';
}

/** How approvals are sealed, how long they wait, and who may decide them out of band. */
export interface ApprovalsConfig {
  /** Seals 2026-07-28 pending calls; the same on every replica. None: a key per process. */
  key?: string;
  expiresSeconds: number;
  operatorExpiresSeconds: number;
  /** Who may decide through the operator endpoint: a name and the `sha256:` of its key. */
  operators: readonly { name: string; key: string }[];
}

/** One mapping rule: a token whose claims match every condition acts as `agent`. */
export interface OAuthRule {
  agent: string;
  /** Claim name (or dotted path) -> the values it may have, any one of them. */
  when: ReadonlyMap<string, readonly string[]>;
}

/** The HTTP service as an OAuth 2.1 resource server: who issues tokens, for what, mapped how. */
export interface OAuthConfig {
  issuer: string;
  /** This resource's URL: a token's `aud` must name it. */
  audience: string;
  /** Else found in the issuer's metadata. */
  jwksUri?: string;
  algorithms: readonly string[];
  clockSkewSeconds: number;
  /** First match wins. */
  rules: readonly OAuthRule[];
}

export interface Config {
  /** The file it came from, or undefined for the built-in default. */
  source?: string;
  hubUrl?: string;
  credentials: ReadonlyMap<string, CredentialConfig>;
  agents: ReadonlyMap<string, AgentConfig>;
  /** The stdio agent when none is named; undefined when the file has several and names none. */
  defaultAgent?: string;
  auditFile?: string;
  /** Agents may also sign in with OAuth access tokens (HTTP service). */
  oauth?: OAuthConfig;
  approvals?: ApprovalsConfig;
  /** What a lenient load let pass (an unset variable), for `hubgate check` to show. */
  warnings?: string[];
}

/** Where the policy comes from: a file, or the built-in default agent with optional --grant. */
export interface PolicySource {
  configFile?: string;
  grants?: Grant[];
}
