/**
 * The built `hubgate` as a host runs it: a child process spoken to over stdio by the SDK's own
 * Client, pointed at the fake Hub with --hub-url. Needs `npm run build` first (npm test does it).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const run = promisify(execFile);

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as { text: string }[])[0]?.text ?? '';
}

describe('hubgate over stdio', () => {
  let hub: FakeHub;
  let client: Client;
  let stderr = '';

  beforeAll(async () => {
    expect(existsSync(cli), 'dist/cli.js is missing: run npm run build').toBe(true);
    hub = await startFakeHub();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, '--hub-url', hub.url, '--log-level', 'info'],
      env: {
        PATH: process.env.PATH ?? '',
        DOCKER_HUB_USERNAME: 'alice',
        DOCKER_HUB_TOKEN: SEED.pats.aliceRead,
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    client = new Client({ name: 'e2e', version: '0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await hub?.close();
  });

  it("introduces itself and lists the default agent's tools", async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'hubgate' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('get_tag');
    expect(tools.map((t) => t.name)).not.toContain('create_repository');
  });

  it('makes real calls through to the Hub with the credential', async () => {
    const tag = await client.callTool({
      name: 'get_tag',
      arguments: { namespace: 'library', repository: 'nginx', tag: 'latest' },
    });
    expect(tag.isError).toBeFalsy();
    expect(JSON.parse(textOf(tag))).toMatchObject({
      name: 'latest',
      platforms: ['linux/amd64', 'linux/arm64/v8'],
    });

    const privateRepo = await client.callTool({
      name: 'get_repository',
      arguments: { namespace: 'alice', repository: 'tools' },
    });
    expect(JSON.parse(textOf(privateRepo))).toMatchObject({ name: 'tools', is_private: true });

    const me = await client.callTool({ name: 'get_current_account', arguments: {} });
    expect(JSON.parse(textOf(me))).toMatchObject({ username: 'alice' });
    expect(hub.tokenExchanges()).toBe(1);
  });

  it('refuses a write with nothing sent', async () => {
    const before = hub.requests.length;
    const result = await client.callTool({
      name: 'create_repository',
      arguments: { namespace: 'alice', name: 'nope' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('no grant for write on repo:alice/nope');
    expect(hub.requests.length).toBe(before);
  });

  it('logs JSON on stderr, audit records included, and never the token', async () => {
    // The records of earlier calls arrive on a pipe: wait for the last one, read whole lines only.
    await expect.poll(() => stderr).toMatch(/"tool":"create_repository".*\n/);
    const lines = stderr.slice(0, stderr.lastIndexOf('\n')).split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const audits = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit');
    expect(audits.map((a) => [a.audit.tool, a.audit.decision])).toEqual(
      expect.arrayContaining([
        ['get_tag', 'allow'],
        ['create_repository', 'deny'],
      ]),
    );
    expect(stderr).not.toContain(SEED.pats.aliceRead);
    expect(stderr).not.toMatch(/Bearer /);
  });
});

describe('the hubgate command', () => {
  it('--help documents every flag and environment variable', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help']);
    for (const word of [
      '--hub-url',
      '--request-timeout',
      '--log-level',
      '--help',
      '--version',
      'DOCKER_HUB_USERNAME',
      'DOCKER_HUB_TOKEN',
      'HUBGATE_HUB_URL',
      'HUBGATE_REQUEST_TIMEOUT',
      'HUBGATE_LOG_LEVEL',
      'Exit codes',
    ]) {
      expect(stdout).toContain(word);
    }
  });

  it('--version prints the package version', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[['--bogus']], [['frobnicate']], [['--hub-url', 'ftp://x']]])(
    '%j exits 1 with the usage on stderr',
    async (argv) => {
      const error = await run(process.execPath, [cli, ...argv]).catch((e) => e);
      expect(error.code).toBe(1);
      expect(error.stdout).toBe('');
      expect(error.stderr).toMatch(/^hubgate: /);
      expect(error.stderr).toContain('Usage: hubgate');
    },
  );
});

describe('the stdio session lifecycle', () => {
  it('exits 0 when the host closes stdin, with nothing on stdout', async () => {
    const child = spawn(process.execPath, [cli, '--hub-url', 'http://127.0.0.1:9'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => child.stderr.once('data', resolve)); // started
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(stdout).toBe('');
  });
});

describe('stdio on SIGTERM with a call waiting on a stalled token exchange', () => {
  it('answers the call with the error, then exits 0 within a couple of seconds', async () => {
    const hub = await startFakeHub();
    hub.inject({ path: '/v2/auth/token', delayMs: 60_000 });
    const child = spawn(process.execPath, [cli, '--hub-url', hub.url, '--log-level', 'warn'], {
      env: {
        PATH: process.env.PATH ?? '',
        DOCKER_HUB_USERNAME: 'alice',
        DOCKER_HUB_TOKEN: SEED.pats.aliceAdmin,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    try {
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 't', version: '0' },
        },
      });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'get_current_account' },
      });
      await expect.poll(() => hub.requests.some((r) => r.path === '/v2/auth/token')).toBe(true);
      const killedAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - killedAt).toBeLessThan(4_000);
      const answer = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id?: number; result?: { isError?: boolean } })
        .find((message) => message.id === 2);
      expect(answer?.result?.isError).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await hub.close();
    }
  });
});
