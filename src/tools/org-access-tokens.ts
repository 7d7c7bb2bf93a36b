import { z } from 'zod';
import { dateTime, org, page, pageSize, uuid } from './schemas.js';
import { asObject, compact, type Json, pageOf, single, withNewSecret } from './shape.js';
import { TOKEN_PATH_RULE, tokenResourceOf } from './token-grants.js';
import type { ToolEntry } from './types.js';

const TOKENS_PATH = '/v2/orgs/{org}/access-tokens';
const TOKEN_PATH = `${TOKENS_PATH}/{access_token_id}`;
const OWNERS_ONLY = 'Org owners only.';
const LABEL_RULE = 'must be 1-100 characters';

const label = z.string().min(1, LABEL_RULE).max(100, LABEL_RULE);

const description = z.string();

const accessTokenId = uuid.describe('From list_org_access_tokens');

/**
 * The spec gives the type enum only: paths and scope names vary by type and have changed upstream
 * ("repo-pull", "scope-image-pull"), so they are left to the Hub to judge.
 */
const tokenResource = z
  .strictObject({
    type: z.enum(['TYPE_REPO', 'TYPE_ORG'], { error: 'must be TYPE_REPO or TYPE_ORG' }),
    path: z
      .string()
      .min(1, 'must be 1-255 characters')
      .max(255, 'must be 1-255 characters')
      .describe('TYPE_REPO: "org/repo", "org/*" or "*/*/public" (all public); TYPE_ORG: the org'),
    scopes: z
      .array(z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'))
      .min(1, 'must name at least one scope')
      .describe('e.g. ["repo-pull"]'),
  })
  .refine((value) => tokenResourceOf(value.type, value.path) !== undefined, {
    message: TOKEN_PATH_RULE,
    path: ['path'],
  });

const tokenResources = z
  .array(tokenResource)
  .max(100, 'must hold at most 100 resources')
  .describe('None: the token can do nothing');

/** Metadata and resources; `token` is never read here, so no listing or read can leak it. */
function orgTokenSummary(value: unknown): Json {
  const token = asObject(value);
  return compact({
    id: token.id,
    label: token.label,
    description: token.description || undefined,
    is_active: token.is_active,
    created_by: token.created_by,
    created_at: token.created_at,
    expires_at: token.expires_at,
    last_used_at: token.last_used_at,
    resources: Array.isArray(token.resources)
      ? token.resources.map((item) => {
          const resource = asObject(item);
          return { type: resource.type, path: resource.path, scopes: resource.scopes };
        })
      : undefined,
  });
}

export const orgAccessTokenTools: ToolEntry[] = [
  {
    name: 'list_org_access_tokens',
    fresh: true,
    title: 'List org tokens',
    description: `List an org's access tokens, without resources (see get_org_access_token). ${OWNERS_ONLY}`,
    input: () => z.strictObject({ org, page, page_size: pageSize }),
    paginated: true,
    method: 'GET',
    path: TOKENS_PATH,
    query: ['page', 'page_size'],
    needsCredential: true,
    access: 'read',
    resources: ['org:{org}'],
    hints: ['RO'],
    // This list counts its items in `total`, where the other Hub lists say `count`.
    shape: (response, args) => {
      const body = asObject(response.body);
      return { ...pageOf(orgTokenSummary)(response, args), count: body.total ?? body.count };
    },
  },
  {
    name: 'get_org_access_token',
    fresh: true,
    title: 'Get org token',
    description: `Get an org access token with its resources and scopes (no secret). ${OWNERS_ONLY}`,
    input: () => z.strictObject({ org, access_token_id: accessTokenId }),
    method: 'GET',
    path: TOKEN_PATH,
    needsCredential: true,
    access: 'read',
    resources: ['org:{org}'],
    hints: ['RO'],
    shape: single(orgTokenSummary),
  },
  {
    name: 'create_org_access_token',
    revealsSecret: true,
    title: 'Create org token',
    description:
      'Create an org access token (identifier: the org name) for the resources given ' +
      `(within your grants). Its "token" is the secret, shown once. ${OWNERS_ONLY}`,
    input: () =>
      z.strictObject({
        org,
        label,
        description: description.optional(),
        resources: tokenResources.optional(),
        expires_at: dateTime.optional().describe('Future expiry; none if left out'),
      }),
    method: 'POST',
    path: TOKENS_PATH,
    body: ['label', 'description', 'resources', 'expires_at'],
    needsCredential: true,
    access: 'admin',
    resources: ['org:{org}'],
    grantsToken: 'resources',
    hints: [],
    shape: withNewSecret(orgTokenSummary),
  },
  {
    name: 'update_org_access_token',
    title: 'Update org token',
    description:
      "Change an org token's label, description or resources, or (de)activate it. resources " +
      `replaces the list (within your grants). ${OWNERS_ONLY}`,
    input: () =>
      z
        .strictObject({
          org,
          access_token_id: accessTokenId,
          label: label.optional(),
          description: description.optional(),
          resources: tokenResources.optional(),
          is_active: z.boolean().optional(),
        })
        .refine(
          (args) =>
            args.label !== undefined ||
            args.description !== undefined ||
            args.resources !== undefined ||
            args.is_active !== undefined,
          {
            message: 'give at least one of label, description, resources, is_active',
            path: ['label'],
          },
        ),
    method: 'PATCH',
    path: TOKEN_PATH,
    body: ['label', 'description', 'resources', 'is_active'],
    needsCredential: true,
    access: 'admin',
    resources: ['org:{org}'],
    grantsToken: 'resources',
    hints: ['I'],
    shape: single(orgTokenSummary),
  },
  {
    name: 'delete_org_access_token',
    title: 'Delete org token',
    description: `Delete an org access token for good (deactivating can be undone). ${OWNERS_ONLY}`,
    input: () => z.strictObject({ org, access_token_id: accessTokenId }),
    method: 'DELETE',
    path: TOKEN_PATH,
    needsCredential: true,
    access: 'admin',
    resources: ['org:{org}'],
    hints: ['D', 'I'],
    shape: (_response, args) => ({
      deleted: { org: args.org, access_token_id: args.access_token_id },
    }),
  },
];
