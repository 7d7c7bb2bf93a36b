import { z } from 'zod';
import { org } from './schemas.js';
import { asObject, type Json } from './shape.js';
import type { ToolEntry } from './types.js';

const ORG = 'org:{org}';
const SETTINGS_PATH = '/v2/orgs/{org}/settings';
const BUSINESS_NOTE = 'Restricted images apply only to organizations on a Business subscription.';

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
    title: 'Get organization settings',
    description:
      "Get an organization's settings: whether members are restricted to some images (official " +
      `images, verified publishers). Needs an owner or editor of the org. ${BUSINESS_NOTE}`,
    input: z.strictObject({ org }),
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
    title: 'Update organization settings',
    description:
      "Set which images an organization's members may use (restricted_images, all three flags " +
      'required: this replaces the setting). Docker Hub lets only owners of the org do this. ' +
      BUSINESS_NOTE,
    input: z.strictObject({
      org,
      restricted_images: z
        .strictObject({
          enabled: z.boolean().describe('Restrict the images members may use'),
          allow_official_images: z
            .boolean()
            .describe('When enabled: still allow Docker Official Images'),
          allow_verified_publishers: z
            .boolean()
            .describe('When enabled: still allow Verified Publisher images'),
        })
        .describe('Image restrictions for members of the organization'),
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
