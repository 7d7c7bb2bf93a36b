/**
 * The stdio front (src/stdio/front.ts) of the built binary: without a config file it answers a
 * 2025-era session's `initialize` and first tools/list before the SDK is loaded, then hands the
 * session to the real server. What it answers must be what the real server answers, byte for
 * byte; the hand-over must lose, reorder or double nothing; and whatever it does not know goes
 * to the real server untouched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdio } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hubgate-front-'));
// The built-in agent's policy, as a file.
const sameAsDefault = join(dir, 'default.yaml');
writeFileSync(
  sameAsDefault,
  `agents:
  local:
    grants:
      - { resource: "repo:*/*", access: read }
      - { resource: catalog, access: read }
      - { resource: account, access: read }
`,
);

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub?.close();
});

/** A stdio session by hand: lines written, lines read, in order. */
class Session {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private buffered = '';
  private waiters: (() => void)[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [cli, '--hub-url', hub.url, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let cut = this.buffered.indexOf('\n'); cut !== -1; cut = this.buffered.indexOf('\n')) {
        this.lines.push(this.buffered.slice(0, cut));
        this.buffered = this.buffered.slice(cut + 1);
      }
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  send(...messages: (Record<string, unknown> | string)[]): void {
    for (const message of messages) {
      this.child.stdin?.write(
        `${typeof message === 'string' ? message : JSON.stringify(message)}\n`,
      );
    }
  }

  /** Until `count` lines have come. */
  async read(count: number): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    while (this.lines.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.lines.length} lines came`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.lines.slice(0, count);
  }

  async end(): Promise<number | null> {
    this.child.stdin?.end();
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }
}

const initialize = (protocolVersion: string, id: number | string = 1, more = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: 'front-test', version: '0' },
    ...more,
  },
});
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const toolsList = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

/** The lines a session answers to `messages`, with or without the front. */
async function answers(args: string[], messages: Record<string, unknown>[], count: number) {
  const session = new Session(args);
  session.send(...messages);
  const lines = await session.read(count);
  expect(await session.end()).toBe(0);
  return lines;
}

describe('the stdio front', () => {
  it.each(['2025-06-18', '2025-11-25', '2025-03-26', '2024-11-05', '1999-01-01'])(
    'answers initialize (%s) exactly as the real server does',
    async (version) => {
      const opening = [initialize(version, 'x-1'), initialized, toolsList(2)];
      const [front] = await answers([], opening, 2);
      // An initialize with anything more in it (here an empty _meta) is the real server's.
      const theirs = [initialize(version, 'x-1', { _meta: {} }), initialized, toolsList(2)];
      const [real] = await answers([], theirs, 2);
      expect(front).toBe(real);
      expect(JSON.parse(front as string).result.protocolVersion).toBe(
        version === '1999-01-01' ? '2025-11-25' : version,
      );
    },
  );

  it.each([
    ['the built-in policy', []],
    ['--grant', ['--grant', 'repo:acme/*=write', '--grant', 'org:acme=admin']],
    ['a config file', ['--config', sameAsDefault]],
  ])(
    'answers the first tools/list (%s) as the real server answers the next',
    async (_what, args) => {
      const lines = await answers(
        args,
        [initialize('2025-06-18'), initialized, toolsList(2), toolsList(3)],
        3,
      );
      const [, front, real] = lines.map((line) => JSON.parse(line));
      expect(front.id).toBe(2);
      expect(real.id).toBe(3);
      expect(JSON.stringify(front.result)).toBe(JSON.stringify(real.result));
      expect(front.result.tools.length).toBeGreaterThan(5);
    },
  );

  it('hands the session over whole: the next calls are served, nothing is answered twice', async () => {
    const session = new Session([]);
    session.send(initialize('2025-06-18'), initialized, toolsList(2));
    session.send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: {
        name: 'get_tag',
        arguments: { namespace: 'library', repository: 'nginx', tag: '1.0' },
      },
    });
    session.send({ jsonrpc: '2.0', id: 4, method: 'ping' });
    const lines = await session.read(4);
    // One answer per request, the replayed initialize's own dropped.
    expect(lines.map((line) => JSON.parse(line).id).sort()).toEqual([1, 2, 3, 4]);
    const call = JSON.parse(lines.find((line) => JSON.parse(line).id === 3) as string);
    expect(call.result.isError ?? false).toBe(false);
    expect(hub.apiRequests().map((request) => request.path)).toContain(
      '/v2/namespaces/library/repositories/nginx/tags/1.0',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(session.lines).toHaveLength(4);
    expect(await session.end()).toBe(0);
  });

  it('leaves what it does not know to the real server: a line that is not JSON, then a session', async () => {
    const session = new Session([]);
    session.send('this is not JSON', initialize('2025-06-18'), initialized, toolsList(2));
    const lines = await session.read(2);
    expect(JSON.parse(lines[0] as string).id).toBe(1);
    expect(JSON.parse(lines[1] as string).result.tools.length).toBeGreaterThan(5);
    expect(await session.end()).toBe(0);
  });

  it('exits when the host closes stdin before the hand-over', async () => {
    const session = new Session([]);
    session.send(initialize('2025-06-18'));
    await session.read(1);
    expect(await session.end()).toBe(0);
  });

  it('serves a 2026-07-28 client, which it hands over at once', async () => {
    const client = new ModernClient(
      { name: 'modern', version: '0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(
      new ModernStdio({
        command: process.execPath,
        args: [cli, '--hub-url', hub.url],
        env: { PATH: process.env.PATH ?? '' },
        stderr: 'ignore',
      }),
    );
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const listed = await client.listTools();
      expect(listed).toMatchObject({ cacheScope: 'private' });
      expect(listed.tools.map((tool) => tool.name)).toContain('get_tag');
    } finally {
      await client.close();
    }
  });
});
