/**
 * A real Redis for the tests that need one (replicas sharing state): `redis-server` from
 * Debian's package (.ci/run installs it), started on 127.0.0.1 and a free port, with nothing
 * persisted, and stopped by the test. There is no stand-in: replicas must be tested against what
 * they will meet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './net.js';

export interface RedisHarness {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisHarness> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${output}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `redis-server could not be started (${error.message}): install it (apt-get install -y redis-server), as .ci/run does`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
