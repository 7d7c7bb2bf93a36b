import { issueToken, secretScope } from './auth.js';
import { ok, type Reply, ReplyError } from './reply.js';
import type { Route, RouteContext } from './router.js';

function exchangeToken(ctx: RouteContext): Reply {
  const body = ctx.body;
  const fields =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const missing = ['identifier', 'secret'].filter(
    (name) => typeof fields[name] !== 'string' || fields[name] === '',
  );
  if (missing.length > 0) {
    const detail = `Missing required field(s): ${missing.join(', ')}`;
    throw new ReplyError({ status: 400, body: { detail, message: detail, fields: missing } });
  }
  const identifier = String(fields.identifier).toLowerCase();
  const secret = String(fields.secret);
  const user = ctx.state.users.get(identifier);
  const scope = user ? secretScope(user, secret) : undefined;
  if (!user || !scope) {
    const detail = 'Incorrect authentication credentials';
    throw new ReplyError({ status: 401, body: { detail, message: detail } });
  }
  return ok({ access_token: issueToken(ctx.state, user, scope, ctx.tokenTtlSeconds) });
}

export const authRoutes: Route[] = [
  { method: 'POST', pattern: '/v2/auth/token', handler: exchangeToken, skipBearerCheck: true },
];
