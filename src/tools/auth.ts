import { z } from 'zod';
import type { HubResponse } from '../hub/connection.js';
import { username } from './schemas.js';
import { asObject, type Json } from './shape.js';
import type { ToolEntry } from './types.js';

const NO_SERVER_IDENTITY = "Never uses hubgate's credential.";

/** Exactly the one token field asked for: whatever else the Hub sends stays out of the result. */
function onlyField(field: string) {
  return (response: HubResponse): Json => ({ [field]: asObject(response.body)[field] });
}

const secretText = (what: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(4096, 'must be at most 4096 characters')
    .describe(what);

export const authTools: ToolEntry[] = [
  {
    name: 'auth_create_token',
    revealsSecret: true,
    title: 'Get bearer token',
    description:
      'Exchange a PAT, org access token or password for a bearer JWT valid ~10 minutes. ' +
      `Passwords fail under enforced SSO. ${NO_SERVER_IDENTITY}`,
    input: () =>
      z.strictObject({
        identifier: z
          .string()
          .min(1, 'must not be empty')
          .max(255, 'must be at most 255 characters')
          .describe('Docker ID, or org name for an org token'),
        secret: secretText('PAT, org access token or password'),
      }),
    method: 'POST',
    path: '/v2/auth/token',
    body: ['identifier', 'secret'],
    identity: 'none',
    access: 'admin',
    resources: ['auth'],
    hints: [],
    shape: onlyField('access_token'),
  },
  {
    name: 'auth_login',
    revealsSecret: true,
    title: 'Log in (deprecated)',
    description:
      'Deprecated: prefer auth_create_token. Docker ID and password or PAT for a bearer JWT; ' +
      `with 2FA it answers a login_2fa_token for auth_login_2fa. ${NO_SERVER_IDENTITY}`,
    input: () =>
      z.strictObject({
        username,
        password: secretText('Password or PAT'),
      }),
    method: 'POST',
    path: '/v2/users/login',
    body: ['username', 'password'],
    identity: 'none',
    access: 'admin',
    resources: ['auth'],
    hints: [],
    challenge: { status: 401, field: 'login_2fa_token' },
    shape: onlyField('token'),
  },
  {
    name: 'auth_login_2fa',
    revealsSecret: true,
    title: 'Finish 2FA login',
    description:
      'Finish auth_login with 2FA: its login_2fa_token (valid minutes) and the authenticator ' +
      `code give a bearer JWT. ${NO_SERVER_IDENTITY}`,
    input: () =>
      z.strictObject({
        login_2fa_token: secretText('From auth_login'),
        code: z
          .string()
          .min(1, 'must not be empty')
          .max(64, 'must be at most 64 characters')
          .describe('Authenticator app code (TOTP)'),
      }),
    method: 'POST',
    path: '/v2/users/2fa-login',
    body: ['login_2fa_token', 'code'],
    identity: 'none',
    access: 'admin',
    resources: ['auth'],
    hints: [],
    shape: onlyField('token'),
  },
];
