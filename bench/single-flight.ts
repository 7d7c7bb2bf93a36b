/**
 * Single-flight: 100 concurrent identical get_tag calls through one hubgate (one agent, one
 * credential, one stdio session), counted at the fake Hub. The Hub is given 100 ms of latency on
 * that path, as the real one has, so the calls overlap whatever the machine's speed; the token
 * and the code paths are warmed first with another tag.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startFakeHub } from '../test/fake-hub/index.js';
import {
  type Benchmark,
  CLI,
  CREDENTIAL_ENV,
  childEnv,
  tagPath,
  track,
  untrack,
  workDir,
  writeConfig,
} from './common.js';

const CALLS = 100;
const HUB_LATENCY_MS = 100;
const TARGET = 1;
const TAG = { namespace: 'library', repository: 'nginx', tag: 'alpine' };

export const singleFlight: Benchmark = {
  id: 'single-flight',
  name: 'single-flight',
  target: `≤ ${TARGET} Hub request`,
  async run() {
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const dir = workDir('single-flight');
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
    const path = tagPath(TAG.namespace, TAG.repository, TAG.tag);
    let texts: string[] = [];
    let failed = 0;
    try {
      await client.connect(transport);
      track(transport.pid);
      const warm = await client.callTool({
        name: 'get_tag',
        arguments: { ...TAG, tag: '1.27' },
      });
      if (warm.isError) throw new Error('warm-up get_tag failed');

      hub.clearRequests();
      hub.inject({ method: 'GET', path, delayMs: HUB_LATENCY_MS, times: CALLS });
      const results = await Promise.all(
        Array.from({ length: CALLS }, () => client.callTool({ name: 'get_tag', arguments: TAG })),
      );
      hub.clearFaults();
      failed = results.filter((result) => result.isError).length;
      texts = results.map((result) => (result.content as { text?: string }[])[0]?.text ?? '');
    } finally {
      const pid = transport.pid;
      await client.close().catch(() => {});
      untrack(pid);
      await hub.close();
      dir.remove();
    }

    const hubRequests = hub.apiRequests().filter((r) => r.path === path).length;
    const distinct = new Set(texts).size;
    if (failed > 0) throw new Error(`${failed} of ${CALLS} calls failed: ${texts[0]}`);
    return {
      figure: `${hubRequests} Hub request${hubRequests === 1 ? '' : 's'}`,
      met: hubRequests <= TARGET,
      note:
        `${CALLS} concurrent calls, one session; Hub latency ${HUB_LATENCY_MS} ms on the path; ` +
        `${CALLS - failed} answered, ${distinct} distinct answer(s)`,
      data: { calls: CALLS, hubRequests, distinctAnswers: distinct, hubLatencyMs: HUB_LATENCY_MS },
    };
  },
};
