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
      'List the repositories of a Docker Hub namespace (user or organization), paginated. ' +
      'Private ones appear only if the credential can see them; repositories outside your grants ' +
      'are left out.',
    input: z.strictObject({
      namespace,
      name: z.string().min(1).max(255).optional().describe('Only names containing this text'),
      ordering: z
        .enum(['name', '-name', 'last_updated', '-last_updated', 'pull_count', '-pull_count'])
        .optional()
        .describe('Sort field; prefix "-" for descending'),
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
      'Get one repository: description, visibility, pull and star counts, immutable-tag rules. ' +
      'Use detail "full" for the full description and every field.',
    input: z.strictObject({ namespace, repository }),
    method: 'GET',
    path: REPO_PATH,
    access: 'read',
    resources: [REPO],
    hints: ['RO'],
    shape: single(repositorySummary),
  },
  {
    name: 'check_repository',
    title: 'Check repository exists',
    description:
      'Check whether a repository exists and is visible to the credential, without fetching it. ' +
      'Answers {"exists": true|false}.',
    input: z.strictObject({ namespace, repository }),
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
      'Create a repository in a namespace. Needs a credential with repo:write on that namespace. ' +
      'Repositories are public unless is_private is true (private ones count against the plan).',
    input: z.strictObject({
      namespace,
      name: repository.describe('Name of the new repository'),
      description: shortDescription.optional(),
      full_description: fullDescription.optional(),
      is_private: z.boolean().default(false).describe('Make the repository private'),
      registry: z
        .literal('docker.io')
        .optional()
        .describe('Registry that hosts the repository; only "docker.io"'),
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
    title: 'Update repository descriptions',
    description:
      "Change a repository's short and/or full description. Undocumented upstream (used by " +
      "Docker's own MCP server); needs repo:write.",
    input: z
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
    title: 'Update immutable tag rules',
    description:
      'Turn immutable tags on or off for a repository and set the rules naming which tags can ' +
      'never be overwritten. Needs admin rights on the repository.',
    input: z.strictObject({
      namespace,
      repository,
      immutable_tags: z.boolean().describe('Whether immutable tags are enabled'),
      immutable_tags_rules: z
        .array(immutableTagRule)
        .max(100, 'must hold at most 100 rules')
        .describe('Rules; tags matching any of them cannot be overwritten'),
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
    title: 'Preview an immutable tag rule',
    description:
      "List which of a repository's existing tags an immutable-tag rule would match, before " +
      'setting it with update_immutable_tags. Changes nothing.',
    input: z.strictObject({
      namespace,
      repository,
      regex: immutableTagRule.describe('The rule to try'),
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
    title: 'Give a team access to a repository',
    description:
      'Grant an organization group (team) read, write or admin access to a repository of that ' +
      'organization. Needs admin on the repository; find group ids with list_org_groups.',
    input: z.strictObject({
      namespace: namespace.describe('The organization that owns the repository'),
      repository,
      group_id: z.number().int('must be a whole number').positive('must be positive'),
      permission: z.enum(['read', 'write', 'admin']).describe('Access level for the group'),
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
