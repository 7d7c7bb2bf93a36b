import type { ToolCase } from './types.js';

const TAGS = '/v2/namespaces/library/repositories/nginx/tags';

export const tagCases: ToolCase[] = [
  {
    tool: 'list_tags',
    as: 'anonymous',
    args: { namespace: 'library', repository: 'nginx', page: 2, page_size: 20 },
    requests: [
      { method: 'GET', path: TAGS, query: { page: '2', page_size: '20' }, identity: 'none' },
    ],
    result: { count: 25, page: 2, page_size: 20, has_more: false },
    refused: {
      args: { namespace: 'library', repository: 'nginx', page: 0 },
      message: 'page: must be 1 or more',
    },
  },
  {
    tool: 'check_tags',
    as: 'anonymous',
    args: { namespace: 'acme', repository: 'empty' },
    requests: [
      { method: 'HEAD', path: '/v2/namespaces/acme/repositories/empty/tags', identity: 'none' },
    ],
    result: { exists: false },
    refused: {
      args: { namespace: 'acme', repository: 'empty', tag: 'x' },
      message: 'unknown argument "tag"',
    },
  },
  {
    tool: 'get_tag',
    as: 'alice',
    args: { namespace: 'library', repository: 'nginx', tag: 'alpine' },
    requests: [{ method: 'GET', path: `${TAGS}/alpine`, identity: 'alice' }],
    result: { name: 'alpine', platforms: ['linux/amd64', 'linux/arm64/v8'] },
    refused: {
      args: { namespace: 'library', repository: 'nginx', tag: 'x?page_size=1#' },
      message: 'tag: must be 1-128',
    },
  },
  {
    tool: 'check_tag',
    as: 'alice',
    args: { namespace: 'library', repository: 'nginx', tag: '1.27' },
    requests: [{ method: 'HEAD', path: `${TAGS}/1.27`, identity: 'alice' }],
    result: { exists: true },
    refused: {
      args: { namespace: 'library', repository: 'nginx', tag: '.hidden' },
      message: 'tag: must be',
    },
  },
];
