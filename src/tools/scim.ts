import { z } from 'zod';
import type { HubResponse } from '../hub/connection.js';
import { uuid } from './schemas.js';
import { asObject, type Json } from './shape.js';
import type { Args, ToolEntry } from './types.js';

/** The org comes from the agent's SCIM credential (bound by the server), never from an argument. */
const SCIM = 'scim:{scim_org}';
const SCIM_PATH = '/v2/scim/2.0';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const TOKEN_NOTE = 'Needs a SCIM token; acts on its org.';

/**
 * SCIM objects carry many empty attributes (`""`, `[]`, `{}`): drop those too, not only
 * null and undefined as shape.ts's compact does, where an empty list can mean something.
 */
function withoutEmpty(object: Json): Json {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, v]) =>
        v !== undefined &&
        v !== null &&
        v !== '' &&
        !(Array.isArray(v) && v.length === 0) &&
        !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Json).length === 0),
    ),
  );
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** RFC 7644 names the list `Resources`; Docker's OpenAPI says `resources`: accept both. */
function resourcesOf(body: Json): unknown[] {
  return list(body.Resources ?? body.resources);
}

function userSummary(value: unknown): Json {
  const user = asObject(value);
  const name = asObject(user.name);
  const userName = user.userName;
  // userName is the email; only other addresses are news.
  const emails = list(user.emails)
    .map((email) => asObject(email).value)
    .filter((email) => typeof email === 'string' && email !== userName);
  const meta = asObject(user.meta);
  return withoutEmpty({
    id: user.id,
    userName,
    displayName: user.displayName,
    name: withoutEmpty({ givenName: name.givenName, familyName: name.familyName }),
    active: user.active,
    emails,
    groups: list(user.groups).map((group) => asObject(group).value ?? asObject(group).display),
    created: meta.created,
    lastModified: meta.lastModified,
  });
}

function resourceTypeSummary(value: unknown): Json {
  const type = asObject(value);
  return withoutEmpty({
    id: type.id,
    name: type.name,
    description: type.description,
    endpoint: type.endpoint,
    schema: type.schema,
  });
}

function attributeSummary(value: unknown): Json {
  const attribute = asObject(value);
  return withoutEmpty({
    name: attribute.name,
    type: attribute.type,
    description: attribute.description,
    required: attribute.required === true ? true : undefined,
    multiValued: attribute.multiValued === true ? true : undefined,
    // readWrite is the default; only the exceptions (readOnly, immutable) say something.
    mutability: attribute.mutability !== 'readWrite' ? attribute.mutability : undefined,
    uniqueness: attribute.uniqueness !== 'none' ? attribute.uniqueness : undefined,
    subAttributes: list(attribute.subAttributes).map(attributeSummary),
  });
}

function schemaSummary(value: unknown): Json {
  const schema = asObject(value);
  return withoutEmpty({
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: list(schema.attributes).map(attributeSummary),
  });
}

/** In a list, a schema's attributes by name only: scim_get_schema has the rest. */
function schemaListing(value: unknown): Json {
  const schema = asObject(value);
  return withoutEmpty({
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: list(schema.attributes).map((attribute) => asObject(attribute).name),
  });
}

/** A SCIM ListResponse as items and the total; the resource lists are one short page. */
function listOf(item: (value: unknown) => Json) {
  return (response: HubResponse): Json => {
    const body = asObject(response.body);
    const items = resourcesOf(body).map(item);
    return { items, total: body.totalResults ?? items.length };
  };
}

/**
 * Users come a page at a time: more follow when this page ends before the total. Counted from the
 * users actually returned, since a server may report itemsPerPage as the count asked for.
 */
function usersPage(response: HubResponse, args: Args): Json {
  const body = asObject(response.body);
  const resources = resourcesOf(body);
  const startIndex = typeof body.startIndex === 'number' ? body.startIndex : args.startIndex;
  const total = typeof body.totalResults === 'number' ? body.totalResults : undefined;
  const hasMore =
    total !== undefined && typeof startIndex === 'number'
      ? startIndex - 1 + resources.length < total && resources.length > 0
      : undefined;
  // An empty page still answers items: [], so only the figures go through compact.
  return {
    items: resources.map(userSummary),
    ...withoutEmpty({
      total,
      start_index: startIndex,
      items_per_page: body.itemsPerPage ?? resources.length,
      has_more: hasMore,
      next_start_index:
        hasMore && typeof startIndex === 'number' ? startIndex + resources.length : undefined,
    }),
  };
}

function serviceProviderSummary(response: HubResponse): Json {
  const config = asObject(response.body);
  const supported = (key: string) => asObject(config[key]).supported;
  const filter = asObject(config.filter);
  const schemes = config.authenticationSchemes;
  return withoutEmpty({
    patch: supported('patch'),
    bulk: supported('bulk'),
    filter: supported('filter'),
    filter_max_results: filter.maxResults,
    sort: supported('sort'),
    etag: supported('etag'),
    change_password: supported('changePassword'),
    authentication: (Array.isArray(schemes) ? schemes : [schemes])
      .map((scheme) => asObject(scheme).name)
      .filter((name) => typeof name === 'string'),
  });
}

function oneOf(summary: (value: unknown) => Json) {
  return (response: HubResponse): Json => summary(response.body);
}

/** The SCIM core User schema must be named; the Hub rejects a body without it. */
const schemas = z
  .array(z.string().min(1, 'must not be empty'))
  .min(1, `must name at least the schema ${USER_SCHEMA}`)
  .refine((names) => names.includes(USER_SCHEMA), `must include ${USER_SCHEMA}`)
  .default([USER_SCHEMA])
  .describe('Must include the default');

/** SCIM writes are SCIM documents (RFC 7644), as Docker's docs send them. */
const SCIM_CONTENT_TYPE = 'application/scim+json';

const userName = z.email('must be an email address (the user is identified by email)');

const name = z.strictObject({
  givenName: z.string().min(1, 'must not be empty').optional(),
  familyName: z.string().min(1, 'must not be empty').optional(),
});

const userId = uuid.describe('From scim_list_users');

/** A SCIM attribute path such as userName, name.givenName or emails.value. */
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_:.-]*$/;
const ATTRIBUTE_RULE = 'must be an attribute name such as userName or name.givenName';

export const scimTools: ToolEntry[] = [
  {
    name: 'scim_get_service_provider_config',
    fresh: true,
    title: 'SCIM: features',
    description: `Docker Hub's SCIM features (filter, sort, patch, bulk, etag) and auth. ${TOKEN_NOTE}`,
    input: () => z.strictObject({}),
    method: 'GET',
    path: `${SCIM_PATH}/ServiceProviderConfig`,
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: serviceProviderSummary,
  },
  {
    name: 'scim_list_resource_types',
    fresh: true,
    title: 'SCIM: resource types',
    description: `List the SCIM resource types Docker Hub provisions (only User). ${TOKEN_NOTE}`,
    input: () => z.strictObject({}),
    method: 'GET',
    path: `${SCIM_PATH}/ResourceTypes`,
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: listOf(resourceTypeSummary),
  },
  {
    name: 'scim_get_resource_type',
    fresh: true,
    title: 'SCIM: resource type',
    description: `Get a SCIM resource type: its endpoint and schema. ${TOKEN_NOTE}`,
    input: () =>
      z.strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a resource type name such as "User"')
          .describe('e.g. "User"'),
      }),
    method: 'GET',
    path: `${SCIM_PATH}/ResourceTypes/{name}`,
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: oneOf(resourceTypeSummary),
  },
  {
    name: 'scim_list_schemas',
    fresh: true,
    title: 'SCIM: schemas',
    description: `List the SCIM schemas Docker Hub supports, with attribute names. ${TOKEN_NOTE}`,
    input: () => z.strictObject({}),
    method: 'GET',
    path: `${SCIM_PATH}/Schemas`,
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: listOf(schemaListing),
  },
  {
    name: 'scim_get_schema',
    fresh: true,
    title: 'SCIM: schema',
    description: `Get a SCIM schema: each attribute's type, mutability, required. ${TOKEN_NOTE}`,
    input: () =>
      z.strictObject({
        id: z
          .string()
          .max(255, 'must be at most 255 characters')
          .regex(
            /^urn:[A-Za-z0-9][A-Za-z0-9:._-]*$/,
            'must be a schema URN such as urn:ietf:params:scim:schemas:core:2.0:User',
          )
          .describe('e.g. urn:ietf:params:scim:schemas:core:2.0:User'),
      }),
    method: 'GET',
    path: `${SCIM_PATH}/Schemas/{id}`,
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: oneOf(schemaSummary),
  },
  {
    name: 'scim_list_users',
    fresh: true,
    title: 'SCIM: list users',
    description:
      "List the org's provisioned users. Filter ops: eq, ne, co, sw, and, or, not, parentheses. " +
      `Deactivated users stay, with active false. ${TOKEN_NOTE}`,
    input: () =>
      z.strictObject({
        startIndex: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be 1 or more')
          .default(1)
          .describe('Index of the first user'),
        count: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be between 1 and 200')
          .max(200, 'must be between 1 and 200')
          .default(10),
        filter: z
          .string()
          .min(1, 'must not be empty')
          .max(1000, 'must be at most 1000 characters')
          .optional()
          .describe('SCIM filter, e.g. userName eq "jon.snow@docker.com"'),
        attributes: z
          .string()
          .max(1000, 'must be at most 1000 characters')
          .regex(
            /^[A-Za-z][A-Za-z0-9_:.-]*(?:\s*,\s*[A-Za-z][A-Za-z0-9_:.-]*)*$/,
            'must be a comma-separated list of attribute names, e.g. "userName,displayName"',
          )
          .optional()
          .describe('Comma-separated; id always returned'),
        sortBy: z
          .string()
          .max(100, 'must be at most 100 characters')
          .regex(ATTRIBUTE, ATTRIBUTE_RULE)
          .optional()
          .describe('e.g. userName'),
        sortOrder: z.enum(['ascending', 'descending']).optional().describe('With sortBy'),
      }),
    method: 'GET',
    path: `${SCIM_PATH}/Users`,
    query: ['startIndex', 'count', 'filter', 'attributes', 'sortBy', 'sortOrder'],
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: usersPage,
  },
  {
    name: 'scim_get_user',
    fresh: true,
    title: 'SCIM: get user',
    description: `Get a provisioned user: email (userName), Docker ID (displayName), name, active, teams. ${TOKEN_NOTE}`,
    input: () => z.strictObject({ id: userId }),
    method: 'GET',
    path: `${SCIM_PATH}/Users/{id}`,
    identity: 'scim',
    access: 'read',
    resources: [SCIM],
    hints: ['RO'],
    shape: oneOf(userSummary),
  },
  {
    name: 'scim_create_user',
    title: 'SCIM: provision user',
    description:
      'Provision a user by email (userName): an existing Docker account with it ' +
      `joins, else one is created. 409 if already provisioned. ${TOKEN_NOTE}`,
    input: () => z.strictObject({ schemas, userName, name: name.optional() }),
    method: 'POST',
    path: `${SCIM_PATH}/Users`,
    body: ['schemas', 'userName', 'name'],
    contentType: SCIM_CONTENT_TYPE,
    identity: 'scim',
    access: 'admin',
    resources: [SCIM],
    hints: [],
    shape: oneOf(userSummary),
  },
  {
    name: 'scim_update_user',
    title: 'SCIM: update user',
    description:
      "Change a user's name or (de)activate them: active false removes them from the org. A " +
      `name left out is kept. ${TOKEN_NOTE}`,
    input: () =>
      z.strictObject({
        id: userId,
        schemas,
        userName: userName.optional().describe('Read from the Hub if left out'),
        name: name.optional(),
        active: z.boolean().describe('false deactivates (removes) the user'),
      }),
    method: 'PUT',
    path: `${SCIM_PATH}/Users/{id}`,
    body: ['schemas', 'userName', 'name', 'active'],
    // Docker's current docs read `active`, the 2-beta spec `enabled`: a PUT without the one the
    // Hub reads deactivates the user, so both carry the same value.
    alsoSentAs: { active: 'enabled' },
    completeFrom: { path: `${SCIM_PATH}/Users/{id}`, fields: ['userName'] },
    contentType: SCIM_CONTENT_TYPE,
    identity: 'scim',
    access: 'admin',
    resources: [SCIM],
    hints: ['I'],
    shape: oneOf(userSummary),
  },
];
