import type { FakeHub } from './types.js';

/** A body object is sent as JSON, with `contentType` (application/json by default). */
export interface RequestSpec {
  method?: string;
  body?: unknown;
  contentType?: string;
}

/** Thin fetch helpers for the fake's own tests. */
export interface TestClient {
  /** A raw request; a body object is sent as JSON. */
  call(path: string, token?: string, init?: RequestSpec): Promise<Response>;
  /** The status and parsed JSON body (undefined when empty). */
  json<T = Record<string, unknown>>(
    path: string,
    token?: string,
    init?: RequestSpec,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Exchanges identifier + secret at /v2/auth/token and returns the JWT. */
  login(secret: string, identifier?: string): Promise<string>;
}

export function testClient(hub: FakeHub): TestClient {
  const call: TestClient['call'] = (path, token, init = {}) => {
    const headers = new Headers();
    if (token) headers.set('Authorization', `Bearer ${token}`);
    const request: RequestInit = { method: init.method ?? 'GET', headers };
    if (init.body !== undefined) {
      headers.set('Content-Type', init.contentType ?? 'application/json');
      request.body = JSON.stringify(init.body);
    }
    return fetch(`${hub.url}${path}`, request);
  };
  return {
    call,
    async json<T>(path: string, token?: string, init?: RequestSpec) {
      const res = await call(path, token, init);
      const text = await res.text();
      return {
        status: res.status,
        body: (text === '' ? undefined : JSON.parse(text)) as T,
        headers: res.headers,
      };
    },
    async login(secret, identifier = 'alice') {
      const res = await call('/v2/auth/token', undefined, {
        method: 'POST',
        body: { identifier, secret },
      });
      if (res.status !== 200) throw new Error(`login ${identifier} answered ${res.status}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
}

export function claims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}
