import type { Caller } from './auth.js';
import type { Reply } from './reply.js';
import type { HubState } from './state.js';

export interface RouteContext {
  method: string;
  /** Raw path, without the query string. */
  path: string;
  /** Path params, each decoded with decodeURIComponent. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Request headers as node received them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  caller: Caller;
  state: HubState;
  /** The fake's own origin, for absolute next/previous links. */
  baseUrl: string;
  tokenTtlSeconds: number;
}

export type Handler = (ctx: RouteContext) => Reply;

export interface Route {
  method: string;
  /** Segments starting with ':' are params, e.g. '/v2/users/:username'. */
  pattern: string;
  handler: Handler;
  /** Skip bearer validation: a stale token must not block getting a new one. */
  skipBearerCheck?: boolean;
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export interface Router {
  match(method: string, rawPath: string): Match;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map((route) => ({ route, segments: route.pattern.split('/') }));

  function params(segments: string[], parts: string[]): Record<string, string> | undefined {
    if (segments.length !== parts.length) return undefined;
    const out: Record<string, string> = {};
    for (const [i, segment] of segments.entries()) {
      const part = parts[i] ?? '';
      if (segment.startsWith(':')) {
        if (part === '') return undefined;
        try {
          out[segment.slice(1)] = decodeURIComponent(part);
        } catch {
          return undefined;
        }
      } else if (segment !== part) {
        return undefined;
      }
    }
    return out;
  }

  return {
    match(method, rawPath) {
      // Splitting the raw path keeps an encoded %2F inside its segment.
      const parts = rawPath.split('/');
      const allow = new Set<string>();
      let getFallback: Match | undefined;
      for (const { route, segments } of compiled) {
        const found = params(segments, parts);
        if (!found) continue;
        if (route.method === method) return { kind: 'found', route, params: found };
        allow.add(route.method);
        if (route.method === 'GET') {
          allow.add('HEAD');
          getFallback ??= { kind: 'found', route, params: found };
        }
      }
      if (method === 'HEAD' && getFallback) return getFallback;
      if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow] };
      return { kind: 'not-found' };
    },
  };
}

export function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name} param`);
  return value;
}
