/**
 * The invariant at the fake Hub, checked after every adversarial run: whatever the agent sent,
 *
 * (a) every request Docker Hub received (token exchanges of the agent's own credential aside)
 *     is the method and path template of some catalog entry, or of an entry's confirmation read,
 *     each path parameter one percent-decoded segment that is not empty, `.` or `..`;
 * (b) it touches only what the agent was granted: the resources are derived from the request
 *     itself (path parameters, then body fields, the way the catalog's resource templates name
 *     them; an invite id resolves to the org that owns it at the fake Hub; `{scim_org}` is the org
 *     of the agent's SCIM credential, never anything the request says) and must be covered by the
 *     agent's grants at the level the entry needs;
 * (c) every audit record that says "allow" names at least one resource, a tool the agent's tool
 *     lists permit, and only resources its grants cover at the level the template needs.
 *
 * It is derived from the catalog and from what the Hub saw, not from hubgate's own decision, so a
 * policy that wrongly allows shows up here even when hubgate reports nothing wrong. Coverage is
 * checked twice: with src/policy/authorize.ts's isCovered, and with a restatement of the rules
 * written here, so that a fault in the policy code cannot vouch for itself.
 */

import type { AuditRecord } from '../../src/audit/record.js';
import type { Credential } from '../../src/hub/auth.js';
import { isCovered, toolPermitted } from '../../src/policy/authorize.js';
import type { Access, AgentPolicy, ResourceNeed } from '../../src/policy/types.js';
import { catalog } from '../../src/tools/index.js';
import type { Args, ResourceTemplate, ToolEntry } from '../../src/tools/types.js';
import type { FakeHub, RecordedRequest } from '../fake-hub/index.js';

export interface InvariantOptions {
  agent: AgentPolicy;
  /** The agent's Docker Hub credential: its own token exchanges are not tool calls. */
  credential?: Credential;
  /** The org of the agent's SCIM credential, if it has one. */
  scimOrg?: string;
}

/** One way a request can be a catalog call: the entry's own request, or its confirmation read. */
interface Route {
  entry: ToolEntry;
  via: 'call' | 'confirm';
  method: string;
  template: string;
  pattern: RegExp;
  params: string[];
}

const PATH_PARAM = /\{([a-z_]+)\}/g;
const RESOURCE_PLACEHOLDER = /\{([a-z_]+)(?:\[\]\.([a-z_]+))?\}/g;
const TOKEN_PATH = '/v2/auth/token';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePath(template: string): { pattern: RegExp; params: string[] } {
  const params = [...template.matchAll(PATH_PARAM)].map((match) => match[1] as string);
  // Each placeholder is exactly one non-empty segment: `[^/]+` on the raw (encoded) path.
  const source = escapeRegex(template).replace(/\\\{[a-z_]+\\\}/g, '([^/]+)');
  return { pattern: new RegExp(`^${source}$`), params };
}

/** Every route the catalog allows, built once from src/tools/index.ts. */
export const ROUTES: readonly Route[] = catalog.flatMap((entry) => {
  const routes: Route[] = [
    { entry, via: 'call', method: entry.method, template: entry.path, ...compilePath(entry.path) },
  ];
  if (entry.confirm) {
    routes.push({
      entry,
      via: 'confirm',
      method: 'GET',
      template: entry.confirm.path,
      ...compilePath(entry.confirm.path),
    });
  }
  return routes;
});

function templateOf(resource: ResourceTemplate) {
  return typeof resource === 'string' ? { template: resource, access: undefined } : resource;
}

function levelOf(entry: ToolEntry, resource: ResourceTemplate, args: Args): Access {
  const { access } = templateOf(resource);
  if (access === undefined) return entry.access;
  return typeof access === 'function' ? access(args) : access;
}

/**
 * A value that may stand in a resource segment: what hubgate's schemas allow there, roughly. A
 * `*` would ask the policy about "some" resource, a separator would add a segment: never valid.
 */
function segmentProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `is not a string (${JSON.stringify(value)})`;
  if (value === '' || value === '.' || value === '..') return `is ${JSON.stringify(value)}`;
  if (/[*:/\\]/.test(value)) return `holds a separator or a glob: ${JSON.stringify(value)}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'holds a control character';
  return undefined;
}

const LEVELS: readonly Access[] = ['read', 'write', 'admin'];

/**
 * Coverage as SECURITY.md states it, written again here so that a fault in the policy code
 * (src/policy/match.ts, authorize.ts) cannot hide itself: levels nest read < write < admin; a
 * grant's `*` matches within one segment, never across `/` or `:`; a `*` segment in the request
 * (a catalog template's "some repository here") is covered by any non-empty pattern, and a `*`
 * of a need for every resource there (a new token's `acme/*`) only by a grant's own bare `*`.
 */
function independentlyCovered(agent: AgentPolicy, need: ResourceNeed): boolean {
  const wanted = need.resource.split(/([:/])/);
  return agent.grants.some((grant) => {
    if (LEVELS.indexOf(grant.access) < LEVELS.indexOf(need.access)) return false;
    const pattern = grant.resource.split(/([:/])/);
    if (pattern.length !== wanted.length) return false;
    return pattern.every((part, index) => {
      const segment = wanted[index] as string;
      if (index % 2 === 1) return part === segment;
      if (segment === '*') return need.every ? part === '*' : part !== '';
      const source = part
        .split('*')
        .map((piece) => escapeRegex(piece))
        .join('[^:/]*');
      return new RegExp(`^${source}$`).test(segment);
    });
  });
}

/** Covered by the product's policy code and by the statement of it above. */
function covered(agent: AgentPolicy, need: ResourceNeed): boolean {
  return isCovered(agent, need) && independentlyCovered(agent, need);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeRequest(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const body = request.rawBody.length > 400 ? `${request.rawBody.slice(0, 400)}…` : request.rawBody;
  return `${request.method} ${request.path}${query ? `?${query}` : ''}${body ? ` body=${body}` : ''}`;
}

/**
 * A resource a new token would carry, as SECURITY.md states the rule, written again here: each
 * token resource needs its scopes' level (pull/read: read, push/write: write, else admin), and a
 * wildcard path needs a grant as wide.
 */
function tokenNeedInAudit(
  entry: ToolEntry,
  resource: string,
  args: Args,
): ResourceNeed | undefined {
  const items = entry.grantsToken ? args[entry.grantsToken] : undefined;
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    if (!isRecord(item) || !Array.isArray(item.scopes)) continue;
    const path = String(item.path);
    const made =
      item.type === 'TYPE_ORG'
        ? `org:${path}`
        : path === '*/*/public'
          ? 'repo:*/*'
          : `repo:${path}`;
    if (made !== resource) continue;
    const scopes = item.scopes.map(String);
    const access: Access = scopes.some((scope) => !/(?:pull|read|push|write)$/.test(scope))
      ? 'admin'
      : scopes.some((scope) => /(?:push|write)$/.test(scope))
        ? 'write'
        : 'read';
    return resource.includes('*') ? { resource, access, every: true } : { resource, access };
  }
  return undefined;
}

export class HubInvariant {
  /** Invite id → org, as the fake Hub knew them at the start of each run (cancel removes them). */
  private readonly inviteOwners = new Map<string, string>();

  constructor(
    private readonly hub: FakeHub,
    private readonly options: InvariantOptions,
  ) {
    this.noteOwners();
  }

  /** Before a run: remember who owns what now, and start the Hub's request log afresh. */
  begin(): void {
    this.noteOwners();
    this.hub.clearRequests();
  }

  private noteOwners(): void {
    for (const invite of this.hub.state.invites) this.inviteOwners.set(invite.id, invite.org);
  }

  /** A token exchange of the agent's own credential: the client's doing, not a tool call. */
  isOwnTokenExchange(request: RecordedRequest): boolean {
    const credential = this.options.credential;
    if (!credential || request.method !== 'POST' || request.path !== TOKEN_PATH) return false;
    const body = request.body;
    return (
      isRecord(body) &&
      body.identifier === credential.username &&
      body.secret === credential.secret &&
      Object.keys(body).length === 2
    );
  }

  /** Problems with every request the Hub received since begin(); empty when all is well. */
  requestViolations(requests: readonly RecordedRequest[] = this.hub.requests): string[] {
    const violations: string[] = [];
    for (const request of requests) {
      if (this.isOwnTokenExchange(request)) continue;
      const problems: string[] = [];
      const candidates = ROUTES.filter(
        (route) => route.method === request.method && route.pattern.test(request.path),
      );
      if (candidates.length === 0) problems.push('no catalog entry has this method and path');
      const accepted = candidates.some((route) => {
        const problem = this.routeProblem(route, request);
        if (problem) problems.push(`as ${route.entry.name} (${route.via}): ${problem}`);
        return problem === undefined;
      });
      if (!accepted) violations.push(`${describeRequest(request)}\n    ${problems.join('\n    ')}`);
    }
    return violations;
  }

  /** Why this request is not an allowed call of this route, or undefined when it is. */
  private routeProblem(route: Route, request: RecordedRequest): string | undefined {
    const match = route.pattern.exec(request.path) as RegExpExecArray;
    const params: Record<string, string> = {};
    for (const [index, name] of route.params.entries()) {
      const raw = match[index + 1] as string;
      let decoded: string;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        return `path parameter ${name} is not valid percent-encoding: ${raw}`;
      }
      if (decoded === '' || decoded === '.' || decoded === '..' || decoded.includes('/')) {
        return `path parameter ${name} is not one segment: ${JSON.stringify(decoded)}`;
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
      if (/[\u0000-\u001f\u007f]/.test(decoded)) {
        return `path parameter ${name} holds a control character`;
      }
      params[name] = decoded;
    }
    const { entry } = route;
    for (const name of entry.identityParams ?? []) {
      if (params[name] !== this.options.credential?.username) {
        return `${name} ${JSON.stringify(params[name])} is not the credential's own`;
      }
    }
    const body = isRecord(request.body) ? request.body : {};
    const needs: ResourceNeed[] = [];
    for (const resource of entry.resources) {
      const { template } = templateOf(resource);
      if (typeof resource !== 'string' && 'onlyWhen' in resource) {
        // A conditional check (an audit log filter naming a repository): its argument travels
        // in the query; when it matches, the resource is the template with it, at its level.
        const { argument, matches } = resource.onlyWhen;
        const value = request.query[argument] ?? body[argument];
        if (typeof value === 'string' && matches.test(value)) {
          needs.push({
            resource: template.replace(`{${argument}}`, value),
            access: resource.access,
          });
        }
        continue;
      }
      const filled = this.fill(route, template, params, body);
      if (typeof filled === 'string') return filled;
      const access = levelOf(entry, resource, body);
      for (const name of filled) needs.push({ resource: name, access });
    }
    if (needs.length === 0) return 'names no resource';
    const missing = needs.filter((need) => !covered(this.options.agent, need));
    if (missing.length > 0) {
      return `not granted: ${missing.map((need) => `${need.access} on ${need.resource}`).join(', ')}`;
    }
    return undefined;
  }

  /** The resources a template names for this request, or why it names none. */
  private fill(
    route: Route,
    template: string,
    params: Record<string, string>,
    body: Record<string, unknown>,
  ): string[] | string {
    const single = (name: string): unknown => {
      if (name in params) return params[name];
      // The server's binding, never the request's.
      if (name === 'scim_org') return this.options.scimOrg;
      // An invite id does not name its org in the path: the Hub knows whose it is.
      if (name === 'org' && 'id' in params && route.template.startsWith('/v2/invites/')) {
        return this.inviteOwners.get(params.id as string);
      }
      return body[name];
    };
    const arrayField = [...template.matchAll(RESOURCE_PLACEHOLDER)].find((match) => match[2]);
    let items: unknown[] = [undefined];
    if (arrayField) {
      const list = body[arrayField[1] as string];
      // A list the request leaves out names nothing; `names no resource` catches a request left
      // with none at all (delete_images without manifests).
      if (list === undefined) return [];
      if (!Array.isArray(list) || list.length === 0) {
        return `resource ${template}: the body's ${arrayField[1]} is not a non-empty list`;
      }
      items = list;
    }
    const resources: string[] = [];
    for (const item of items) {
      let problem: string | undefined;
      const resource = template.replace(
        RESOURCE_PLACEHOLDER,
        (whole, name: string, field?: string) => {
          const value = field
            ? isRecord(item)
              ? item[field]
              : undefined
            : (single(name) as unknown);
          const wrong = segmentProblem(value);
          if (wrong) problem ??= `resource ${template}: ${whole} ${wrong}`;
          return String(value);
        },
      );
      if (problem) return problem;
      resources.push(resource);
    }
    return resources;
  }

  /** Problems with the audit records: every allowed one must be within the agent's grants. */
  auditViolations(records: readonly AuditRecord[]): string[] {
    const violations: string[] = [];
    const { agent } = this.options;
    for (const record of records) {
      if (record.decision !== 'allow') continue;
      const where = `audit record of ${record.tool} (allowed: ${record.reason})`;
      const entry = catalog.find((candidate) => candidate.name === record.tool);
      if (!entry) {
        violations.push(`${where}: not a catalog tool`);
        continue;
      }
      const lists = agent.tools ?? {};
      const listed = !lists.allow || lists.allow.includes(entry.name);
      if (!toolPermitted(agent, entry.name) || !listed || lists.deny?.includes(entry.name)) {
        violations.push(`${where}: the agent's tool lists exclude it`);
      }
      if (record.resources.length === 0) violations.push(`${where}: names no resource`);
      const args = isRecord(record.arguments) ? record.arguments : {};
      // Ownership is admin on the org, whatever the catalog's level functions say.
      const ownership =
        args.role === 'owner' ||
        ['group', 'name', 'team'].some((name) => String(args[name]).toLowerCase() === 'owners');
      const org = typeof args.org === 'string' ? `org:${args.org}` : undefined;
      if (ownership && org && record.resources.includes(org)) {
        if (!covered(agent, { resource: org, access: 'admin' })) {
          violations.push(`${where}: it gives or changes ownership of ${org} without admin on it`);
        }
      }
      for (const resource of record.resources) {
        const minted = tokenNeedInAudit(entry, resource, args);
        if (minted) {
          if (!covered(agent, minted)) {
            violations.push(
              `${where}: a token with ${minted.access} on ${resource} is not granted`,
            );
          }
          continue;
        }
        const level = this.levelInAudit(entry, resource, args, record);
        if (typeof level !== 'string' || !['read', 'write', 'admin'].includes(level)) {
          violations.push(`${where}: ${resource} fits none of ${entry.name}'s templates`);
          continue;
        }
        if (!covered(agent, { resource, access: level as Access })) {
          violations.push(`${where}: ${level} on ${resource} is not granted`);
        }
        if (resource.startsWith('scim:') && resource !== `scim:${this.options.scimOrg}`) {
          violations.push(`${where}: ${resource} is not the agent's SCIM org`);
        }
      }
    }
    return violations;
  }

  /** The level the catalog's template that yields this resource needs, at least the record's. */
  private levelInAudit(
    entry: ToolEntry,
    resource: string,
    args: Args,
    record: AuditRecord,
  ): Access | undefined {
    for (const template of entry.resources) {
      if (typeof template !== 'string' && 'onlyWhen' in template) {
        const value = args[template.onlyWhen.argument];
        if (
          resource === template.template.replace(`{${template.onlyWhen.argument}}`, String(value))
        )
          return template.access;
        continue;
      }
      const source = escapeRegex(templateOf(template).template).replace(
        /\\\{[a-z_]+(?:\\\[\\\]\\\.[a-z_]+)?\\\}/g,
        '[^:/*]+',
      );
      if (!new RegExp(`^${source}$`).test(resource)) continue;
      const level = levelOf(entry, template, args);
      // A template without its own level checks the record's (the tool's) level.
      return templateOf(template).access === undefined ? (record.access ?? level) : level;
    }
    return undefined;
  }

  /** Everything wrong since begin(), requests then audit records. */
  violations(records: readonly AuditRecord[]): string[] {
    return [...this.requestViolations(), ...this.auditViolations(records)];
  }

  /** Throws with every offending request and record. */
  assert(records: readonly AuditRecord[], context = ''): void {
    const found = this.violations(records);
    if (found.length > 0) {
      throw new Error(
        `hub invariant broken${context ? ` (${context})` : ''}:\n  ${found.join('\n  ')}`,
      );
    }
  }
}
