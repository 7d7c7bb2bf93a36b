import { randomUUID } from 'node:crypto';
import { requireCaller, requireOrgRole } from './access.js';
import { auditInvited, auditMemberRemoved } from './audit.js';
import { paginate, parsePaging } from './pagination.js';
import { badRequest, forbidden, noContent, notFound, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import {
  findGroup,
  findInvite,
  type InviteRecord,
  invitesOf,
  type OrgRecord,
  type OrgRole,
  removeOrgMember,
  type UserRecord,
} from './state.js';
import {
  booleanParam,
  enumParam,
  objectBody,
  optionalBoolean,
  optionalEnum,
  optionalString,
  requireString,
  requireStringArray,
} from './validate.js';
import { inviteeMemberView, inviteView, membersCsv, orgMemberView } from './views.js';

const MEMBERS_PATH = '/v2/orgs/:org/members';
const ROLES = ['owner', 'editor', 'member'] as const;
const TYPES = ['all', 'invitee', 'member'] as const;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The org's members as user records, by username. */
function membersOf(ctx: RouteContext, org: OrgRecord): UserRecord[] {
  return [...org.members.keys()]
    .map((username) => ctx.state.users.get(username))
    .filter((user): user is UserRecord => user !== undefined)
    .sort((a, b) => a.username.localeCompare(b.username));
}

function ownerCount(org: OrgRecord): number {
  return [...org.members.values()].filter((role) => role === 'owner').length;
}

type Row = { kind: 'member'; user: UserRecord } | { kind: 'invitee'; invite: InviteRecord };

/**
 * type picks members, invitees or both; without it, members only, plus invitees when
 * invites=true. search matches username, full name or email; role filters members.
 */
function listMembers(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  const paging = parsePaging(ctx.query);
  const includeInvites = booleanParam(ctx.query, 'invites') ?? false;
  const type = enumParam(ctx.query, 'type', TYPES) ?? (includeInvites ? 'all' : 'member');
  const role = enumParam(ctx.query, 'role', ROLES);
  const search = (ctx.query.get('search') ?? '').toLowerCase();
  const matches = (...fields: string[]) => fields.some((f) => f.toLowerCase().includes(search));
  const rows: Row[] = [];
  if (type !== 'invitee') {
    for (const user of membersOf(ctx, org)) {
      if (role !== undefined && org.members.get(user.username) !== role) continue;
      if (matches(user.username, user.full_name, user.email)) rows.push({ kind: 'member', user });
    }
  }
  if (type !== 'member' && role === undefined) {
    for (const invite of invitesOf(ctx.state, org.orgname)) {
      if (matches(invite.invitee)) rows.push({ kind: 'invitee', invite });
    }
  }
  return paginate(
    ctx,
    rows,
    (row) => (row.kind === 'member' ? orgMemberView(org, row.user) : inviteeMemberView(row.invite)),
    paging,
  );
}

function exportMembers(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  return {
    status: 200,
    text: membersCsv(org, membersOf(ctx, org)),
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${org.orgname}-members.csv"`,
    },
  };
}

function member(ctx: RouteContext, org: OrgRecord): { user: UserRecord; role: OrgRole } {
  const username = param(ctx, 'username');
  const role = org.members.get(username);
  const user = ctx.state.users.get(username);
  if (!role || !user) throw notFound({ org: org.orgname, username });
  return { user, role };
}

function updateMemberRole(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const body = objectBody(ctx.body);
  const role = optionalEnum(body, 'role', ROLES);
  if (role === undefined) throw badRequest('role', 'role is required: owner, editor or member');
  const target = member(ctx, org);
  if (target.role === 'owner' && role !== 'owner' && ownerCount(org) === 1) {
    throw forbidden('The last owner of the organization cannot be demoted.');
  }
  org.members.set(target.user.username, role);
  return ok(orgMemberView(org, target.user));
}

/** Out of the org and every group of it; the last owner stays. */
function removeMember(ctx: RouteContext): Reply {
  const { org, actor } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const target = member(ctx, org);
  if (target.role === 'owner' && ownerCount(org) === 1) {
    throw forbidden('The last owner of the organization cannot be removed.');
  }
  removeOrgMember(org, target.user.username);
  auditMemberRemoved(ctx.state, org.orgname, target.user.username, actor);
  return noContent();
}

function listInvites(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  const invites = [...invitesOf(ctx.state, org.orgname)].sort((a, b) =>
    a.created_at.localeCompare(b.created_at),
  );
  return ok({ data: invites.map(inviteView) });
}

/** An invite by id, for an owner of its org; others see 404 or 403 as for the org itself. */
function ownedInvite(ctx: RouteContext): InviteRecord {
  requireCaller(ctx);
  const id = param(ctx, 'id');
  const invite = findInvite(ctx.state, id);
  if (!invite) throw notFound({ id });
  requireOrgRole(ctx, invite.org, 'owner');
  return invite;
}

function cancelInvite(ctx: RouteContext): Reply {
  const invite = ownedInvite(ctx);
  ctx.state.invites = ctx.state.invites.filter((i) => i !== invite);
  return noContent();
}

function resendInvite(ctx: RouteContext): Reply {
  ownedInvite(ctx).resent_count++;
  return noContent();
}

function findUser(ctx: RouteContext, invitee: string): UserRecord | undefined {
  const lower = invitee.toLowerCase();
  return (
    ctx.state.users.get(lower) ??
    [...ctx.state.users.values()].find((u) => u.email.toLowerCase() === lower)
  );
}

/** 202 with a status per invitee: invited, existing_org_member or invalid_email_or_docker_id. */
function bulkInvite(ctx: RouteContext): Reply {
  requireCaller(ctx);
  const body = objectBody(ctx.body);
  const { org, actor } = requireOrgRole(ctx, requireString(body, 'org'), 'owner');
  const invitees = requireStringArray(body, 'invitees');
  if (invitees.length === 0) throw badRequest('invitees', 'invitees must not be empty');
  const team = optionalString(body, 'team');
  if (team !== undefined && !findGroup(org, team)) {
    throw badRequest('team', `team ${team} does not exist in ${org.orgname}`);
  }
  const role = optionalEnum(body, 'role', ROLES) ?? 'member';
  const dryRun = optionalBoolean(body, 'dry_run') ?? false;

  const results: unknown[] = [];
  for (const invitee of [...new Set(invitees.map((i) => i.trim()))]) {
    const user = findUser(ctx, invitee);
    if (user && org.members.has(user.username)) {
      results.push({ invitee, status: 'existing_org_member' });
      continue;
    }
    if (!user && !EMAIL.test(invitee)) {
      results.push({ invitee, status: 'invalid_email_or_docker_id' });
      continue;
    }
    const pending = invitesOf(ctx.state, org.orgname).find(
      (i) => i.invitee.toLowerCase() === invitee.toLowerCase(),
    );
    const invite: InviteRecord = pending ?? {
      id: randomUUID(),
      org: org.orgname,
      team: team ?? null,
      role,
      inviter_username: actor,
      invitee,
      created_at: new Date().toISOString(),
      resent_count: 0,
    };
    if (!pending && !dryRun) {
      ctx.state.invites.push(invite);
      auditInvited(ctx.state, org.orgname, invitee, role, actor);
    }
    results.push({ invitee, status: 'invited', invite: inviteView(invite) });
  }
  return ok({ invitees: results }, 202);
}

export const memberRoutes: Route[] = [
  { method: 'GET', pattern: MEMBERS_PATH, handler: listMembers },
  { method: 'GET', pattern: `${MEMBERS_PATH}/export`, handler: exportMembers },
  { method: 'PUT', pattern: `${MEMBERS_PATH}/:username`, handler: updateMemberRole },
  { method: 'DELETE', pattern: `${MEMBERS_PATH}/:username`, handler: removeMember },
  { method: 'GET', pattern: '/v2/orgs/:org/invites', handler: listInvites },
  { method: 'POST', pattern: '/v2/invites/bulk', handler: bulkInvite },
  { method: 'DELETE', pattern: '/v2/invites/:id', handler: cancelInvite },
  { method: 'PATCH', pattern: '/v2/invites/:id/resend', handler: resendInvite },
];
