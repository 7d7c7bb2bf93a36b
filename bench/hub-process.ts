/**
 * The fake Docker Hub in a process of its own, for benchmarks whose baseline is "the same request
 * made directly": the real Hub is never in its client's process, and a stand-in that is would let
 * the direct request skip the hops between processes that every request through hubgate makes.
 *
 * Prints `{"url": …}` once listening. On stdin, a line `count` is answered with
 * `{"requests": N}`, the API requests (token exchanges aside) not sent by the direct client since
 * the last `clear`; a line `clear` forgets them. It exits when stdin ends.
 *
 * Usage: node build/bench/hub-process.js NAMESPACE/REPOSITORY TAGS
 */
import { createInterface } from 'node:readline';
import { startFakeHub } from '../test/fake-hub/index.js';
import { DIRECT_USER_AGENT, seedTags } from './common.js';

const [repo = 'library/bench', count = '0'] = process.argv.slice(2);
const [namespace = 'library', name = 'bench'] = repo.split('/');
const hub = await startFakeHub({ rateLimit: 1_000_000 });
seedTags(hub, namespace, name, Number(count));
process.stdout.write(`${JSON.stringify({ url: hub.url })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'clear') hub.clearRequests();
  if (line === 'count') {
    const requests = hub
      .apiRequests()
      .filter((request) => request.headers['user-agent'] !== DIRECT_USER_AGENT).length;
    process.stdout.write(`${JSON.stringify({ requests })}\n`);
  }
});
lines.on('close', () => {
  void hub.close().then(() => process.exit(0));
});
