import { expect } from 'vitest';
import type { ToolCase } from './types.js';

const REPO = '/v2/namespaces/acme/repositories/app';

export const repositoryCases: ToolCase[] = [
  {
    tool: 'list_repositories',
    as: 'alice',
    args: { namespace: 'acme', page_size: 5, ordering: 'name' },
    requests: [
      {
        method: 'GET',
        path: '/v2/namespaces/acme/repositories',
        query: { page: '1', page_size: '5', ordering: 'name' },
        identity: 'alice',
      },
    ],
    result: (json) => {
      expect(json).toMatchObject({ count: 15, page: 1, page_size: 5, has_more: true });
      expect(json.items).toHaveLength(5);
      expect(json.items[0]).toMatchObject({ namespace: 'acme', name: 'app', is_private: true });
    },
    refused: {
      args: { namespace: 'acme', page_size: 101 },
      message: 'page_size: must be between 1 and 100',
    },
  },
  {
    tool: 'get_repository',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app' },
    requests: [{ method: 'GET', path: REPO, identity: 'alice' }],
    result: { namespace: 'acme', name: 'app', is_private: true },
    refused: { args: { namespace: '../users', repository: 'app' }, message: 'namespace: must be' },
  },
  {
    tool: 'check_repository',
    as: 'anonymous',
    args: { namespace: 'acme', repository: 'web' },
    requests: [{ method: 'HEAD', path: '/v2/namespaces/acme/repositories/web', identity: 'none' }],
    result: { exists: true },
    refused: { args: { namespace: 'acme', repository: 'Web' }, message: 'repository: must be' },
  },
  {
    tool: 'create_repository',
    as: 'alice',
    args: { namespace: 'acme', name: 'api', is_private: true, full_description: '# API' },
    requests: [
      {
        method: 'POST',
        path: '/v2/namespaces/acme/repositories',
        body: { name: 'api', namespace: 'acme', full_description: '# API', is_private: true },
        identity: 'alice',
      },
    ],
    result: { namespace: 'acme', name: 'api', is_private: true },
    refused: { args: { namespace: 'acme', name: 'a' }, message: 'name: must be 2-255' },
  },
  {
    tool: 'update_repository',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app', description: 'The app' },
    requests: [
      { method: 'PATCH', path: REPO, body: { description: 'The app' }, identity: 'alice' },
    ],
    result: { name: 'app', description: 'The app' },
    refused: {
      args: { namespace: 'acme', repository: 'app', description: 'x'.repeat(101) },
      message: 'description: must be at most 100 characters',
    },
  },
  {
    tool: 'update_immutable_tags',
    as: 'alice',
    args: {
      namespace: 'acme',
      repository: 'app',
      immutable_tags: true,
      immutable_tags_rules: ['v1'],
    },
    requests: [
      {
        method: 'PATCH',
        path: `${REPO}/immutabletags`,
        body: { immutable_tags: true, immutable_tags_rules: ['v1'] },
        identity: 'alice',
      },
    ],
    result: { name: 'app', immutable_tags: ['v1'] },
    refused: {
      args: {
        namespace: 'acme',
        repository: 'app',
        immutable_tags: true,
        immutable_tags_rules: ['v.*'],
      },
      message: "immutable_tags_rules.0: must match the Hub's rule format",
    },
  },
  {
    tool: 'verify_immutable_tags',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app', regex: 'latest' },
    requests: [
      {
        method: 'POST',
        path: `${REPO}/immutabletags/verify`,
        body: { regex: 'latest' },
        identity: 'alice',
      },
    ],
    result: { tags: ['latest'] },
    refused: { args: { namespace: 'acme', repository: 'app' }, message: 'regex: is required' },
  },
  {
    tool: 'assign_repository_group',
    as: 'alice',
    args: { namespace: 'acme', repository: 'app', group_id: 102, permission: 'read' },
    requests: [
      {
        method: 'POST',
        path: '/v2/repositories/acme/app/groups',
        body: { group_id: 102, permission: 'read' },
        identity: 'alice',
      },
    ],
    result: { group_name: 'ops', permission: 'read', group_id: 102 },
    refused: {
      args: { namespace: 'acme', repository: 'app', group_id: 102, permission: 'owner' },
      message: 'permission:',
    },
  },
];
