import { randomUUID } from 'node:crypto';
import { requireOrgRole } from './access.js';
import {
  auditTeamCreated,
  auditTeamDeleted,
  auditTeamMemberAdded,
  auditTeamMemberRemoved,
} from './audit.js';
import { paginate, parsePaging } from './pagination.js';
import { badRequest, conflict, noContent, notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { findGroup, type GroupRecord, type OrgRecord, type UserRecord } from './state.js';
import { objectBody, optionalString, requireString } from './validate.js';
import { groupMemberView, groupView } from './views.js';

const GROUPS_PATH = '/v2/orgs/:org/groups';
const GROUP_PATH = `${GROUPS_PATH}/:group`;
const GROUP_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,79}$/;

function group(ctx: RouteContext, org: OrgRecord): GroupRecord {
  const name = param(ctx, 'group');
  const found = findGroup(org, name);
  if (!found) throw notFound({ org: org.orgname, group: name });
  return found;
}

/** A new name must be valid and not taken by another group of the org. */
function checkName(org: OrgRecord, name: string, self?: GroupRecord): string {
  if (!GROUP_NAME.test(name)) {
    throw badRequest('name', 'name must be 1-80 letters, digits, dots, dashes or underscores');
  }
  const taken = findGroup(org, name);
  if (taken && taken !== self)
    throw conflict('group already exists', { org: org.orgname, group: name });
  return name;
}

function rename(ctx: RouteContext, group: GroupRecord, name: string): void {
  group.name = name;
  // Repository grants carry the group's name.
  for (const repo of ctx.state.repos) {
    for (const grant of repo.groups) if (grant.group_id === group.id) grant.group_name = name;
  }
}

function listGroups(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  const paging = parsePaging(ctx.query);
  const username = ctx.query.get('username') || undefined;
  const search = (ctx.query.get('search') ?? '').toLowerCase();
  const groups = org.groups
    .filter((g) => username === undefined || g.members.includes(username))
    .filter((g) => g.name.toLowerCase().includes(search))
    .sort((a, b) => a.name.localeCompare(b.name));
  return paginate(ctx, groups, groupView, paging);
}

function createGroup(ctx: RouteContext): Reply {
  const { org, actor } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const body = objectBody(ctx.body);
  const name = checkName(org, requireString(body, 'name'));
  const created: GroupRecord = {
    id: ctx.state.nextId(),
    uuid: randomUUID(),
    name,
    description: optionalString(body, 'description') ?? '',
    members: [],
  };
  org.groups.push(created);
  auditTeamCreated(ctx.state, org.orgname, name, actor);
  return ok(groupView(created), 201);
}

function getGroup(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  return ok(groupView(group(ctx, org)));
}

/** PUT needs name; PATCH takes name and description, both optional. */
function updateGroup(ctx: RouteContext, nameRequired: boolean): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const target = group(ctx, org);
  const body = objectBody(ctx.body);
  const name = nameRequired ? requireString(body, 'name') : optionalString(body, 'name');
  const description = optionalString(body, 'description');
  if (name !== undefined) rename(ctx, target, checkName(org, name, target));
  if (description !== undefined) target.description = description;
  return ok(groupView(target));
}

function deleteGroup(ctx: RouteContext): Reply {
  const { org, actor } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const target = group(ctx, org);
  org.groups = org.groups.filter((g) => g !== target);
  for (const repo of ctx.state.repos) {
    repo.groups = repo.groups.filter((grant) => grant.group_id !== target.id);
  }
  auditTeamDeleted(ctx.state, org.orgname, target.name, actor);
  return noContent();
}

function listGroupMembers(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  const paging = parsePaging(ctx.query);
  const target = group(ctx, org);
  const search = (ctx.query.get('search') ?? '').toLowerCase();
  const users = target.members
    .map((username) => ctx.state.users.get(username))
    .filter((user): user is UserRecord => user !== undefined)
    .filter((u) => [u.username, u.full_name, u.email].some((f) => f.toLowerCase().includes(search)))
    .sort((a, b) => a.username.localeCompare(b.username));
  return paginate(ctx, users, groupMemberView, paging);
}

/** The user must already be a member of the org (404 otherwise); adding twice is a no-op. */
function addGroupMember(ctx: RouteContext): Reply {
  const { org, actor } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const target = group(ctx, org);
  const username = requireString(objectBody(ctx.body), 'member');
  const user = ctx.state.users.get(username);
  if (!user || !org.members.has(username)) throw notFound({ org: org.orgname, member: username });
  if (!target.members.includes(username)) {
    target.members.push(username);
    auditTeamMemberAdded(ctx.state, org.orgname, target.name, username, actor);
  }
  return ok(groupMemberView(user));
}

function removeGroupMember(ctx: RouteContext): Reply {
  const { org, actor } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const target = group(ctx, org);
  const username = param(ctx, 'username');
  if (!target.members.includes(username)) {
    throw notFound({ org: org.orgname, group: target.name, username });
  }
  target.members = target.members.filter((m) => m !== username);
  auditTeamMemberRemoved(ctx.state, org.orgname, target.name, username, actor);
  return noContent();
}

export const groupRoutes: Route[] = [
  { method: 'GET', pattern: GROUPS_PATH, handler: listGroups },
  { method: 'POST', pattern: GROUPS_PATH, handler: createGroup },
  { method: 'GET', pattern: GROUP_PATH, handler: getGroup },
  { method: 'PUT', pattern: GROUP_PATH, handler: (ctx) => updateGroup(ctx, true) },
  { method: 'PATCH', pattern: GROUP_PATH, handler: (ctx) => updateGroup(ctx, false) },
  { method: 'DELETE', pattern: GROUP_PATH, handler: deleteGroup },
  { method: 'GET', pattern: `${GROUP_PATH}/members`, handler: listGroupMembers },
  { method: 'POST', pattern: `${GROUP_PATH}/members`, handler: addGroupMember },
  { method: 'DELETE', pattern: `${GROUP_PATH}/members/:username`, handler: removeGroupMember },
];
