import { z } from 'zod';
import { orgUnlessOwnership } from './ownership.js';
import { group, org, page, pageSize, username } from './schemas.js';
import { asObject, compact, type Json, pageOf, single } from './shape.js';
import type { ToolEntry } from './types.js';

const ORG = 'org:{org}';
const GROUPS_PATH = '/v2/orgs/{org}/groups';
const GROUP_PATH = `${GROUPS_PATH}/{group}`;
const OWNERS_ONLY = 'Org owners only.';

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

const description = z.string();

export const groupTools: ToolEntry[] = [
  {
    name: 'list_org_groups',
    title: 'List teams',
    description:
      "List an org's teams (groups) with ids and member counts. Needs an org owner or editor.",
    input: () =>
      z.strictObject({
        org,
        username: username.optional().describe('Only groups this member is in'),
        search: search.optional().describe('Only names containing this'),
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
    title: 'Get team',
    description: 'Get a team by name: id, description, member count. Needs an org owner or editor.',
    input: () => z.strictObject({ org, group }),
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
    title: 'Create team',
    description: `Create an empty team (then add_group_member, assign_repository_group). ${OWNERS_ONLY}`,
    input: () =>
      z.strictObject({
        org,
        name: group,
        description: description.optional(),
      }),
    method: 'POST',
    path: GROUPS_PATH,
    body: ['name', 'description'],
    needsCredential: true,
    access: 'write',
    resources: [orgUnlessOwnership(['name'])],
    hints: [],
    shape: single(groupSummary),
  },
  {
    name: 'update_org_group',
    title: 'Replace team',
    description: `Replace a team's name and description (one field: patch_org_group). ${OWNERS_ONLY}`,
    input: () =>
      z.strictObject({
        org,
        group,
        name: group.describe('New name (the current one to keep it)'),
        description: description.optional(),
      }),
    method: 'PUT',
    path: GROUP_PATH,
    body: ['name', 'description'],
    needsCredential: true,
    access: 'write',
    resources: [orgUnlessOwnership(['group', 'name'])],
    hints: ['I'],
    shape: single(groupSummary),
  },
  {
    name: 'patch_org_group',
    title: 'Patch team',
    description: `Change a team's name and/or description; what is left out stays. ${OWNERS_ONLY}`,
    input: () =>
      z
        .strictObject({
          org,
          group,
          name: group.optional().describe('New name'),
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
    resources: [orgUnlessOwnership(['group', 'name'])],
    hints: ['I'],
    shape: single(groupSummary),
  },
  {
    name: 'delete_org_group',
    title: 'Delete team',
    description:
      'Delete a team for good; its members stay in the org but lose the repository access it ' +
      `gave. ${OWNERS_ONLY}`,
    input: () => z.strictObject({ org, group }),
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
      "List a team's members. Needs an org owner or editor; emails only for callers with " +
      'elevated rights.',
    input: () =>
      z.strictObject({
        org,
        group,
        search: search.optional().describe('Matches username, full name or email'),
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
    title: 'Add team member',
    description:
      'Add an org member to a team (no-op if already in; invite outsiders with bulk_invite). ' +
      OWNERS_ONLY,
    input: () =>
      z.strictObject({
        org,
        group,
        member: username.describe('Docker ID of an org member'),
      }),
    method: 'POST',
    path: `${GROUP_PATH}/members`,
    body: ['member'],
    needsCredential: true,
    access: 'write',
    resources: [orgUnlessOwnership(['group'])],
    hints: ['I'],
    // The spec documents no body for this 200: say what was done instead.
    shape: (_response, args) => ({
      added: { org: args.org, group: args.group, member: args.member },
    }),
  },
  {
    name: 'remove_group_member',
    title: 'Remove team member',
    description:
      'Remove a user from a team; they stay in the org but lose the repository access it gave. ' +
      OWNERS_ONLY,
    input: () => z.strictObject({ org, group, username }),
    method: 'DELETE',
    path: `${GROUP_PATH}/members/{username}`,
    needsCredential: true,
    access: 'write',
    resources: [orgUnlessOwnership(['group'])],
    hints: ['D', 'I'],
    shape: (_response, args) => ({
      removed: { org: args.org, group: args.group, username: args.username },
    }),
  },
];
