import { z } from 'zod';
import type { HubResponse } from '../hub/connection.js';
import { HubResponseError, hubMessageOf } from '../hub/errors.js';
import { username } from './schemas.js';
import { asObject, type Json } from './shape.js';
import type { ToolEntry } from './types.js';

const LOGIN_PATH = '/v2/users/login';
const NO_SERVER_IDENTITY =
  "The call carries only the arguments given, never hubgate's own credential.";

/** Exactly the one token field asked for: whatever else the Hub sends stays out of the result. */
function onlyField(field: string) {
  return (response: HubResponse): Json => ({ [field]: asObject(response.body)[field] });
}

/**
 * A 2FA account answers the password with 401 and a login_2fa_token: the next step, not a
 * failure. Any other 401 (a wrong password) is the error it would have been.
 */
function loginOutcome(response: HubResponse): Json {
  const body = asObject(response.body);
  if (response.status === 401) {
    const loginToken = body.login_2fa_token;
    if (typeof loginToken === 'string' && loginToken !== '') {
      return { second_factor_required: true, login_2fa_token: loginToken };
    }
    const { message, txnid } = hubMessageOf(response.body);
    throw new HubResponseError(401, 'POST', LOGIN_PATH, message, txnid);
  }
  return { token: body.token };
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
    title: 'Exchange a secret for a Docker Hub bearer token',
    description:
      'Exchange an identifier and secret (a personal access token, an organization access token ' +
      'with the org name as identifier, or a password) for a bearer JWT that expires in about 10 ' +
      'minutes. A password is refused when the organization enforces SSO; use a PAT. ' +
      NO_SERVER_IDENTITY,
    input: z.strictObject({
      identifier: z
        .string()
        .min(1, 'must not be empty')
        .max(255, 'must be at most 255 characters')
        .describe('Docker ID for a password or personal access token; org name for an org token'),
      secret: secretText('Personal access token, organization access token or password'),
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
    title: 'Log in with username and password (deprecated)',
    description:
      'Deprecated upstream: prefer auth_create_token. Exchange a Docker ID and a password or ' +
      'personal access token for a bearer JWT. For an account with two-factor authentication it ' +
      'answers {second_factor_required, login_2fa_token}: finish with auth_login_2fa. ' +
      NO_SERVER_IDENTITY,
    input: z.strictObject({
      username,
      password: secretText('Password or personal access token'),
    }),
    method: 'POST',
    path: LOGIN_PATH,
    body: ['username', 'password'],
    identity: 'none',
    access: 'admin',
    resources: ['auth'],
    hints: [],
    answerStatuses: [401],
    shape: loginOutcome,
  },
  {
    name: 'auth_login_2fa',
    revealsSecret: true,
    title: 'Finish a two-factor login',
    description:
      'Second step of auth_login for an account with two-factor authentication: the ' +
      'login_2fa_token it answered plus the current authenticator code give a bearer JWT. The ' +
      'login_2fa_token lives only a few minutes. ' +
      NO_SERVER_IDENTITY,
    input: z.strictObject({
      login_2fa_token: secretText('The login_2fa_token that auth_login answered'),
      code: z
        .string()
        .min(1, 'must not be empty')
        .max(64, 'must be at most 64 characters')
        .describe('The time-based one-time password from the authenticator app, e.g. "123456"'),
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
