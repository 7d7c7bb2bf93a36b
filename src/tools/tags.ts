import { z } from 'zod';
import { namespace, page, pageSize, repository, tag } from './schemas.js';
import { existence, pageOf, single, tagSummary } from './shape.js';
import type { ToolEntry } from './types.js';

const REPO = 'repo:{namespace}/{repository}';
const TAGS_PATH = '/v2/namespaces/{namespace}/repositories/{repository}/tags';

export const tagTools: ToolEntry[] = [
  {
    name: 'list_tags',
    title: 'List tags',
    description:
      "List a repository's tags, newest push first: digest, size, platforms, last push/pull.",
    input: () => z.strictObject({ namespace, repository, page, page_size: pageSize }),
    paginated: true,
    method: 'GET',
    path: TAGS_PATH,
    query: ['page', 'page_size'],
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: pageOf(tagSummary),
  },
  {
    name: 'check_tags',
    title: 'Check for tags',
    description: 'Check a repository has any tags. Answers {"exists": true|false}.',
    input: () => z.strictObject({ namespace, repository }),
    method: 'HEAD',
    path: TAGS_PATH,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    answerStatuses: [404],
    shape: existence,
  },
  {
    name: 'get_tag',
    title: 'Get tag',
    description: 'Get a tag: digest, size, platforms, last push/pull, status.',
    input: () => z.strictObject({ namespace, repository, tag }),
    method: 'GET',
    path: `${TAGS_PATH}/{tag}`,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: single(tagSummary),
  },
  {
    name: 'check_tag',
    title: 'Check tag',
    description: 'Check a tag exists. Answers {"exists": true|false}.',
    input: () => z.strictObject({ namespace, repository, tag }),
    method: 'HEAD',
    path: `${TAGS_PATH}/{tag}`,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    answerStatuses: [404],
    shape: existence,
  },
];
