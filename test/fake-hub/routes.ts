import type { Route } from './router.js';
import { authRoutes } from './routes-auth.js';
import { repoRoutes } from './routes-repos.js';
import { searchRoutes } from './routes-search.js';
import { tagRoutes } from './routes-tags.js';
import { userRoutes } from './routes-users.js';

/** The whole route table: a new area of the API is one more routes-*.ts spread in here. */
export const routes: readonly Route[] = [
  ...authRoutes,
  ...repoRoutes,
  ...tagRoutes,
  ...searchRoutes,
  ...userRoutes,
];
