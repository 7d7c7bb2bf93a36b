import { expect } from 'vitest';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

const BASE = '/v2/orgs/acme/access-tokens';
const { id, label } = SEED.oat.acme;
const DEPLOY = [{ type: 'TYPE_REPO', path: 'acme/app', scopes: ['repo-pull'] }];

export const orgAccessTokenCases: ToolCase[] = [
  {
    tool: 'list_org_access_tokens',
    as: 'alice',
    args: { org: 'acme' },
    requests: [
      { method: 'GET', path: BASE, query: { page: '1', page_size: '10' }, identity: 'alice' },
    ],
    result: (json) => {
      expect(json).toMatchObject({ count: 1, page: 1, page_size: 10, has_more: false });
      expect(json.items).toEqual([
        expect.objectContaining({ id, label, created_by: 'alice', is_active: true }),
      ]);
      expect(json.items[0]).not.toHaveProperty('token');
    },
    refused: {
      args: { org: 'acme', page_size: 101 },
      message: 'page_size: must be between 1 and 100',
    },
  },
  {
    tool: 'get_org_access_token',
    as: 'alice',
    args: { org: 'acme', access_token_id: id },
    requests: [{ method: 'GET', path: `${BASE}/${id}`, identity: 'alice' }],
    result: (json) => {
      expect(json).toMatchObject({
        id,
        label,
        description: 'CI pipeline',
        resources: [
          { type: 'TYPE_ORG', path: 'acme', scopes: ['member-read', 'member-edit'] },
          { type: 'TYPE_REPO', path: 'acme/*', scopes: ['repo-pull', 'repo-push'] },
        ],
      });
      expect(json).not.toHaveProperty('token');
    },
    refused: {
      args: { org: 'acme', access_token_id: 'acme-ci' },
      message: 'access_token_id: must be a UUID',
    },
  },
  {
    tool: 'create_org_access_token',
    as: 'alice',
    args: { org: 'acme', label: 'deploy', description: 'deploys', resources: DEPLOY },
    requests: [
      {
        method: 'POST',
        path: BASE,
        body: { label: 'deploy', description: 'deploys', resources: DEPLOY },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({
        label: 'deploy',
        description: 'deploys',
        created_by: 'alice',
        is_active: true,
        resources: DEPLOY,
      });
      expect(json.token).toMatch(/^dckr_oat_/);
      expect(json.note).toContain('only this once');
    },
    refused: {
      args: {
        org: 'acme',
        label: 'deploy',
        resources: [{ type: 'TYPE_NOPE', path: 'acme', scopes: ['repo-pull'] }],
      },
      message: 'resources.0.type: must be TYPE_REPO or TYPE_ORG',
    },
  },
  {
    tool: 'update_org_access_token',
    as: 'alice',
    args: { org: 'acme', access_token_id: id, label: 'ci-off', is_active: false },
    requests: [
      {
        method: 'PATCH',
        path: `${BASE}/${id}`,
        body: { label: 'ci-off', is_active: false },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({ id, label: 'ci-off', is_active: false });
      expect(json).not.toHaveProperty('token');
    },
    refused: {
      args: { org: 'acme', access_token_id: id },
      message: 'label: give at least one of label, description, resources, is_active',
    },
  },
  {
    tool: 'delete_org_access_token',
    as: 'alice',
    args: { org: 'acme', access_token_id: id },
    requests: [{ method: 'DELETE', path: `${BASE}/${id}`, identity: 'alice' }],
    result: { deleted: { org: 'acme', access_token_id: id } },
    refused: { args: { org: 'Acme', access_token_id: id }, message: 'org: must be' },
  },
];
