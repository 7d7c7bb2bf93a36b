import { z } from 'zod';
import { page, pageSize } from './schemas.js';
import { accountSummary, orgSummary, pageOf, single } from './shape.js';
import type { ToolEntry } from './types.js';

export const accountTools: ToolEntry[] = [
  {
    name: 'get_current_account',
    title: 'Who am I on Docker Hub',
    description:
      'Get the Docker Hub account behind the configured credential: its username (which is also ' +
      'its personal namespace), name and type. Needs a credential.',
    input: z.strictObject({}),
    method: 'GET',
    path: '/v2/users/{username}',
    identityParams: ['username'],
    needsCredential: true,
    access: 'read',
    resources: ['account'],
    hints: ['RO'],
    shape: single(accountSummary),
  },
  {
    name: 'list_my_orgs',
    title: 'List my organizations',
    description:
      "List the organizations the credential's account belongs to, with its role in each. Does " +
      'not include the personal namespace (see get_current_account). Needs a credential.',
    input: z.strictObject({ page, page_size: pageSize }),
    paginated: true,
    method: 'GET',
    path: '/v2/user/orgs',
    query: ['page', 'page_size'],
    needsCredential: true,
    access: 'read',
    resources: ['account'],
    hints: ['RO'],
    shape: pageOf(orgSummary),
  },
];
