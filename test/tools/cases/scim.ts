import { expect } from 'vitest';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const SCIM = '/v2/scim/2.0';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const { alice, carol } = SEED.scimUserIds.acme;

export const scimCases: ToolCase[] = [
  {
    tool: 'scim_get_service_provider_config',
    as: 'alice',
    scim: true,
    args: {},
    requests: [{ method: 'GET', path: `${SCIM}/ServiceProviderConfig`, identity: 'scim' }],
    result: {
      patch: false,
      bulk: false,
      filter: true,
      filter_max_results: 99999,
      sort: true,
      authentication: ['OAuth 2.0 Bearer Token'],
    },
    refused: { args: { org: 'acme' }, message: 'unknown argument "org"' },
  },
  {
    tool: 'scim_list_resource_types',
    as: 'alice',
    scim: true,
    args: {},
    requests: [{ method: 'GET', path: `${SCIM}/ResourceTypes`, identity: 'scim' }],
    result: {
      total: 1,
      items: [{ id: 'User', name: 'User', endpoint: '/Users', schema: USER_SCHEMA }],
    },
    refused: { args: { name: 'User' }, message: 'unknown argument "name"' },
  },
  {
    tool: 'scim_get_resource_type',
    as: 'alice',
    scim: true,
    args: { name: 'User' },
    requests: [{ method: 'GET', path: `${SCIM}/ResourceTypes/User`, identity: 'scim' }],
    result: { id: 'User', endpoint: '/Users', schema: USER_SCHEMA },
    refused: { args: { name: '../Users' }, message: 'name: must be a resource type name' },
  },
  {
    tool: 'scim_list_schemas',
    as: 'alice',
    scim: true,
    args: {},
    requests: [{ method: 'GET', path: `${SCIM}/Schemas`, identity: 'scim' }],
    result: (json) => {
      expect(json.total).toBe(1);
      expect(json.items[0]).toMatchObject({ id: USER_SCHEMA, name: 'User' });
      expect(json.items[0].attributes).toEqual(
        expect.arrayContaining(['userName', 'name', 'displayName', 'active']),
      );
    },
    refused: { args: { count: 5 }, message: 'unknown argument "count"' },
  },
  {
    tool: 'scim_get_schema',
    as: 'alice',
    scim: true,
    args: { id: USER_SCHEMA },
    requests: [{ method: 'GET', path: `${SCIM}/Schemas/${USER_SCHEMA}`, identity: 'scim' }],
    result: (json) => {
      expect(json).toMatchObject({ id: USER_SCHEMA, name: 'User' });
      expect(json.attributes).toContainEqual(
        expect.objectContaining({ name: 'userName', required: true, uniqueness: 'server' }),
      );
      expect(json.attributes).toContainEqual(
        expect.objectContaining({
          name: 'name',
          subAttributes: [
            expect.objectContaining({ name: 'givenName' }),
            expect.objectContaining({ name: 'familyName' }),
          ],
        }),
      );
    },
    refused: { args: { id: 'User' }, message: 'id: must be a schema URN' },
  },
  {
    tool: 'scim_list_users',
    as: 'alice',
    scim: true,
    args: { count: 1, sortBy: 'userName', sortOrder: 'descending' },
    requests: [
      {
        method: 'GET',
        path: `${SCIM}/Users`,
        query: { startIndex: '1', count: '1', sortBy: 'userName', sortOrder: 'descending' },
        identity: 'scim',
      },
    ],
    result: {
      items: [
        {
          id: carol,
          userName: 'carol@example.com',
          displayName: 'carol',
          name: { givenName: 'Carol', familyName: 'Danvers' },
          active: true,
          groups: ['ops'],
        },
      ],
      total: 2,
      start_index: 1,
      items_per_page: 1,
      has_more: true,
      next_start_index: 2,
    },
    refused: { args: { count: 201 }, message: 'count: must be between 1 and 200' },
  },
  {
    tool: 'scim_get_user',
    as: 'alice',
    scim: true,
    args: { id: alice },
    requests: [{ method: 'GET', path: `${SCIM}/Users/${alice}`, identity: 'scim' }],
    result: {
      id: alice,
      userName: 'alice@example.com',
      displayName: 'alice',
      name: { givenName: 'Alice', familyName: 'Liddell' },
      active: true,
      groups: ['developers'],
    },
    refused: { args: { id: 'alice' }, message: 'id: must be a UUID' },
  },
  {
    tool: 'scim_create_user',
    as: 'alice',
    scim: true,
    args: { userName: 'dave@example.com', name: { givenName: 'Dave', familyName: 'Lister' } },
    requests: [
      {
        method: 'POST',
        path: `${SCIM}/Users`,
        body: {
          schemas: [USER_SCHEMA],
          userName: 'dave@example.com',
          name: { givenName: 'Dave', familyName: 'Lister' },
        },
        identity: 'scim',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({
        userName: 'dave@example.com',
        displayName: 'dave',
        name: { givenName: 'Dave', familyName: 'Lister' },
        active: true,
      });
      expect(json.id).toMatch(/^[0-9a-f-]{36}$/);
    },
    refused: { args: { userName: 'dave' }, message: 'userName: must be an email address' },
  },
  {
    tool: 'scim_update_user',
    as: 'alice',
    scim: true,
    args: { id: carol, name: { givenName: 'Carol', familyName: 'Marvel' }, active: true },
    // userName left out: read first, because a PUT must carry it.
    requests: [
      { method: 'GET', path: `${SCIM}/Users/${carol}`, identity: 'scim' },
      {
        method: 'PUT',
        path: `${SCIM}/Users/${carol}`,
        body: {
          schemas: [USER_SCHEMA],
          userName: 'carol@example.com',
          name: { givenName: 'Carol', familyName: 'Marvel' },
          active: true,
          enabled: true,
        },
        identity: 'scim',
      },
    ],
    result: {
      id: carol,
      userName: 'carol@example.com',
      name: { givenName: 'Carol', familyName: 'Marvel' },
      active: true,
    },
    refused: {
      args: { id: carol, name: { givenName: 'Carol' } },
      message: 'active: is required',
    },
  },
];
