import { z } from 'zod';
import { orgUnlessOwnership } from './ownership.js';
import { group, org } from './schemas.js';
import type { Confirmation, ToolEntry } from './types.js';

const inviteId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an invite id from list_org_invites')
  .describe('From list_org_invites');

/** The invite endpoints take only an id: confirm it is one of this org's before acting on it. */
const belongsToOrg: Confirmation = {
  path: '/v2/orgs/{org}/invites',
  list: 'data',
  itemField: 'id',
  argument: 'id',
  refusal: 'invite {id} is not a pending invite of org {org}',
};

export const inviteTools: ToolEntry[] = [
  {
    name: 'list_org_invites',
    fresh: true,
    title: 'List invites',
    description: "List an org's pending invites with their ids. Needs an org owner or editor.",
    input: () => z.strictObject({ org }),
    method: 'GET',
    path: '/v2/orgs/{org}/invites',
    access: 'read',
    resources: ['org:{org}'],
    hints: ['RO'],
    shape: (response) => {
      const data = (response.body as { data?: unknown[] } | undefined)?.data ?? [];
      return { items: data, count: data.length };
    },
  },
  {
    name: 'cancel_invite',
    title: 'Cancel invite',
    description: 'Cancel a pending invite; refused unless it belongs to the org given.',
    input: () => z.strictObject({ org, id: inviteId }),
    method: 'DELETE',
    path: '/v2/invites/{id}',
    access: 'write',
    resources: ['org:{org}'],
    hints: ['D', 'I'],
    confirm: belongsToOrg,
    shape: (_response, args) => ({ cancelled: { org: args.org, id: args.id } }),
  },
  {
    name: 'resend_invite',
    title: 'Resend invite',
    description: 'Resend a pending invite; refused unless it belongs to the org given.',
    input: () => z.strictObject({ org, id: inviteId }),
    method: 'PATCH',
    path: '/v2/invites/{id}/resend',
    access: 'write',
    resources: ['org:{org}'],
    hints: ['I'],
    confirm: belongsToOrg,
    shape: (_response, args) => ({ resent: { org: args.org, id: args.id } }),
  },
  {
    name: 'bulk_invite',
    title: 'Invite to org',
    description:
      'Invite Docker IDs or emails to an org, optionally into a team. Owners (by role or team) ' +
      'need org admin.',
    input: () =>
      z.strictObject({
        org,
        invitees: z
          .array(z.string().min(1).max(255))
          .min(1, 'must name at least one invitee')
          .max(1000, 'must name at most 1000 invitees')
          .describe('Docker IDs or emails'),
        team: group.optional().describe('Team to add them to'),
        role: z.enum(['owner', 'editor', 'member']).default('member'),
        dry_run: z.boolean().default(false).describe('Validate only, invite nobody'),
      }),
    method: 'POST',
    path: '/v2/invites/bulk',
    body: ['org', 'team', 'role', 'invitees', 'dry_run'],
    access: 'write',
    resources: [orgUnlessOwnership(['team'])],
    hints: [],
    shape: (response) => response.body ?? {},
  },
];
