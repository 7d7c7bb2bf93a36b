import { expect } from 'vitest';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const { aliceRead, alicePublic } = SEED.patUuids;
const FUTURE = '2099-01-31T12:00:00Z';

export const accessTokenCases: ToolCase[] = [
  {
    tool: 'list_personal_access_tokens',
    as: 'alice',
    args: {},
    requests: [
      {
        method: 'GET',
        path: '/v2/access-tokens',
        query: { page: '1', page_size: '10' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({ count: 4, active_count: 4, page: 1, has_more: false });
      expect(json.items).toHaveLength(4);
      expect(json.items).toContainEqual(
        expect.objectContaining({ uuid: aliceRead, scopes: ['repo:read'], is_active: true }),
      );
      for (const item of json.items) expect(item).not.toHaveProperty('token');
    },
    refused: { args: { page: 0 }, message: 'page: must be 1 or more' },
  },
  {
    tool: 'get_personal_access_token',
    as: 'alice',
    args: { uuid: aliceRead },
    requests: [{ method: 'GET', path: `/v2/access-tokens/${aliceRead}`, identity: 'alice' }],
    result: (json) => {
      expect(json).toMatchObject({
        uuid: aliceRead,
        token_label: 'alice repo:read',
        scopes: ['repo:read'],
        is_active: true,
      });
      expect(json).not.toHaveProperty('token');
    },
    refused: { args: { uuid: '../orgs' }, message: 'uuid: must be a UUID' },
  },
  {
    tool: 'create_personal_access_token',
    as: 'alice',
    args: { token_label: 'ci', scopes: ['repo:read'], expires_at: FUTURE },
    requests: [
      {
        method: 'POST',
        path: '/v2/access-tokens',
        body: { token_label: 'ci', scopes: ['repo:read'], expires_at: FUTURE },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({
        token_label: 'ci',
        scopes: ['repo:read'],
        is_active: true,
        expires_at: FUTURE,
      });
      expect(json.token).toMatch(/^dckr_pat_/);
      expect(json.note).toContain('only this once');
    },
    refused: {
      args: { token_label: 'ci', scopes: ['repo:root'] },
      message: 'scopes.0: must be one of repo:admin, repo:write, repo:read, repo:public_read',
    },
  },
  {
    tool: 'update_personal_access_token',
    as: 'alice',
    args: { uuid: aliceRead, token_label: 'reader', is_active: false },
    requests: [
      {
        method: 'PATCH',
        path: `/v2/access-tokens/${aliceRead}`,
        body: { token_label: 'reader', is_active: false },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({ uuid: aliceRead, token_label: 'reader', is_active: false });
      expect(json).not.toHaveProperty('token');
    },
    refused: {
      args: { uuid: aliceRead, token_label: 'x'.repeat(101) },
      message: 'token_label: must be 1-100 characters',
    },
  },
  {
    tool: 'delete_personal_access_token',
    as: 'alice',
    args: { uuid: alicePublic },
    requests: [{ method: 'DELETE', path: `/v2/access-tokens/${alicePublic}`, identity: 'alice' }],
    result: { deleted: { uuid: alicePublic } },
    refused: { args: {}, message: 'uuid: is required' },
  },
];
