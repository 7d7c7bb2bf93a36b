/**
 * HTTP throughput with one replica and with two, behind the same proxy, sharing one Redis (a real
 * `redis-server`, as the tests start it): what scaling out buys on this machine. The clients are
 * 2026-07-28 requests, each on its own (no session), so the proxy may send any request to any
 * replica; it is a round-robin proxy in the benchmark process, in front of both cases alike. The
 * baseline is the same get_tag read made directly with undici at the same concurrency.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { SEED, startFakeHub } from '../test/fake-hub/index.js';
import { modernBody, modernHeaders } from '../test/helpers/modern-request.js';
import { startRedis } from '../test/helpers/redis.js';
import {
  type Benchmark,
  CREDENTIAL_ENV,
  childEnv,
  cpuSecondsOf,
  cpuTicks,
  directGet,
  directPool,
  drive,
  type HttpChild,
  hubToken,
  newKey,
  ratio,
  round,
  seedTags,
  startHttpChild,
  tagPath,
  workDir,
  writeConfig,
} from './common.js';

const CONCURRENCY = 50;
const AGENTS = 10;
const SECONDS = 8;
const WARMUP_MS = 1_000;
const TAGS = 20_000;

/** A round-robin reverse proxy to `backends`, reading each request whole before passing it on. */
async function roundRobin(
  backends: string[],
): Promise<{ url: string; server: Server; pools: Pool[] }> {
  const pools = backends.map((origin) => new Pool(origin, { connections: CONCURRENCY }));
  let next = 0;
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const pool = pools[next++ % pools.length] as Pool;
    try {
      const answer = await pool.request({
        path: request.url ?? '/',
        method: request.method as 'POST',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      response.writeHead(answer.statusCode, answer.headers as Record<string, string>);
      for await (const chunk of answer.body) response.write(chunk);
      response.end();
    } catch (error) {
      response.writeHead(502);
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, pools };
}

/** One 2026-07-28 get_tag, on its own: throws unless the tag came back. */
async function modernCall(pool: Pool, key: string, repository: string, tag: string) {
  const response = await pool.request({
    path: '/mcp',
    method: 'POST',
    headers: { ...modernHeaders('tools/call', 'get_tag'), authorization: `Bearer ${key}` },
    body: modernBody('tools/call', {
      name: 'get_tag',
      arguments: { namespace: 'library', repository, tag },
    }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200 || !text.includes(tag) || text.includes('"isError":true')) {
    throw new Error(`get_tag ${tag}: ${response.statusCode} ${text.slice(0, 200)}`);
  }
}

export const httpReplicas: Benchmark = {
  id: 'http-replicas',
  name: 'HTTP replicas',
  target: '2 replicas ≥ 1 replica, behind one proxy',
  async run() {
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const redis = await startRedis();
    const dir = workDir('http-replicas');
    const keys = await Promise.all(Array.from({ length: AGENTS }, () => newKey()));
    const config = writeConfig(
      dir.path,
      hub.url,
      Object.fromEntries(
        keys.map((key, i) => [
          `load-${i}`,
          { credential: 'alice-read' as const, keys: [key.hash], grants: ['repo:*/*=read'] },
        ]),
      ),
    );
    const tags = seedTags(hub, 'library', 'bench-replicas', TAGS);
    const children: HttpChild[] = [];
    const proxies: Awaited<ReturnType<typeof roundRobin>>[] = [];
    const direct = directPool(hub.url, CONCURRENCY);
    const rates: Record<'direct' | 'one' | 'two', number> = { direct: 0, one: 0, two: 0 };
    /**
     * Cores kept busy while measuring: the benchmark process (proxy, clients, fake Hub), the
     * replicas, and the whole machine (Redis and the kernel's share included).
     */
    type Busy = { bench: number; replicas: number; machine: number };
    const busy: Record<'one' | 'two', Busy> = {
      one: { bench: 0, replicas: 0, machine: 0 },
      two: { bench: 0, replicas: 0, machine: 0 },
    };
    try {
      for (let i = 0; i < 2; i += 1) {
        children.push(
          await startHttpChild(
            config,
            ['--rate-limit', '100000', '--redis-url', redis.url, '--no-sse'],
            childEnv(CREDENTIAL_ENV),
          ),
        );
      }
      const token = await hubToken(direct, 'alice', SEED.pats.aliceRead);
      let nextTag = 0;
      const tag = () => tags[nextTag++ % tags.length] as string;
      const replicasCpu = () =>
        children.reduce((total, child) => total + cpuSecondsOf(child.pid), 0);
      const rate = async (op: (worker: number) => Promise<void>, into?: 'one' | 'two') => {
        await drive(CONCURRENCY, WARMUP_MS, op);
        const bench0 = process.cpuUsage();
        const replicas0 = replicasCpu();
        const machine0 = cpuTicks().machine;
        const done = await drive(CONCURRENCY, SECONDS * 1000, op);
        if (done.errors > 0)
          throw new Error(`${done.errors} failed calls, e.g. ${done.firstError}`);
        const seconds = done.elapsedMs / 1000;
        if (into) {
          const bench = process.cpuUsage(bench0);
          busy[into] = {
            bench: (bench.user + bench.system) / 1e6 / seconds,
            replicas: (replicasCpu() - replicas0) / seconds,
            // /proc/stat counts 100 ticks a second per core.
            machine: (cpuTicks().machine - machine0) / 100 / seconds,
          };
        }
        return done.ok / seconds;
      };
      rates.direct = await rate(async () => {
        await directGet(direct, tagPath('library', 'bench-replicas', tag()), token);
      });
      for (const [name, backends] of [
        ['one', [children[0]?.origin as string]],
        ['two', children.map((child) => child.origin)],
      ] as const) {
        const proxy = await roundRobin([...backends]);
        proxies.push(proxy);
        const clients = new Pool(proxy.url, { connections: CONCURRENCY });
        rates[name] = await rate(
          (worker) =>
            modernCall(clients, keys[worker % AGENTS]?.key as string, 'bench-replicas', tag()),
          name,
        );
        await clients.close();
      }
    } finally {
      for (const proxy of proxies) {
        await Promise.all(proxy.pools.map((pool) => pool.close()));
        await new Promise((resolve) => proxy.server.close(resolve));
      }
      for (const child of children) await child.stop();
      await direct.close();
      await redis.stop();
      await hub.close();
      dir.remove();
    }
    const one = rates.one / rates.direct;
    const two = rates.two / rates.direct;
    return {
      figure: `1 replica ${ratio(one)}, 2 replicas ${ratio(two)}`,
      met: rates.two >= rates.one,
      note:
        `${CONCURRENCY} concurrent 2026-07-28 calls (${AGENTS} agents), ${SECONDS} s each, distinct tags, ` +
        `through one round-robin proxy; replicas share a redis-server; ${round(rates.one, 0)} and ` +
        `${round(rates.two, 0)} calls/s against ${round(rates.direct, 0)} direct requests/s; ` +
        `2 replicas are ${ratio(rates.two / rates.one)} one on this 2-core machine; cores busy ` +
        `with one replica: replica ${busy.one.replicas.toFixed(2)}, benchmark process (proxy, ` +
        `clients, fake Hub) ${busy.one.bench.toFixed(2)}, whole machine ` +
        `${busy.one.machine.toFixed(2)}; with two: replicas ${busy.two.replicas.toFixed(2)}, ` +
        `benchmark process ${busy.two.bench.toFixed(2)}, whole machine ${busy.two.machine.toFixed(2)}`,
      data: {
        directRequestsPerSecond: round(rates.direct, 1),
        oneReplicaCallsPerSecond: round(rates.one, 1),
        twoReplicasCallsPerSecond: round(rates.two, 1),
        oneReplicaRatio: round(one, 3),
        twoReplicasRatio: round(two, 3),
        coresBusy: busy,
      },
    };
  },
};
