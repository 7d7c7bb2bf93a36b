import type { ToolCase } from './types.js';

export const searchAccountCases: ToolCase[] = [
  {
    tool: 'search_catalog',
    as: 'anonymous',
    args: { query: 'alpine', sort: 'pull_count', order: 'desc', page_size: 5 },
    requests: [
      {
        method: 'GET',
        path: '/api/search/v4',
        query: {
          query: 'alpine',
          type: 'image',
          sort: 'pull_count',
          order: 'desc',
          from: '0',
          size: '5',
        },
        identity: 'none',
      },
    ],
    result: {
      items: [{ name: 'library/alpine', type: 'image', badge: 'official' }],
      page: 1,
      page_size: 5,
    },
    refused: { args: { query: 'alpine', badges: ['gold'] }, message: 'badges.0:' },
  },
  {
    tool: 'get_current_account',
    as: 'bob',
    args: {},
    requests: [{ method: 'GET', path: '/v2/users/bob', identity: 'bob' }],
    result: { username: 'bob', type: 'User' },
    refused: { args: { username: 'alice' }, message: 'unknown argument "username"' },
  },
  {
    tool: 'list_my_orgs',
    as: 'alice',
    args: {},
    requests: [
      {
        method: 'GET',
        path: '/v2/user/orgs',
        query: { page: '1', page_size: '10' },
        identity: 'alice',
      },
    ],
    result: { items: [{ org: 'acme', role: 'owner' }], has_more: false },
    refused: { args: { page_size: 0 }, message: 'page_size: must be between 1 and 100' },
  },
];
