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
      "List a repository's tags, most recently pushed first, with digest, size, platforms and " +
      'last push/pull. Paginated (page_size up to 100).',
    input: z.strictObject({ namespace, repository, page, page_size: pageSize }),
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
    title: 'Check repository has tags',
    description:
      'Check whether a repository has any tags, without listing them. Answers {"exists": true|false}.',
    input: z.strictObject({ namespace, repository }),
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
    description:
      'Get one tag: its digest, size, platforms (os/architecture), last push and pull, and status.',
    input: z.strictObject({ namespace, repository, tag }),
    method: 'GET',
    path: `${TAGS_PATH}/{tag}`,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: single(tagSummary),
  },
  {
    name: 'check_tag',
    title: 'Check tag exists',
    description:
      'Check whether a tag exists in a repository, without fetching it. Answers {"exists": true|false}.',
    input: z.strictObject({ namespace, repository, tag }),
    method: 'HEAD',
    path: `${TAGS_PATH}/{tag}`,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    answerStatuses: [404],
    shape: existence,
  },
];
