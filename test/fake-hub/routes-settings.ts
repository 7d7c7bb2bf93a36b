import { requireOrgRole } from './access.js';
import { badRequest, ok, type Reply } from './reply.js';
import { param, type Route, type RouteContext } from './router.js';
import { objectBody, requireBoolean } from './validate.js';
import { orgSettingsView } from './views.js';

const SETTINGS_PATH = '/v2/orgs/:org/settings';

function getSettings(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'read');
  return ok(orgSettingsView(org));
}

/** restricted_images is required, with all three of its booleans. */
function updateSettings(ctx: RouteContext): Reply {
  const { org } = requireOrgRole(ctx, param(ctx, 'org'), 'owner');
  const body = objectBody(ctx.body);
  if (body.restricted_images === undefined) {
    throw badRequest('restricted_images', 'restricted_images is required');
  }
  const restricted = objectBody(body.restricted_images);
  org.settings = {
    restricted_images: {
      enabled: requireBoolean(restricted, 'enabled'),
      allow_official_images: requireBoolean(restricted, 'allow_official_images'),
      allow_verified_publishers: requireBoolean(restricted, 'allow_verified_publishers'),
    },
  };
  return ok(orgSettingsView(org));
}

export const settingsRoutes: Route[] = [
  { method: 'GET', pattern: SETTINGS_PATH, handler: getSettings },
  { method: 'PUT', pattern: SETTINGS_PATH, handler: updateSettings },
];
