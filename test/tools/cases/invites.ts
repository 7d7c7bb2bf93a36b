import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const { erin, frank } = SEED.orgs.acme.invites;

export const inviteCases: ToolCase[] = [
  {
    tool: 'list_org_invites',
    as: 'alice',
    args: { org: 'acme' },
    requests: [{ method: 'GET', path: '/v2/orgs/acme/invites', identity: 'alice' }],
    result: { count: 2 },
    refused: { args: { org: 'ACME' }, message: 'org: must be' },
  },
  {
    tool: 'cancel_invite',
    as: 'alice',
    args: { org: 'acme', id: erin },
    requests: [
      { method: 'GET', path: '/v2/orgs/acme/invites', identity: 'alice' },
      { method: 'DELETE', path: `/v2/invites/${erin}`, identity: 'alice' },
    ],
    result: { cancelled: { org: 'acme', id: erin } },
    refused: { args: { org: 'acme', id: '../orgs' }, message: 'id: must be an invite id' },
  },
  {
    tool: 'resend_invite',
    as: 'alice',
    args: { org: 'acme', id: frank },
    requests: [
      { method: 'GET', path: '/v2/orgs/acme/invites', identity: 'alice' },
      { method: 'PATCH', path: `/v2/invites/${frank}/resend`, identity: 'alice' },
    ],
    result: { resent: { org: 'acme', id: frank } },
    refused: { args: { id: frank }, message: 'org: is required' },
  },
  {
    tool: 'bulk_invite',
    as: 'alice',
    args: { org: 'acme', invitees: ['dave', 'new@example.com'], team: 'developers' },
    requests: [
      {
        method: 'POST',
        path: '/v2/invites/bulk',
        body: {
          org: 'acme',
          team: 'developers',
          role: 'member',
          invitees: ['dave', 'new@example.com'],
          dry_run: false,
        },
        identity: 'alice',
      },
    ],
    result: {
      invitees: [
        { invitee: 'dave', status: 'invited' },
        { invitee: 'new@example.com', status: 'invited' },
      ],
    },
    refused: {
      args: { org: 'acme', invitees: [] },
      message: 'invitees: must name at least one invitee',
    },
  },
];
