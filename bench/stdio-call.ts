/**
 * One tool call over stdio: 2,000 sequential get_tag calls through hubgate (one MCP SDK Client
 * over stdio), against the same Hub requests made directly with undici (bearer token, answer read
 * and parsed). Measured in interleaved blocks, so drift on a noisy machine hits both alike.
 *
 * The figure the target is about uses 2,000 distinct tags, so that every call makes its Hub
 * request (hubgate's read cache cannot answer it) and the comparison is like for like. The same
 * tag asked 1,000 times over (answered from the read cache once there is one) is reported beside it.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SEED, startFakeHub } from '../test/fake-hub/index.js';
import {
  type Benchmark,
  CLI,
  CREDENTIAL_ENV,
  childEnv,
  DIRECT_USER_AGENT,
  directGet,
  directPool,
  hubToken,
  percentile,
  ratio,
  round,
  seedTags,
  tagPath,
  track,
  untrack,
  workDir,
  writeConfig,
} from './common.js';

const CALLS = 2_000;
const BLOCKS = 10;
const WARMUP = 200;
const REPEATED_CALLS = 1_000;
const TARGET = 2;
const REPO = { namespace: 'library', repository: 'bench-stdio' };

interface Timings {
  hubgate: number[];
  direct: number[];
}

export const stdioCall: Benchmark = {
  id: 'stdio-call',
  name: 'stdio call',
  target: `p50 ≤ ${TARGET}× direct`,
  async run() {
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const tags = seedTags(hub, REPO.namespace, REPO.repository, WARMUP + CALLS);
    const dir = workDir('stdio-call');
    const config = writeConfig(dir.path, hub.url, {
      reader: { credential: 'alice-read', grants: ['repo:*/*=read'] },
    });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, '--config', config, '--agent', 'reader', '--log-level', 'warn'],
      env: childEnv(CREDENTIAL_ENV),
      stderr: 'ignore',
    });
    const client = new Client({ name: 'hubgate-bench', version: '0' });
    const pool = directPool(hub.url, 1);
    const distinct: Timings = { hubgate: [], direct: [] };
    const repeated: Timings = { hubgate: [], direct: [] };
    let distinctHubRequests = 0;
    let repeatedHubRequests = 0;
    try {
      await client.connect(transport);
      track(transport.pid);
      const token = await hubToken(pool, 'alice', SEED.pats.aliceRead);

      const viaHubgate = async (tag: string) => {
        const result = await client.callTool({ name: 'get_tag', arguments: { ...REPO, tag } });
        const text = (result.content as { text?: string }[])[0]?.text ?? '';
        if (result.isError || !text.includes(tag)) throw new Error(`get_tag ${tag}: ${text}`);
      };
      const viaUndici = (tag: string) =>
        directGet(pool, tagPath(REPO.namespace, REPO.repository, tag), token);
      const timeInto = async (
        into: number[],
        op: (tag: string) => Promise<unknown>,
        of: string[],
      ) => {
        for (const tag of of) {
          const start = performance.now();
          await op(tag);
          into.push(performance.now() - start);
        }
      };
      /** Interleaved blocks, alternating which side goes first. */
      const compare = async (into: Timings, blocks: string[][]) => {
        for (const [b, block] of blocks.entries()) {
          if (b % 2 === 0) {
            await timeInto(into.hubgate, viaHubgate, block);
            await timeInto(into.direct, viaUndici, block);
          } else {
            await timeInto(into.direct, viaUndici, block);
            await timeInto(into.hubgate, viaHubgate, block);
          }
        }
      };
      const fromHubgate = () =>
        hub.apiRequests().filter((r) => r.headers['user-agent'] !== DIRECT_USER_AGENT).length;

      await compare({ hubgate: [], direct: [] }, [tags.slice(0, WARMUP)]);

      hub.clearRequests();
      const measured = tags.slice(WARMUP);
      const size = CALLS / BLOCKS;
      await compare(
        distinct,
        Array.from({ length: BLOCKS }, (_, b) => measured.slice(b * size, (b + 1) * size)),
      );
      distinctHubRequests = fromHubgate();

      hub.clearRequests();
      const same = Array.from({ length: REPEATED_CALLS / 2 }, () => tags[0] as string);
      await compare(repeated, [same, same]);
      repeatedHubRequests = fromHubgate();
    } finally {
      const pid = transport.pid;
      await client.close().catch(() => {});
      untrack(pid);
      await pool.close();
      await hub.close();
      dir.remove();
    }

    const p = (timings: Timings, at: number) =>
      percentile(timings.hubgate, at) / percentile(timings.direct, at);
    const p50 = p(distinct, 50);
    const p99 = p(distinct, 99);
    return {
      figure: `p50 ${ratio(p50)}, p99 ${ratio(p99)}`,
      met: p50 <= TARGET,
      note:
        `${CALLS} calls each way on distinct tags, ${BLOCKS} interleaved blocks, ` +
        `Hub requests per call ${(distinctHubRequests / CALLS).toFixed(2)}; ` +
        `one tag ${REPEATED_CALLS} times over: p50 ${ratio(p(repeated, 50))}, ` +
        `p99 ${ratio(p(repeated, 99))}, Hub requests per call ` +
        `${(repeatedHubRequests / REPEATED_CALLS).toFixed(2)}`,
      data: {
        p50Ratio: round(p50, 3),
        p99Ratio: round(p99, 3),
        hubgateP50Ms: round(percentile(distinct.hubgate, 50), 3),
        hubgateP99Ms: round(percentile(distinct.hubgate, 99), 3),
        directP50Ms: round(percentile(distinct.direct, 50), 3),
        directP99Ms: round(percentile(distinct.direct, 99), 3),
        calls: CALLS,
        hubRequestsPerCall: round(distinctHubRequests / CALLS, 3),
        repeatedTag: {
          calls: REPEATED_CALLS,
          p50Ratio: round(p(repeated, 50), 3),
          p99Ratio: round(p(repeated, 99), 3),
          hubgateP50Ms: round(percentile(repeated.hubgate, 50), 3),
          directP50Ms: round(percentile(repeated.direct, 50), 3),
          hubRequestsPerCall: round(repeatedHubRequests / REPEATED_CALLS, 3),
        },
      },
    };
  },
};
