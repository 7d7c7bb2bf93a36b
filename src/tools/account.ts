import { z } from 'zod';
import { page, pageSize } from './schemas.js';
import { accountSummary, orgSummary, pageOf, single } from './shape.js';
import type { ToolEntry } from './types.js';

export const accountTools: ToolEntry[] = [
  {
    name: 'get_current_account',
    title: 'Who am I',
    description:
      "Get the credential's account: username (also its personal namespace), name, type. Needs " +
      'a credential.',
    input: () => z.strictObject({}),
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
    title: 'List my orgs',
    description:
      "List the credential's orgs and its role in each (not its personal namespace). Needs a " +
      'credential.',
    input: () => z.strictObject({ page, page_size: pageSize }),
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
