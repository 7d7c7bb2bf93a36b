/** Every tool's call case, by area (see types.ts). */
import { accessTokenCases } from './access-tokens.js';
import { auditLogCases } from './audit-logs.js';
import { authCases } from './auth.js';
import { groupCases } from './groups.js';
import { imageCases } from './images.js';
import { inviteCases } from './invites.js';
import { memberCases } from './members.js';
import { orgAccessTokenCases } from './org-access-tokens.js';
import { orgSettingsCases } from './org-settings.js';
import { repositoryCases } from './repositories.js';
import { scimCases } from './scim.js';
import { searchAccountCases } from './search-account.js';
import { tagCases } from './tags.js';
import type { ToolCase } from './types.js';

export const CASES: ToolCase[] = [
  ...repositoryCases,
  ...tagCases,
  ...imageCases,
  ...accessTokenCases,
  ...orgAccessTokenCases,
  ...orgSettingsCases,
  ...auditLogCases,
  ...memberCases,
  ...inviteCases,
  ...groupCases,
  ...scimCases,
  ...authCases,
  ...searchAccountCases,
];
