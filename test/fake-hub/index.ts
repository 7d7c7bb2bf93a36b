import type { AddressInfo, Socket } from 'node:net';
import { createFaultQueue } from './faults.js';
import { createRateLimiter } from './rate-limit.js';
import { createRouter } from './router.js';
import { routes } from './routes.js';
import { createSeedState } from './seed.js';
import { createHubServer } from './server.js';
import type { FakeHub, FakeHubOptions, RecordedRequest } from './types.js';

export type { Caller } from './auth.js';
export type { NewManifest, NewRepo, NewTag, Platform } from './factories.js';
export {
  AMD64,
  ARM64,
  addManifest,
  addRepo,
  addTag,
  digestOf,
  seedTime,
  uuidOf,
} from './factories.js';
export type { Reply } from './reply.js';
export type { Route, RouteContext } from './router.js';
export { SEED } from './seed.js';
export type * from './state.js';
export {
  appendAudit,
  auditEventsOf,
  deleteImage,
  findGroup,
  findInvite,
  findOrgToken,
  findPat,
  findRepo,
  findScimUser,
  findTag,
  imageStatus,
  invitesOf,
  namespacePlan,
  removeOrgMember,
  repoImages,
} from './state.js';
export type { FakeHub, FakeHubOptions, Fault, RecordedRequest } from './types.js';

const TOKEN_PATH = '/v2/auth/token';

function isTokenExchange(r: RecordedRequest): boolean {
  return r.method === 'POST' && r.path === TOKEN_PATH;
}

export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const state = createSeedState();
  const requests: RecordedRequest[] = [];
  const faults = createFaultQueue();
  let url = '';
  const server = createHubServer({
    state,
    requests,
    faults,
    limiter: createRateLimiter(options.rateLimit ?? 1000, options.rateLimitWindowSeconds ?? 60),
    router: createRouter(routes),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    baseUrl: () => url,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    clearRequests() {
      // In place: tests may hold on to hub.requests.
      requests.length = 0;
    },
    apiRequests: () => requests.filter((r) => !isTokenExchange(r)),
    tokenExchanges: () => requests.filter(isTokenExchange).length,
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    revokeTokens() {
      for (const token of state.tokens.values()) token.revoked = true;
    },
    openConnections: () => sockets.size,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets and delayed answers would otherwise hold close() open.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
