import type { ToolCase } from './types.js';

const SETTINGS = '/v2/orgs/acme/settings';

export const orgSettingsCases: ToolCase[] = [
  {
    tool: 'get_org_settings',
    as: 'alice',
    args: { org: 'acme' },
    requests: [{ method: 'GET', path: SETTINGS, identity: 'alice' }],
    result: {
      restricted_images: {
        enabled: false,
        allow_official_images: true,
        allow_verified_publishers: true,
      },
    },
    refused: { args: { org: 'ACME' }, message: 'org: must be 2-255 lowercase letters' },
  },
  {
    tool: 'update_org_settings',
    as: 'alice',
    args: {
      org: 'acme',
      restricted_images: {
        enabled: true,
        allow_official_images: true,
        allow_verified_publishers: false,
      },
    },
    requests: [
      {
        method: 'PUT',
        path: SETTINGS,
        body: {
          restricted_images: {
            enabled: true,
            allow_official_images: true,
            allow_verified_publishers: false,
          },
        },
        identity: 'alice',
      },
    ],
    result: {
      restricted_images: {
        enabled: true,
        allow_official_images: true,
        allow_verified_publishers: false,
      },
    },
    refused: {
      // The Hub replaces the whole setting: a flag left out is not "unchanged".
      args: { org: 'acme', restricted_images: { enabled: true, allow_official_images: true } },
      message: 'restricted_images.allow_verified_publishers: is required',
    },
  },
];
