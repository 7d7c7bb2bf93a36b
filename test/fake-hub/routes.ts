import type { Route } from './router.js';
import { accessTokenRoutes } from './routes-access-tokens.js';
import { auditRoutes } from './routes-audit.js';
import { authRoutes } from './routes-auth.js';
import { groupRoutes } from './routes-groups.js';
import { imageRoutes } from './routes-images.js';
import { memberRoutes } from './routes-members.js';
import { orgTokenRoutes } from './routes-org-tokens.js';
import { repoRoutes } from './routes-repos.js';
import { scimRoutes } from './routes-scim.js';
import { searchRoutes } from './routes-search.js';
import { settingsRoutes } from './routes-settings.js';
import { tagRoutes } from './routes-tags.js';
import { userRoutes } from './routes-users.js';

/** The whole route table: a new area of the API is one more routes-*.ts spread in here. */
export const routes: readonly Route[] = [
  ...authRoutes,
  ...repoRoutes,
  ...tagRoutes,
  ...searchRoutes,
  ...userRoutes,
  ...imageRoutes,
  ...accessTokenRoutes,
  ...orgTokenRoutes,
  ...settingsRoutes,
  ...auditRoutes,
  ...memberRoutes,
  ...groupRoutes,
  ...scimRoutes,
];
