import { z } from 'zod';
import { group, org, page, pageSize, username } from './schemas.js';
import { asObject, compact, type Json, pageOf, single } from './shape.js';
import type { ToolEntry } from './types.js';

const ORG = 'org:{org}';
const GROUPS_PATH = '/v2/orgs/{org}/groups';
const GROUP_PATH = `${GROUPS_PATH}/{group}`;
const OWNERS_ONLY = 'Docker Hub lets only owners of the organization do this.';

/** The id is kept: assign_repository_group takes it, not the name. */
function groupSummary(value: unknown): Json {
  const item = asObject(value);
  return compact({
    id: item.id,
    name: item.name,
    description: item.description || undefined,
    member_count: item.member_count,
  });
}

function groupMemberSummary(value: unknown): Json {
  const user = asObject(value);
  return compact({
    username: user.username,
    full_name: user.full_name || undefined,
    // The Hub includes emails only for callers with elevated rights in the org.
    email: user.email || undefined,
  });
}

const search = z.string().min(1, 'must be 1-255 characters').max(255, 'must be 1-255 characters');

const description = z.string().describe('Description of the group');

export const groupTools: ToolEntry[] = [
  {
    name: 'list_org_groups',
    title: 'List teams',
    description:
      "List an organization's groups (teams) with their ids and member counts, paginated. Needs " +
      'an owner or editor of the org; username lists only the groups that user is in.',
    input: z.strictObject({
      org,
      username: username.optional().describe('Only the groups this member of the org is in'),
      search: search.optional().describe('Only groups whose name contains this text'),
      page,
      page_size: pageSize,
    }),
    paginated: true,
    method: 'GET',
    path: GROUPS_PATH,
    query: ['page', 'page_size', 'username', 'search'],
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: pageOf(groupSummary),
  },
  {
    name: 'get_org_group',
    title: 'Get a team',
    description:
      'Get one group (team) of an organization by name: its id, description and member count. ' +
      'Needs an owner or editor of the org.',
    input: z.strictObject({ org, group }),
    method: 'GET',
    path: GROUP_PATH,
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: single(groupSummary),
  },
  {
    name: 'create_org_group',
    title: 'Create a team',
    description:
      'Create a group (team) in an organization; it starts empty (add people with ' +
      `add_group_member, give it repositories with assign_repository_group). ${OWNERS_ONLY}`,
    input: z.strictObject({
      org,
      name: group.describe('Name of the new group'),
      description: description.optional(),
    }),
    method: 'POST',
    path: GROUPS_PATH,
    body: ['name', 'description'],
    needsCredential: true,
    access: 'write',
    resources: [ORG],
    hints: [],
    shape: single(groupSummary),
  },
  {
    name: 'update_org_group',
    title: 'Replace a team',
    description:
      "Set a group's name and description (PUT): name is required, so give the current name to " +
      `keep it. To change one field only, use patch_org_group. ${OWNERS_ONLY}`,
    input: z.strictObject({
      org,
      group,
      name: group.describe('The name the group will have (its current name to keep it)'),
      description: description.optional(),
    }),
    method: 'PUT',
    path: GROUP_PATH,
    body: ['name', 'description'],
    needsCredential: true,
    access: 'write',
    resources: [ORG],
    hints: ['I'],
    shape: single(groupSummary),
  },
  {
    name: 'patch_org_group',
    title: 'Rename or redescribe a team',
    description:
      "Change a group's name, description or both (PATCH: what is not given stays as it is). " +
      OWNERS_ONLY,
    input: z
      .strictObject({
        org,
        group,
        name: group.optional().describe('New name for the group'),
        description: description.optional(),
      })
      .refine((args) => args.name !== undefined || args.description !== undefined, {
        message: 'give name, description or both',
        path: ['name'],
      }),
    method: 'PATCH',
    path: GROUP_PATH,
    body: ['name', 'description'],
    needsCredential: true,
    access: 'write',
    resources: [ORG],
    hints: ['I'],
    shape: single(groupSummary),
  },
  {
    name: 'delete_org_group',
    title: 'Delete a team',
    description:
      'Delete a group (team) of an organization. Its members stay in the org but lose the ' +
      `repository access the group gave them; this cannot be undone. ${OWNERS_ONLY}`,
    input: z.strictObject({ org, group }),
    method: 'DELETE',
    path: GROUP_PATH,
    needsCredential: true,
    access: 'admin',
    resources: [ORG],
    hints: ['D', 'I'],
    shape: (_response, args) => ({ deleted: { org: args.org, group: args.group } }),
  },
  {
    name: 'list_group_members',
    title: 'List team members',
    description:
      'List the members of a group (team) with their usernames, paginated. Needs an owner or ' +
      'editor of the org; emails appear only for callers with elevated rights.',
    input: z.strictObject({
      org,
      group,
      search: search.optional().describe('Only members whose username, full name or email match'),
      page,
      page_size: pageSize,
    }),
    paginated: true,
    method: 'GET',
    path: `${GROUP_PATH}/members`,
    query: ['page', 'page_size', 'search'],
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: pageOf(groupMemberSummary),
  },
  {
    name: 'add_group_member',
    title: 'Add someone to a team',
    description:
      'Add a member of the organization to one of its groups (teams); adding someone already ' +
      `in it changes nothing. Invite people to the org first (bulk_invite). ${OWNERS_ONLY}`,
    input: z.strictObject({
      org,
      group,
      member: username.describe('Docker ID of the org member to add'),
    }),
    method: 'POST',
    path: `${GROUP_PATH}/members`,
    body: ['member'],
    needsCredential: true,
    access: 'write',
    resources: [ORG],
    hints: ['I'],
    // The spec documents no body for this 200: say what was done instead.
    shape: (_response, args) => ({
      added: { org: args.org, group: args.group, member: args.member },
    }),
  },
  {
    name: 'remove_group_member',
    title: 'Remove someone from a team',
    description:
      'Take a user out of a group (team). They stay in the organization, but lose the ' +
      `repository access the group gave them. ${OWNERS_ONLY}`,
    input: z.strictObject({ org, group, username }),
    method: 'DELETE',
    path: `${GROUP_PATH}/members/{username}`,
    needsCredential: true,
    access: 'write',
    resources: [ORG],
    hints: ['D', 'I'],
    shape: (_response, args) => ({
      removed: { org: args.org, group: args.group, username: args.username },
    }),
  },
];
