import { z } from 'zod';
import {
  fullDescription,
  immutableTagRule,
  namespace,
  page,
  pageSize,
  repository,
  shortDescription,
} from './schemas.js';
import { asIs, existence, pageOf, repositorySummary, single } from './shape.js';
import type { ToolEntry } from './types.js';

const REPO = 'repo:{namespace}/{repository}';
const REPO_PATH = '/v2/namespaces/{namespace}/repositories/{repository}';

export const repositoryTools: ToolEntry[] = [
  {
    name: 'list_repositories',
    title: 'List repositories',
    description:
      "List a namespace's repositories: private ones only if the credential sees them, none " +
      'outside your grants.',
    input: () =>
      z.strictObject({
        namespace,
        name: z.string().min(1).max(255).optional().describe('Only names containing this'),
        ordering: z
          .enum(['name', '-name', 'last_updated', '-last_updated', 'pull_count', '-pull_count'])
          .optional(),
        page,
        page_size: pageSize,
      }),
    paginated: true,
    method: 'GET',
    path: '/v2/namespaces/{namespace}/repositories',
    query: ['page', 'page_size', 'name', 'ordering'],
    access: 'read',
    resources: ['repo:{namespace}/*'],
    itemResource: (item, args) => `repo:${item.namespace ?? args.namespace}/${item.name}`,
    hints: ['RO'],
    shape: pageOf(repositorySummary),
  },
  {
    name: 'get_repository',
    title: 'Get repository',
    description:
      'Get a repository: visibility, pulls, stars, immutable-tag rules. detail "full" adds the ' +
      'full description.',
    input: () => z.strictObject({ namespace, repository }),
    method: 'GET',
    path: REPO_PATH,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: single(repositorySummary),
  },
  {
    name: 'check_repository',
    title: 'Check repository',
    description:
      'Check a repository exists and the credential sees it. Answers {"exists": true|false}.',
    input: () => z.strictObject({ namespace, repository }),
    method: 'HEAD',
    path: REPO_PATH,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    answerStatuses: [404],
    shape: existence,
  },
  {
    name: 'create_repository',
    title: 'Create repository',
    description:
      'Create a repository (the credential needs repo:write there). Public unless is_private; ' +
      'private ones count against the plan.',
    input: () =>
      z.strictObject({
        namespace,
        name: repository,
        description: shortDescription.optional(),
        full_description: fullDescription.optional(),
        is_private: z.boolean().default(false),
        registry: z.literal('docker.io').optional(),
      }),
    method: 'POST',
    path: '/v2/namespaces/{namespace}/repositories',
    body: ['name', 'namespace', 'description', 'full_description', 'is_private', 'registry'],
    access: 'write',
    resources: ['repo:{namespace}/{name}'],
    hints: [],
    shape: single(repositorySummary),
  },
  {
    name: 'update_repository',
    title: 'Update repository',
    description:
      "Change a repository's short and/or full description. Undocumented upstream; needs " +
      'repo:write.',
    input: () =>
      z
        .strictObject({
          namespace,
          repository,
          description: shortDescription.optional(),
          full_description: fullDescription.optional(),
        })
        .refine((args) => args.description !== undefined || args.full_description !== undefined, {
          message: 'give description, full_description or both',
          path: ['description'],
        }),
    method: 'PATCH',
    path: REPO_PATH,
    body: ['description', 'full_description'],
    access: 'write',
    resources: [REPO],
    hints: ['I'],
    shape: single(repositorySummary),
  },
  {
    name: 'update_immutable_tags',
    title: 'Set immutable tags',
    description:
      'Turn immutable tags on/off and set which tags can never be overwritten. Needs repository ' +
      'admin.',
    input: () =>
      z.strictObject({
        namespace,
        repository,
        immutable_tags: z.boolean(),
        immutable_tags_rules: z
          .array(immutableTagRule)
          .max(100, 'must hold at most 100 rules')
          .describe('Tags matching any cannot be overwritten'),
      }),
    method: 'PATCH',
    path: `${REPO_PATH}/immutabletags`,
    body: ['immutable_tags', 'immutable_tags_rules'],
    access: 'admin',
    resources: [REPO],
    hints: ['I'],
    shape: single(repositorySummary),
  },
  {
    name: 'verify_immutable_tags',
    title: 'Preview immutable rule',
    description: 'List the existing tags an immutable-tag rule would match. Changes nothing.',
    input: () =>
      z.strictObject({
        namespace,
        repository,
        regex: immutableTagRule,
      }),
    method: 'POST',
    path: `${REPO_PATH}/immutabletags/verify`,
    body: ['regex'],
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: asIs,
  },
  {
    name: 'assign_repository_group',
    title: 'Give team repo access',
    description:
      'Give an org team read, write or admin access to an org repository. Needs repository ' +
      'admin; team ids: list_org_groups.',
    input: () =>
      z.strictObject({
        namespace: namespace.describe('The org owning the repository'),
        repository,
        group_id: z.number().int('must be a whole number').positive('must be positive'),
        permission: z.enum(['read', 'write', 'admin']),
      }),
    method: 'POST',
    path: '/v2/repositories/{namespace}/{repository}/groups',
    body: ['group_id', 'permission'],
    access: 'admin',
    resources: [REPO, { template: 'org:{namespace}', access: 'read' }],
    hints: ['I'],
    shape: asIs,
  },
];
