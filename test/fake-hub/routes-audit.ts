import { requireOrgRole } from './access.js';
import { parsePaging } from './pagination.js';
import { ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { auditEventsOf } from './state.js';
import { dateTimeParam } from './validate.js';
import { auditActionsView, auditLogView } from './views.js';

/**
 * GET /v2/auditlogs/{account}: newest first. The spec's answer is only {logs}, with no count or
 * links, so a page past the end is simply empty.
 */
function listAuditLogs(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'account'), 'read');
  const { page, pageSize } = parsePaging(ctx.query, 25);
  const from = dateTimeParam(ctx.query, 'from');
  const to = dateTimeParam(ctx.query, 'to');
  const action = ctx.query.get('action') || undefined;
  const name = ctx.query.get('name') || undefined;
  const actor = ctx.query.get('actor') || undefined;
  const fromMs = from === undefined ? undefined : Date.parse(from);
  const toMs = to === undefined ? undefined : Date.parse(to);
  const events = auditEventsOf(ctx.state, org.orgname)
    .filter((e) => action === undefined || e.action === action)
    .filter((e) => name === undefined || e.name === name)
    .filter((e) => actor === undefined || e.actor === actor)
    .filter((e) => fromMs === undefined || Date.parse(e.timestamp) >= fromMs)
    .filter((e) => toMs === undefined || Date.parse(e.timestamp) <= toMs)
    // Newest first; among equal timestamps, the one recorded last.
    .reverse()
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  const start = (page - 1) * pageSize;
  return ok({ logs: events.slice(start, start + pageSize).map(auditLogView) });
}

function listAuditActions(ctx: RouteContext): Reply {
  requireOrgRole(ctx, param(ctx, 'account'), 'read');
  return ok(auditActionsView());
}

export const auditRoutes: Route[] = [
  { method: 'GET', pattern: '/v2/auditlogs/:account', handler: listAuditLogs },
  { method: 'GET', pattern: '/v2/auditlogs/:account/actions', handler: listAuditActions },
];
