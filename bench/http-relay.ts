/**
 * The floor for an HTTP server that forwards a call to the Hub: a bare node:http server that reads
 * a POSTed JSON body `{"path", "token"}`, makes that GET as the direct baseline does (directGet: a
 * keep-alive undici pool, the answer read and parsed) and answers `{"result"}` as JSON. No
 * protocol, no sessions, no policy, no audit: whatever hubgate's HTTP service costs above this is
 * its own. bench/relay.ts is the same floor for stdio.
 *
 * Prints `{"url": …}` once listening; exits when stdin ends.
 *
 * Usage: node build/bench/http-relay.js HUB_URL CONNECTIONS
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { directGet } from './common.js';

const [hubUrl = '', connections = '50'] = process.argv.slice(2);
const pool = new Pool(hubUrl, { connections: Number(connections), keepAliveTimeout: 30_000 });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    let answer: unknown;
    try {
      const { path, token } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        path: string;
        token: string;
      };
      answer = { result: await directGet(pool, path, token) };
    } catch (error) {
      // An answer either way, so that the benchmark waiting on it never hangs.
      answer = { error: (error as Error).message };
    }
    const body = JSON.stringify(answer);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.close();
  void pool.close().then(() => process.exit(0));
});
