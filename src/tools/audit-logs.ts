import { z } from 'zod';
import type { HubResponse } from '../hub/connection.js';
import { dateTime, org, page, pageSize } from './schemas.js';
import { asObject, compact, type Json } from './shape.js';
import type { Args, ToolEntry } from './types.js';

const ORG = 'org:{org}';
/** `name: "acme/app"` asks about a repository; a name without a slash is the org or a member. */
const REPOSITORY_NAME = { argument: 'name', matches: /^[a-z0-9._-]+\/[a-z0-9._-]+$/ };
const AUDIT_PATH = '/v2/auditlogs/{org}';

/** The account is the org asked for, so it is left out. */
function eventSummary(value: unknown): Json {
  const event = asObject(value);
  const data = asObject(event.data);
  return compact({
    timestamp: event.timestamp,
    action: event.action,
    actor: event.actor,
    name: event.name,
    description:
      typeof event.action_description === 'string'
        ? event.action_description.trim() || undefined
        : undefined,
    data: Object.keys(data).length > 0 ? data : undefined,
  });
}

/**
 * The Hub answers only `{logs}`, with no count and no next link: a full page is the only sign
 * that another may follow, and an empty page is what lies past the end.
 */
function eventsPage(response: HubResponse, args: Args): Json {
  const logs = asObject(response.body).logs;
  const events = Array.isArray(logs) ? logs : [];
  return {
    items: events.map(eventSummary),
    page: args.page,
    page_size: args.page_size,
    has_more: events.length >= (args.page_size as number),
  };
}

/** `{actions: {org: {label, actions: [{name, label}]}}}` as the names the filter takes. */
function actionList(response: HubResponse): Json {
  const groups = asObject(asObject(response.body).actions);
  const actions = Object.entries(groups).flatMap(([group, value]) => {
    const listed = asObject(value).actions;
    return (Array.isArray(listed) ? listed : []).map((item) => {
      const action = asObject(item);
      return compact({ action: `${group}.${String(action.name)}`, label: action.label });
    });
  });
  return { actions };
}

const filterText = z
  .string()
  .min(1, 'must be 1-255 characters')
  .max(255, 'must be 1-255 characters');

const action = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(
    /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/,
    'must be an action name like "repo.tag.push" (see list_audit_log_actions)',
  )
  .describe('e.g. "repo.tag.push"; see list_audit_log_actions');

export const auditLogTools: ToolEntry[] = [
  {
    name: 'list_audit_logs',
    fresh: true,
    title: 'List audit log',
    description:
      "List an org's audit log, newest first. Needs an org owner or editor. No total; has_more " +
      'means the page was full.',
    input: () =>
      z
        .strictObject({
          org,
          action: action.optional(),
          name: filterText
            .optional()
            .describe('Only events about this repo ("acme/app"), org or member'),
          actor: filterText.optional().describe('Only events by this user or token'),
          from: dateTime.optional().describe('Events at or after'),
          to: dateTime.optional().describe('Events at or before'),
          page,
          page_size: pageSize.unwrap().default(25),
        })
        .refine(
          (args) =>
            args.from === undefined ||
            args.to === undefined ||
            Date.parse(args.from) <= Date.parse(args.to),
          { message: 'must not be after to', path: ['from'] },
        ),
    method: 'GET',
    path: AUDIT_PATH,
    query: ['action', 'name', 'actor', 'from', 'to', 'page', 'page_size'],
    needsCredential: true,
    access: 'read',
    // A filter on a repository is a question about it: outside the grants, the answer (events or
    // none) would say whether it exists.
    resources: [ORG, { template: 'repo:{name}', access: 'read', onlyWhen: REPOSITORY_NAME }],
    itemResource: (event) =>
      typeof event.action === 'string' && event.action.startsWith('repo.')
        ? `repo:${String(event.name)}`
        : undefined,
    redactHidden: {
      list: 'logs',
      keep: ['timestamp', 'action', 'actor'],
      label: "(a repository outside this agent's grants)",
    },
    hints: ['RO'],
    shape: eventsPage,
  },
  {
    name: 'list_audit_log_actions',
    fresh: true,
    title: 'List audit actions',
    description:
      'List the action names list_audit_logs can filter by. Needs an org owner or editor.',
    input: () => z.strictObject({ org }),
    method: 'GET',
    path: `${AUDIT_PATH}/actions`,
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: actionList,
  },
];
