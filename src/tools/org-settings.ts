import { z } from 'zod';
import { org } from './schemas.js';
import { asObject, type Json } from './shape.js';
import type { ToolEntry } from './types.js';

const ORG = 'org:{org}';
const SETTINGS_PATH = '/v2/orgs/{org}/settings';
const BUSINESS_NOTE = 'Restrictions need a Business plan.';

/** Only the three booleans the Hub documents: anything else it adds is left to detail "full". */
function settingsSummary(response: { body: unknown }): Json {
  const restricted = asObject(asObject(response.body).restricted_images);
  return {
    restricted_images: {
      enabled: restricted.enabled,
      allow_official_images: restricted.allow_official_images,
      allow_verified_publishers: restricted.allow_verified_publishers,
    },
  };
}

export const orgSettingsTools: ToolEntry[] = [
  {
    name: 'get_org_settings',
    title: 'Get org settings',
    description: `Get the images an org's members may use. Needs an org owner or editor. ${BUSINESS_NOTE}`,
    input: () => z.strictObject({ org }),
    method: 'GET',
    path: SETTINGS_PATH,
    needsCredential: true,
    access: 'read',
    resources: [ORG],
    hints: ['RO'],
    shape: settingsSummary,
  },
  {
    name: 'update_org_settings',
    title: 'Update org settings',
    description:
      "Set the images an org's members may use; give all three flags (replaces the setting). " +
      `Org owners only. ${BUSINESS_NOTE}`,
    input: () =>
      z.strictObject({
        org,
        restricted_images: z.strictObject({
          enabled: z.boolean().describe('Restrict the images members use'),
          allow_official_images: z.boolean().describe('Still allow Docker Official Images'),
          allow_verified_publishers: z.boolean().describe('Still allow Verified Publisher images'),
        }),
      }),
    method: 'PUT',
    path: SETTINGS_PATH,
    body: ['restricted_images'],
    needsCredential: true,
    access: 'admin',
    resources: [ORG],
    hints: ['I'],
    shape: settingsSummary,
  },
];
