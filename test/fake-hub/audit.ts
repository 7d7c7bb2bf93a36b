import { type AuditEvent, appendAudit, type HubState } from './state.js';

/**
 * Builders for the audit events the fake records, seeded or caused by requests. An event's action
 * is '<group>.<name>' of the catalogue in views.ts (AUDIT_ACTIONS), e.g. 'repo.tag.push'.
 */

function shortDigest(digest: string): string {
  return digest.slice(0, 20);
}

export function auditOrgCreated(state: HubState, org: string, actor: string, at?: string) {
  return add(state, org, 'org.create', org, actor, {}, `created the organization ${org}`, at);
}

export function auditTeamCreated(
  state: HubState,
  org: string,
  team: string,
  actor: string,
  at?: string,
): AuditEvent {
  return add(state, org, 'org.team.create', org, actor, { team }, `created the team ${team}`, at);
}

export function auditTeamDeleted(state: HubState, org: string, team: string, actor: string) {
  return add(state, org, 'org.team.delete', org, actor, { team }, `deleted the team ${team}`);
}

export function auditTeamMemberAdded(
  state: HubState,
  org: string,
  team: string,
  username: string,
  actor: string,
  at?: string,
): AuditEvent {
  const description = `added ${username} to the team ${team}`;
  return add(state, org, 'org.team.member.add', username, actor, { team }, description, at);
}

export function auditTeamMemberRemoved(
  state: HubState,
  org: string,
  team: string,
  username: string,
  actor: string,
): AuditEvent {
  const description = `removed ${username} from the team ${team}`;
  return add(state, org, 'org.team.member.remove', username, actor, { team }, description);
}

export function auditInvited(
  state: HubState,
  org: string,
  invitee: string,
  role: string,
  actor: string,
  at?: string,
): AuditEvent {
  const description = `invited ${invitee} to the organization ${org} as ${role}`;
  return add(state, org, 'org.team.member.invite', invitee, actor, { role }, description, at);
}

export function auditMemberRemoved(state: HubState, org: string, username: string, actor: string) {
  const description = `removed ${username} from the organization ${org}`;
  return add(state, org, 'org.member.removed', username, actor, {}, description);
}

export function auditRepoCreated(
  state: HubState,
  namespace: string,
  repository: string,
  actor: string,
  at?: string,
): AuditEvent {
  const name = `${namespace}/${repository}`;
  return add(
    state,
    namespace,
    'repo.create',
    name,
    actor,
    {},
    `created the repository ${name}`,
    at,
  );
}

export function auditPrivacyChanged(
  state: HubState,
  namespace: string,
  repository: string,
  isPrivate: boolean,
  actor: string,
  at?: string,
): AuditEvent {
  const name = `${namespace}/${repository}`;
  const description = `made the repository ${name} ${isPrivate ? 'private' : 'public'}`;
  const data = { private: String(isPrivate) };
  return add(state, namespace, 'repo.change_privacy', name, actor, data, description, at);
}

export function auditTagPushed(
  state: HubState,
  namespace: string,
  repository: string,
  tag: string,
  digest: string,
  actor: string,
  at?: string,
): AuditEvent {
  const name = `${namespace}/${repository}`;
  const description = `pushed the tag ${tag} with the digest ${shortDigest(digest)} to the repository ${name}`;
  return add(state, namespace, 'repo.tag.push', name, actor, { digest, tag }, description, at);
}

export function auditTagDeleted(
  state: HubState,
  namespace: string,
  repository: string,
  tag: string,
  digest: string,
  actor: string,
  at?: string,
): AuditEvent {
  const name = `${namespace}/${repository}`;
  const description = `deleted the tag ${tag} with the digest ${shortDigest(digest)} from the repository ${name}`;
  return add(state, namespace, 'repo.tag.delete', name, actor, { digest, tag }, description, at);
}

function add(
  state: HubState,
  account: string,
  action: string,
  name: string,
  actor: string,
  data: Record<string, string>,
  description: string,
  at?: string,
): AuditEvent {
  // Only orgs keep an audit log.
  const event = { account, action, name, actor, data, action_description: description };
  if (!state.orgs.has(account)) return { ...event, timestamp: at ?? new Date().toISOString() };
  return appendAudit(state, at === undefined ? event : { ...event, timestamp: at });
}
