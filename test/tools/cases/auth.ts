import { expect } from 'vitest';
import { decodeJwtClaims } from '../../../src/hub/auth.js';
import { SEED } from '../../fake-hub/index.js';
import type { ToolCase } from './types.js';

/** The result is the one token and nothing else, and it is a token for whom the caller named. */
function onlyTokenFor(field: string, username: string) {
  return (json: Record<string, unknown>) => {
    expect(Object.keys(json)).toEqual([field]);
    expect(decodeJwtClaims(String(json[field]))?.username).toBe(username);
  };
}

/** The login_2fa_token of a password login of dave's that waits for its code. */
const PENDING_LOGIN = 'dave-pending-login-2fa-token';

export const authCases: ToolCase[] = [
  {
    tool: 'auth_create_token',
    as: 'alice',
    args: { identifier: 'bob', secret: SEED.pats.bobAdmin },
    requests: [
      {
        method: 'POST',
        path: '/v2/auth/token',
        body: { identifier: 'bob', secret: SEED.pats.bobAdmin },
        identity: 'none',
      },
    ],
    result: onlyTokenFor('access_token', 'bob'),
    refused: { args: { identifier: 'bob', secret: '' }, message: 'secret: must not be empty' },
  },
  {
    tool: 'auth_login',
    as: 'alice',
    args: { username: 'bob', password: SEED.pats.bobAdmin },
    requests: [
      {
        method: 'POST',
        path: '/v2/users/login',
        body: { username: 'bob', password: SEED.pats.bobAdmin },
        identity: 'none',
      },
    ],
    result: onlyTokenFor('token', 'bob'),
    refused: { args: { username: 'bob' }, message: 'password: is required' },
  },
  {
    tool: 'auth_login_2fa',
    as: 'alice',
    // A login waiting for its code exists only after dave's password login: make one.
    setup: (hub) => {
      hub.state.pendingLogins.set(PENDING_LOGIN, {
        username: 'dave',
        expiresAtMs: Date.now() + 60_000,
      });
    },
    args: { login_2fa_token: PENDING_LOGIN, code: SEED.users.dave.totp },
    requests: [
      {
        method: 'POST',
        path: '/v2/users/2fa-login',
        body: { login_2fa_token: PENDING_LOGIN, code: SEED.users.dave.totp },
        identity: 'none',
      },
    ],
    result: onlyTokenFor('token', 'dave'),
    refused: { args: { code: '123456' }, message: 'login_2fa_token: is required' },
  },
];
