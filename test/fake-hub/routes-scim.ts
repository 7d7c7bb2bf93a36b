import { randomUUID } from 'node:crypto';
import { uuidOf } from './factories.js';
import { type Reply, SCIM_CONTENT_TYPE, scimError, scimReply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { parseScimFilter, valuesAt } from './scim-filter.js';
import { type OrgRecord, removeOrgMember, type ScimUserRecord, type UserRecord } from './state.js';
import {
  SCIM_LIST_SCHEMA,
  SCIM_RESOURCE_TYPES,
  SCIM_SCHEMAS,
  SCIM_USER_SCHEMA,
  scimServiceProviderConfig,
  scimUserView,
} from './views.js';

const SCIM = '/v2/scim/2.0';
const MAX_COUNT = 200;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** What filter and sortBy may name. */
const USER_ATTRIBUTES = [
  'id',
  'userName',
  'displayName',
  'active',
  'emails',
  'emails.value',
  'name.givenName',
  'name.familyName',
  'groups',
  'groups.value',
  'meta.created',
  'meta.lastModified',
] as const;

/** The org of the SCIM bearer token; anything else, a Hub JWT included, is a SCIM 401. */
function scimOrg(ctx: RouteContext): OrgRecord {
  const header = ctx.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const orgname = match?.[1] === undefined ? undefined : ctx.state.scimTokens.get(match[1]);
  const org = orgname === undefined ? undefined : ctx.state.orgs.get(orgname);
  if (!org) throw scimError(401, 'A valid SCIM bearer token is required.');
  return org;
}

function listResponse(resources: unknown[], startIndex = 1, total = resources.length): Reply {
  return scimReply({
    schemas: [SCIM_LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

function intParam(ctx: RouteContext, name: string, fallback: number, min: number, max: number) {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw scimError(400, `${name} must be an integer between ${min} and ${max}`, 'invalidValue');
  }
  return value;
}

interface ScimEntry {
  record: ScimUserRecord;
  user: UserRecord;
}

/**
 * The org's SCIM users: every member (a record is made on first sight, with a stable id) and the
 * deprovisioned ones, which stay listed as active: false.
 */
function scimUsers(ctx: RouteContext, org: OrgRecord): ScimEntry[] {
  for (const username of org.members.keys()) {
    const known = ctx.state.scimUsers.some((r) => r.org === org.orgname && r.username === username);
    if (known) continue;
    const now = new Date().toISOString();
    ctx.state.scimUsers.push({
      id: uuidOf(`scim:${org.orgname}:${username}`),
      org: org.orgname,
      username,
      active: true,
      created: now,
      last_modified: now,
    });
  }
  const entries: ScimEntry[] = [];
  for (const record of ctx.state.scimUsers) {
    if (record.org !== org.orgname) continue;
    const user = ctx.state.users.get(record.username);
    if (!user) continue;
    // Removed from the org through the Hub API: no longer provisioned here.
    if (record.active && !org.members.has(record.username)) continue;
    entries.push({ record, user });
  }
  return entries;
}

function scimEntry(ctx: RouteContext, org: OrgRecord): ScimEntry {
  const id = param(ctx, 'id');
  const entry = scimUsers(ctx, org).find((e) => e.record.id === id);
  if (!entry) throw scimError(404, `User ${id} not found`);
  return entry;
}

/** Keeps schemas and id, and the named attributes (a sub-attribute keeps its parent whole). */
function project(resource: Record<string, unknown>, attributes: string[]): Record<string, unknown> {
  if (attributes.length === 0) return resource;
  const wanted = new Set(attributes.map((a) => (a.split('.')[0] ?? a).toLowerCase()));
  return Object.fromEntries(
    Object.entries(resource).filter(
      ([key]) => key === 'schemas' || key === 'id' || wanted.has(key.toLowerCase()),
    ),
  );
}

function sortKey(resource: Record<string, unknown>, path: string): string {
  const value = valuesAt(resource, path)[0];
  return value === undefined || value === null ? '' : String(value).toLowerCase();
}

function listUsers(ctx: RouteContext): Reply {
  const org = scimOrg(ctx);
  const startIndex = intParam(ctx, 'startIndex', 1, 1, Number.MAX_SAFE_INTEGER);
  const count = intParam(ctx, 'count', 10, 1, MAX_COUNT);
  const filterText = ctx.query.get('filter');
  const filter = filterText ? parseScimFilter(filterText, USER_ATTRIBUTES) : () => true;
  const sortBy = ctx.query.get('sortBy');
  if (sortBy && !USER_ATTRIBUTES.some((a) => a.toLowerCase() === sortBy.toLowerCase())) {
    throw scimError(400, `sortBy: unknown attribute ${sortBy}`, 'invalidValue');
  }
  const sortOrder = ctx.query.get('sortOrder') || 'ascending';
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw scimError(400, 'sortOrder must be ascending or descending', 'invalidValue');
  }
  const attributes = (ctx.query.get('attributes') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  let users = scimUsers(ctx, org)
    .map(({ record, user }) => scimUserView(org, record, user, ctx.baseUrl))
    .filter(filter);
  if (sortBy) {
    const direction = sortOrder === 'descending' ? -1 : 1;
    users = users.sort((a, b) => direction * sortKey(a, sortBy).localeCompare(sortKey(b, sortBy)));
  }
  const page = users.slice(startIndex - 1, startIndex - 1 + count);
  return listResponse(
    page.map((u) => project(u, attributes)),
    startIndex,
    users.length,
  );
}

function getUser(ctx: RouteContext): Reply {
  const org = scimOrg(ctx);
  const { record, user } = scimEntry(ctx, org);
  return scimReply(scimUserView(org, record, user, ctx.baseUrl));
}

/** SCIM writes are sent as SCIM documents, as Docker's current docs require. */
function scimBody(ctx: RouteContext): Record<string, unknown> {
  const type = String(ctx.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  if (type !== SCIM_CONTENT_TYPE) {
    throw scimError(415, `Content-Type must be ${SCIM_CONTENT_TYPE}`, 'invalidSyntax');
  }
  const body = ctx.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw scimError(400, 'The request body must be a JSON object.', 'invalidSyntax');
  }
  const fields = body as Record<string, unknown>;
  const schemas = fields.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SCIM_USER_SCHEMA)) {
    throw scimError(400, `schemas must include ${SCIM_USER_SCHEMA}`, 'invalidSyntax');
  }
  return fields;
}

/** name.givenName and name.familyName as a full name; undefined when the body has no name. */
function fullNameOf(body: Record<string, unknown>): string | undefined {
  const name = body.name;
  if (name === undefined) return undefined;
  if (typeof name !== 'object' || name === null || Array.isArray(name)) {
    throw scimError(400, 'name must be an object', 'invalidValue');
  }
  const parts = ['givenName', 'familyName'].map((k) => (name as Record<string, unknown>)[k]);
  if (parts.some((p) => p !== undefined && typeof p !== 'string')) {
    throw scimError(400, 'name.givenName and name.familyName must be strings', 'invalidValue');
  }
  return parts
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join(' ')
    .trim();
}

/** A free Docker ID for a user created by provisioning. */
function freeUsername(ctx: RouteContext, wanted: string): string {
  const base = wanted.toLowerCase().replace(/[^a-z0-9]/g, '') || 'user';
  let candidate = base;
  for (let n = 1; ctx.state.users.has(candidate) || ctx.state.orgs.has(candidate); n++) {
    candidate = `${base}${n}`;
  }
  return candidate;
}

function existingUser(ctx: RouteContext, email: string): UserRecord | undefined {
  return [...ctx.state.users.values()].find((u) => u.email.toLowerCase() === email);
}

function newUser(
  ctx: RouteContext,
  org: OrgRecord,
  body: Record<string, unknown>,
  email: string,
  fullName: string | undefined,
): UserRecord {
  const displayName = typeof body.displayName === 'string' ? body.displayName : '';
  const username = freeUsername(ctx, displayName || (email.split('@')[0] ?? ''));
  const user: UserRecord = {
    id: ctx.state.nextId(),
    uuid: randomUUID(),
    username,
    email,
    full_name: fullName ?? '',
    location: '',
    company: org.full_name,
    profile_url: '',
    date_joined: new Date().toISOString(),
    gravatar_url: '',
    password: '',
    pats: [],
    plan: 'free',
    totp: null,
  };
  ctx.state.users.set(username, user);
  return user;
}

/** Provisions a user into the org: an existing Hub account by email, else a new one. */
function createUser(ctx: RouteContext): Reply {
  const org = scimOrg(ctx);
  const body = scimBody(ctx);
  const userName = body.userName;
  if (typeof userName !== 'string' || !EMAIL.test(userName)) {
    throw scimError(400, 'userName is required and must be an email address', 'invalidValue');
  }
  const email = userName.toLowerCase();
  if (scimUsers(ctx, org).some((e) => e.user.email.toLowerCase() === email)) {
    throw scimError(409, `User ${userName} already exists in ${org.orgname}`, 'uniqueness');
  }
  const fullName = fullNameOf(body);
  const user = existingUser(ctx, email) ?? newUser(ctx, org, body, userName, fullName);
  if (!org.members.has(user.username)) org.members.set(user.username, 'member');
  // A stale record (the user left the org through the Hub API) gives way to the new one.
  const now = new Date().toISOString();
  ctx.state.scimUsers = ctx.state.scimUsers.filter(
    (r) => !(r.org === org.orgname && r.username === user.username),
  );
  const record: ScimUserRecord = {
    id: randomUUID(),
    org: org.orgname,
    username: user.username,
    active: true,
    created: now,
    last_modified: now,
  };
  ctx.state.scimUsers.push(record);
  return scimReply(scimUserView(org, record, user, ctx.baseUrl), 201);
}

/** Changes the name and (de)activates: active: false takes the user out of the org. */
function updateUser(ctx: RouteContext): Reply {
  const org = scimOrg(ctx);
  const { record, user } = scimEntry(ctx, org);
  const body = scimBody(ctx);
  // The docs require userName on a PUT, and it must be the user's own.
  if (
    typeof body.userName !== 'string' ||
    body.userName.toLowerCase() !== user.email.toLowerCase()
  ) {
    throw scimError(400, "userName is required and must be the user's email", 'invalidValue');
  }
  const fullName = fullNameOf(body);
  // As the real Hub: a PUT that leaves the activation out deactivates the user.
  const activeField = body.active ?? body.enabled ?? false;
  if (typeof activeField !== 'boolean') {
    throw scimError(400, 'active must be a boolean', 'invalidValue');
  }
  if (body.active !== undefined && body.enabled !== undefined && body.active !== body.enabled) {
    throw scimError(400, 'active and enabled disagree', 'invalidValue');
  }
  if (activeField === false && record.active) {
    const owners = [...org.members.values()].filter((r) => r === 'owner').length;
    if (org.members.get(user.username) === 'owner' && owners === 1) {
      throw scimError(
        400,
        'The last owner of the organization cannot be deactivated.',
        'mutability',
      );
    }
    removeOrgMember(org, user.username);
    record.active = false;
  } else if (activeField === true && !record.active) {
    org.members.set(user.username, 'member');
    record.active = true;
  }
  // The name is only ever changed, never cleared.
  if (fullName) user.full_name = fullName;
  record.last_modified = new Date().toISOString();
  return scimReply(scimUserView(org, record, user, ctx.baseUrl));
}

function serviceProviderConfig(ctx: RouteContext): Reply {
  scimOrg(ctx);
  return scimReply(scimServiceProviderConfig());
}

function listResourceTypes(ctx: RouteContext): Reply {
  scimOrg(ctx);
  return listResponse([...SCIM_RESOURCE_TYPES]);
}

function getResourceType(ctx: RouteContext): Reply {
  scimOrg(ctx);
  const name = param(ctx, 'name');
  const found = SCIM_RESOURCE_TYPES.find((t) => t.name === name);
  if (!found) throw scimError(404, `Resource type ${name} not found`);
  return scimReply(found);
}

function listSchemas(ctx: RouteContext): Reply {
  scimOrg(ctx);
  return listResponse([...SCIM_SCHEMAS]);
}

function getSchema(ctx: RouteContext): Reply {
  scimOrg(ctx);
  const id = param(ctx, 'id');
  const found = SCIM_SCHEMAS.find((s) => s.id === id);
  if (!found) throw scimError(404, `Schema ${id} not found`);
  return scimReply(found);
}

/** SCIM checks its own bearer token, so the Hub's JWT check is skipped on every route. */
export const scimRoutes: Route[] = [
  { method: 'GET', pattern: `${SCIM}/ServiceProviderConfig`, handler: serviceProviderConfig },
  { method: 'GET', pattern: `${SCIM}/ResourceTypes`, handler: listResourceTypes },
  { method: 'GET', pattern: `${SCIM}/ResourceTypes/:name`, handler: getResourceType },
  { method: 'GET', pattern: `${SCIM}/Schemas`, handler: listSchemas },
  { method: 'GET', pattern: `${SCIM}/Schemas/:id`, handler: getSchema },
  { method: 'GET', pattern: `${SCIM}/Users`, handler: listUsers },
  { method: 'POST', pattern: `${SCIM}/Users`, handler: createUser },
  { method: 'GET', pattern: `${SCIM}/Users/:id`, handler: getUser },
  { method: 'PUT', pattern: `${SCIM}/Users/:id`, handler: updateUser },
].map((route) => ({ ...route, skipBearerCheck: true }));
