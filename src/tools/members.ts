import { z } from 'zod';
import type { HubResponse } from '../hub/connection.js';
import { org, page, pageSize, username } from './schemas.js';
import { asObject, compact, type Json, pageOf, single } from './shape.js';
import type { ToolEntry } from './types.js';

const ORG = 'org:{org}';
const MEMBERS_PATH = '/v2/orgs/{org}/members';
const OWNERS_ONLY = 'Org owners only.';

/**
 * The Hub capitalises roles (Owner, Editor, Member, Invitee); they are given in the lowercase
 * that update_org_member_role takes. A pending invite keeps its id, which cancel_invite takes.
 */
function memberSummary(value: unknown): Json {
  const member = asObject(value);
  const role = typeof member.role === 'string' ? member.role.toLowerCase() : undefined;
  const invitee = role === 'invitee' || member.type === 'Invitee';
  return compact({
    username: member.username || undefined,
    full_name: member.full_name || undefined,
    email: member.email || undefined,
    role,
    groups: Array.isArray(member.groups) ? member.groups : undefined,
    invite_id: invitee ? member.id : undefined,
    is_guest: member.is_guest === true ? true : undefined,
    // Only orgs with insights enabled get these.
    last_logged_in_at: member.last_logged_in_at,
    last_seen_at: member.last_seen_at,
    last_desktop_version: member.last_desktop_version,
  });
}

/** The export is CSV text, sent on as it is. */
function csvText(response: HubResponse): unknown {
  return typeof response.body === 'string' ? response.body : (response.body ?? '');
}

const role = z.enum(['owner', 'editor', 'member']);

export const memberTools: ToolEntry[] = [
  {
    name: 'list_org_members',
    fresh: true,
    title: 'List org members',
    description: "List an org's members with role and teams. Needs an org owner or editor.",
    input: () =>
      z.strictObject({
        org,
        search: z
          .string()
          .min(1, 'must be 1-255 characters')
          .max(255, 'must be 1-255 characters')
          .optional()
          .describe('Matches username, full name or email'),
        type: z.enum(['all', 'invitee', 'member']).optional().describe('Default: member'),
        role: role.optional(),
        invites: z.boolean().optional().describe('Include pending invites'),
        page,
        page_size: pageSize,
      }),
    paginated: true,
    method: 'GET',
    path: MEMBERS_PATH,
    query: ['search', 'type', 'role', 'invites', 'page', 'page_size'],
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: pageOf(memberSummary),
  },
  {
    name: 'export_org_members',
    fresh: true,
    accept: 'text/csv',
    title: 'Export members (CSV)',
    description:
      "Export an org's members as CSV: name, username, email, type, role, teams, joined. Needs " +
      'an org owner or editor.',
    input: () => z.strictObject({ org }),
    method: 'GET',
    path: `${MEMBERS_PATH}/export`,
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: csvText,
  },
  {
    name: 'update_org_member_role',
    title: 'Set member role',
    description:
      "Set a member's org role. The last owner cannot be demoted: promote someone else first. " +
      OWNERS_ONLY,
    input: () =>
      z.strictObject({
        org,
        username,
        role,
      }),
    method: 'PUT',
    path: `${MEMBERS_PATH}/{username}`,
    body: ['role'],
    needsCredential: true,
    access: 'admin',
    resources: [ORG],
    hints: ['I'],
    shape: single(memberSummary),
  },
  {
    name: 'remove_org_member',
    title: 'Remove org member',
    description:
      'Remove a member from the org and its teams; repository access ends at once. Not the last ' +
      `owner. ${OWNERS_ONLY}`,
    input: () =>
      z.strictObject({
        org,
        username,
      }),
    method: 'DELETE',
    path: `${MEMBERS_PATH}/{username}`,
    needsCredential: true,
    access: 'admin',
    resources: [ORG],
    hints: ['D', 'I'],
    shape: (_response, args) => ({ removed: { org: args.org, username: args.username } }),
  },
];
