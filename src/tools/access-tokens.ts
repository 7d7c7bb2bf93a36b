import { z } from 'zod';
import { dateTime, page, pageSize, uuid } from './schemas.js';
import { asObject, compact, type Json, pageOf, single, withNewSecret } from './shape.js';
import type { ToolEntry } from './types.js';

const SCOPES = ['repo:admin', 'repo:write', 'repo:read', 'repo:public_read'] as const;
const LABEL_RULE = 'must be 1-100 characters';
const USER_ONLY = 'Needs a user credential (an org token gets 403).';

const tokenLabel = z.string().min(1, LABEL_RULE).max(100, LABEL_RULE);

const tokenUuid = uuid.describe('From list_personal_access_tokens');

/**
 * Metadata only. `token` is never read here: the Hub sends "" outside creation, and a shaper that
 * cannot see the field cannot leak it if that ever changes.
 */
function patSummary(value: unknown): Json {
  const pat = asObject(value);
  return compact({
    uuid: pat.uuid,
    token_label: pat.token_label,
    scopes: pat.scopes,
    is_active: pat.is_active,
    created_at: pat.created_at,
    last_used: pat.last_used,
    expires_at: pat.expires_at,
  });
}

export const accessTokenTools: ToolEntry[] = [
  {
    name: 'list_personal_access_tokens',
    fresh: true,
    title: 'List PATs',
    description: `List the account's personal access tokens (no secrets). ${USER_ONLY}`,
    input: () => z.strictObject({ page, page_size: pageSize }),
    paginated: true,
    method: 'GET',
    path: '/v2/access-tokens',
    query: ['page', 'page_size'],
    needsCredential: true,
    access: 'read',
    resources: ['account'],
    hints: ['RO'],
    shape: (response, args) => ({
      ...pageOf(patSummary)(response, args),
      active_count: asObject(response.body).active_count,
    }),
  },
  {
    name: 'get_personal_access_token',
    fresh: true,
    title: 'Get PAT',
    description: `Get a personal access token (no secret). ${USER_ONLY}`,
    input: () => z.strictObject({ uuid: tokenUuid }),
    method: 'GET',
    path: '/v2/access-tokens/{uuid}',
    needsCredential: true,
    access: 'read',
    resources: ['account'],
    hints: ['RO'],
    shape: single(patSummary),
  },
  {
    name: 'create_personal_access_token',
    revealsSecret: true,
    title: 'Create PAT',
    description:
      'Create a personal access token. Its "token" is the secret, shown once: ' +
      'store it now. Scopes are final. Needs a user credential with repo:admin (an org token ' +
      'gets 403).',
    input: () =>
      z.strictObject({
        token_label: tokenLabel,
        scopes: z
          .array(z.enum(SCOPES, { error: `must be one of ${SCOPES.join(', ')}` }))
          .min(1, 'must name at least one scope')
          .max(SCOPES.length, `must name at most ${SCOPES.length} scopes`),
        expires_at: dateTime.optional().describe('Future expiry; none if left out'),
      }),
    method: 'POST',
    path: '/v2/access-tokens',
    body: ['token_label', 'scopes', 'expires_at'],
    escapesGrants:
      'a personal access token cannot be limited to repositories: its scopes reach every ' +
      "repository and organization the credential's account can, whatever this agent's " +
      'repository grants say, and the agent receives its secret',
    needsCredential: true,
    access: 'admin',
    resources: ['account'],
    hints: [],
    shape: withNewSecret(patSummary),
  },
  {
    name: 'update_personal_access_token',
    title: 'Update PAT',
    description:
      "Rename, deactivate or reactivate a personal access token. Deactivating hubgate's own " +
      `token cuts this agent off. ${USER_ONLY}`,
    input: () =>
      z
        .strictObject({
          uuid: tokenUuid,
          token_label: tokenLabel.optional(),
          is_active: z.boolean().optional(),
        })
        .refine((args) => args.token_label !== undefined || args.is_active !== undefined, {
          message: 'give token_label, is_active or both',
          path: ['token_label'],
        }),
    method: 'PATCH',
    path: '/v2/access-tokens/{uuid}',
    body: ['token_label', 'is_active'],
    needsCredential: true,
    access: 'admin',
    resources: ['account'],
    hints: ['I'],
    shape: single(patSummary),
  },
  {
    name: 'delete_personal_access_token',
    title: 'Delete PAT',
    description:
      "Delete a personal access token (deactivating can be undone). Deleting hubgate's " +
      `own token cuts this agent off. ${USER_ONLY}`,
    input: () => z.strictObject({ uuid: tokenUuid }),
    method: 'DELETE',
    path: '/v2/access-tokens/{uuid}',
    needsCredential: true,
    access: 'admin',
    resources: ['account'],
    hints: ['D', 'I'],
    shape: (_response, args) => ({ deleted: { uuid: args.uuid } }),
  },
];
