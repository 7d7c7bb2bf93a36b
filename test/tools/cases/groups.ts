import { expect } from 'vitest';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const GROUPS = '/v2/orgs/acme/groups';
const { developers, ops } = SEED.orgs.acme.groups;

export const groupCases: ToolCase[] = [
  {
    tool: 'list_org_groups',
    as: 'alice',
    args: { org: 'acme', username: 'alice' },
    requests: [
      {
        method: 'GET',
        path: GROUPS,
        query: { page: '1', page_size: '10', username: 'alice' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toEqual({
        items: [{ id: developers, name: 'developers', member_count: 1 }],
        count: 1,
        page: 1,
        page_size: 10,
        has_more: false,
      });
    },
    refused: {
      args: { org: 'acme', page_size: 0 },
      message: 'page_size: must be between 1 and 100',
    },
  },
  {
    tool: 'get_org_group',
    as: 'alice',
    args: { org: 'acme', group: 'ops' },
    requests: [{ method: 'GET', path: `${GROUPS}/ops`, identity: 'alice' }],
    result: (json) => {
      expect(json).toEqual({ id: ops, name: 'ops', member_count: 1 });
    },
    refused: { args: { org: 'acme', group: '../members' }, message: 'group: must be 1-100' },
  },
  {
    tool: 'create_org_group',
    as: 'alice',
    args: { org: 'acme', name: 'qa', description: 'Testers' },
    requests: [
      {
        method: 'POST',
        path: GROUPS,
        body: { name: 'qa', description: 'Testers' },
        identity: 'alice',
      },
    ],
    result: { name: 'qa', description: 'Testers', member_count: 0 },
    refused: { args: { org: 'acme', description: 'Testers' }, message: 'name: is required' },
  },
  {
    tool: 'update_org_group',
    as: 'alice',
    args: { org: 'acme', group: 'ops', name: 'operations', description: 'On call' },
    requests: [
      {
        method: 'PUT',
        path: `${GROUPS}/ops`,
        body: { name: 'operations', description: 'On call' },
        identity: 'alice',
      },
    ],
    result: { id: ops, name: 'operations', description: 'On call', member_count: 1 },
    refused: {
      args: { org: 'acme', group: 'ops', description: 'On call' },
      message: 'name: is required',
    },
  },
  {
    tool: 'patch_org_group',
    as: 'alice',
    args: { org: 'acme', group: 'developers', description: 'Builds the app' },
    requests: [
      {
        method: 'PATCH',
        path: `${GROUPS}/developers`,
        body: { description: 'Builds the app' },
        identity: 'alice',
      },
    ],
    result: { id: developers, name: 'developers', description: 'Builds the app' },
    refused: {
      args: { org: 'acme', group: 'developers' },
      message: 'name: give name, description or both',
    },
  },
  {
    tool: 'delete_org_group',
    as: 'alice',
    args: { org: 'acme', group: 'ops' },
    requests: [{ method: 'DELETE', path: `${GROUPS}/ops`, identity: 'alice' }],
    result: (json) => {
      expect(json).toEqual({ deleted: { org: 'acme', group: 'ops' } });
    },
    refused: { args: { org: 'acme', group: 'ops/x' }, message: 'group: must be 1-100' },
  },
  {
    tool: 'list_group_members',
    as: 'alice',
    args: { org: 'acme', group: 'developers', search: 'ali' },
    requests: [
      {
        method: 'GET',
        path: `${GROUPS}/developers/members`,
        query: { page: '1', page_size: '10', search: 'ali' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toEqual({
        items: [{ username: 'alice', full_name: 'Alice Liddell', email: 'alice@example.com' }],
        count: 1,
        page: 1,
        page_size: 10,
        has_more: false,
      });
    },
    refused: {
      args: { org: 'acme', group: 'developers', search: '' },
      message: 'search: must be 1-255 characters',
    },
  },
  {
    tool: 'add_group_member',
    as: 'alice',
    args: { org: 'acme', group: 'developers', member: 'carol' },
    requests: [
      {
        method: 'POST',
        path: `${GROUPS}/developers/members`,
        body: { member: 'carol' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toEqual({ added: { org: 'acme', group: 'developers', member: 'carol' } });
    },
    refused: {
      args: { org: 'acme', group: 'developers', member: 'Carol' },
      message: 'member: must be a Docker ID',
    },
  },
  {
    tool: 'remove_group_member',
    as: 'alice',
    args: { org: 'acme', group: 'ops', username: 'carol' },
    requests: [{ method: 'DELETE', path: `${GROUPS}/ops/members/carol`, identity: 'alice' }],
    result: (json) => {
      expect(json).toEqual({ removed: { org: 'acme', group: 'ops', username: 'carol' } });
    },
    refused: {
      args: { org: 'acme', group: 'ops', username: 'carol', member: 'carol' },
      message: 'unknown argument "member"',
    },
  },
];
