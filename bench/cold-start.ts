/**
 * Cold start: from spawning `node dist/cli.js` to its answer to tools/list (initialize,
 * notifications/initialized, tools/list over stdio), against spawning `node -e 0` until it exits.
 * Both are spawned the same way, interleaved, after warm-ups that fill the file cache, with the
 * same bare environment (PATH and HOME): a variable such as NODE_EXTRA_CA_CERTS, which this
 * machine sets, makes every node start read a CA bundle (about 35 ms here) and would flatter the
 * ratio by adding the same cost to both sides.
 */
import { performance } from 'node:perf_hooks';
import { startFakeHub } from '../test/fake-hub/index.js';
import {
  type Benchmark,
  childEnv,
  median,
  percentile,
  RawStdio,
  ratio,
  round,
  spawnNode,
} from './common.js';

const RUNS = 15;
const WARMUPS = 2;
const TARGET = 2;

/** Milliseconds from spawn to the answer to initialize, and to the answer to tools/list. */
async function hubgateStart(hubUrl: string): Promise<{ initialized: number; listed: number }> {
  const start = performance.now();
  const hubgate = new RawStdio(['--hub-url', hubUrl], childEnv());
  try {
    await hubgate.initialize();
    const initialized = performance.now() - start;
    const tools = await hubgate.request('tools/list');
    const listed = performance.now() - start;
    if (!Array.isArray(tools.message.result?.tools) || tools.message.result.tools.length === 0) {
      throw new Error('tools/list answered no tools');
    }
    return { initialized, listed };
  } finally {
    await hubgate.close();
  }
}

function bareNodeStart(): Promise<number> {
  const start = performance.now();
  const child = spawnNode(['-e', '0'], childEnv());
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const elapsed = performance.now() - start;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`node -e 0 exited ${code}`));
    });
  });
}

export const coldStart: Benchmark = {
  id: 'cold-start',
  name: 'cold start',
  target: `≤ ${TARGET}× bare node start`,
  async run() {
    // Only there so that nothing could reach the real Docker Hub; tools/list sends no request.
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const hubgate: number[] = [];
    const initialize: number[] = [];
    const node: number[] = [];
    const measureHubgate = async () => {
      const { initialized, listed } = await hubgateStart(hub.url);
      initialize.push(initialized);
      hubgate.push(listed);
    };
    try {
      for (let i = 0; i < WARMUPS; i++) {
        await bareNodeStart();
        await hubgateStart(hub.url);
      }
      for (let i = 0; i < RUNS; i++) {
        // Alternate which goes first, so neither always follows the other.
        if (i % 2 === 0) {
          node.push(await bareNodeStart());
          await measureHubgate();
        } else {
          await measureHubgate();
          node.push(await bareNodeStart());
        }
      }
    } finally {
      await hub.close();
    }
    const hubRequests = hub.requests.length;
    const figure = median(hubgate) / median(node);
    return {
      figure: ratio(figure),
      met: figure <= TARGET,
      note:
        `medians of ${RUNS} interleaved spawns each; p90 ratio ` +
        `${ratio(percentile(hubgate, 90) / percentile(node, 90))}; initialize answered at ` +
        `${ratio(median(initialize) / median(node))}, so tools/list itself is ` +
        `${ratio((median(hubgate) - median(initialize)) / median(node))}; medians ` +
        `${median(hubgate).toFixed(1)} ms against ${median(node).toFixed(1)} ms; Hub requests: ${hubRequests}`,
      data: {
        ratio: round(figure, 3),
        hubgateMedianMs: round(median(hubgate)),
        nodeMedianMs: round(median(node)),
        initializeMedianMs: round(median(initialize)),
        initializeRatio: round(median(initialize) / median(node), 3),
        hubgateMs: hubgate.map((ms) => round(ms)),
        initializeMs: initialize.map((ms) => round(ms)),
        nodeMs: node.map((ms) => round(ms)),
        hubRequests,
      },
    };
  },
};
