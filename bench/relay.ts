/**
 * The floor for a stdio server that forwards a call to the Hub: a relay that reads one JSON line
 * `{"id", "path", "token"}` from stdin, makes that GET as the direct baseline does (directGet: a
 * keep-alive undici pool, the answer read and parsed), and writes `{"id", "result"}` back. No protocol, no policy,
 * no audit: whatever hubgate costs above this is its own. A line with `"cached": true` is answered
 * from the relay's memory once it has the path's answer: the floor for a call a cache answers, a
 * stdio round trip and nothing else.
 *
 * Usage: node build/bench/relay.js HUB_URL
 */
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { directGet } from './common.js';

const pool = new Pool(process.argv[2] as string, { connections: 1, keepAliveTimeout: 30_000 });
const remembered = new Map<string, unknown>();
const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const { id, path, token, cached } = JSON.parse(line) as {
    id: number;
    path: string;
    token: string;
    cached?: boolean;
  };
  let result = cached ? remembered.get(path) : undefined;
  // An answer either way, so that the benchmark waiting on it never hangs.
  result ??= await directGet(pool, path, token).catch((error: Error) => ({
    error: error.message,
  }));
  if (cached) remembered.set(path, result);
  process.stdout.write(`${JSON.stringify({ id, result })}\n`);
});
lines.on('close', () => {
  void pool.close().then(() => process.exit(0));
});
