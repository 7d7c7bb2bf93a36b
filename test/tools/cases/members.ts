import { expect } from 'vitest';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const MEMBERS = '/v2/orgs/acme/members';
const { erin } = SEED.orgs.acme.invites;

export const memberCases: ToolCase[] = [
  {
    tool: 'list_org_members',
    as: 'alice',
    args: { org: 'acme', invites: true },
    requests: [
      {
        method: 'GET',
        path: MEMBERS,
        query: { invites: 'true', page: '1', page_size: '10' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({ count: 4, page: 1, page_size: 10, has_more: false });
      expect(json.items[0]).toEqual({
        username: 'alice',
        full_name: 'Alice Liddell',
        email: 'alice@example.com',
        role: 'owner',
        groups: ['developers'],
      });
      expect(json.items[1]).toMatchObject({ username: 'carol', role: 'member', groups: ['ops'] });
      expect(json.items[2]).toEqual({
        email: 'erin@example.com',
        role: 'invitee',
        groups: ['developers'],
        invite_id: erin,
      });
    },
    refused: { args: { org: 'acme', role: 'admin' }, message: 'role: Invalid option' },
  },
  {
    tool: 'export_org_members',
    as: 'alice',
    args: { org: 'acme' },
    requests: [{ method: 'GET', path: `${MEMBERS}/export`, identity: 'alice' }],
    // CSV comes back as text, not as a JSON string: members.test.ts reads it.
    result: (json) => expect(json).toBeUndefined(),
    refused: { args: {}, message: 'org: is required' },
  },
  {
    tool: 'update_org_member_role',
    as: 'alice',
    args: { org: 'acme', username: 'carol', role: 'editor' },
    requests: [
      { method: 'PUT', path: `${MEMBERS}/carol`, body: { role: 'editor' }, identity: 'alice' },
    ],
    result: { username: 'carol', role: 'editor', groups: ['ops'] },
    refused: {
      args: { org: 'acme', username: 'carol', role: 'Owner' },
      message: 'role: Invalid option',
    },
  },
  {
    tool: 'remove_org_member',
    as: 'alice',
    args: { org: 'acme', username: 'carol' },
    requests: [{ method: 'DELETE', path: `${MEMBERS}/carol`, identity: 'alice' }],
    result: { removed: { org: 'acme', username: 'carol' } },
    refused: {
      args: { org: 'acme', username: '../alice' },
      message: 'username: must be a Docker ID',
    },
  },
];
