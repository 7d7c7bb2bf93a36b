/**
 * `hubgate http` as the built CLI (run `npm run build` first): graceful SIGTERM with a call in
 * flight, failing closed without keys, --allow-anonymous, the TLS warning off loopback, --help.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FLAG_NAMES, flagsOf } from '../../src/cli-flags.js';
import { newAgentKey } from '../../src/commands/key.js';
import { parseCommandLine, USAGE, UsageError } from '../../src/options.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { readAuditFile } from '../helpers/audit-file.js';
import {
  type AgentSpec,
  authorization,
  CREDENTIAL_ENV,
  callTool,
  configYaml,
  type LogLine,
  startHttpCli,
} from './helpers.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hubgate-http-cli-'));
const baseEnv = { PATH: process.env.PATH ?? '', ...CREDENTIAL_ENV };

const children = new Set<ChildProcess>();
const hubs = new Set<FakeHub>();
const clients = new Set<Client>();
afterEach(async () => {
  await Promise.all([...clients].map((client) => client.close().catch(() => {})));
  clients.clear();
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  await Promise.all([...hubs].map((hub) => hub.close()));
  hubs.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function writeConfig(
  hub: FakeHub,
  agents: Record<string, AgentSpec>,
  hashes: Record<string, string>,
  extra = '',
): string {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, configYaml(hub.url, agents, hashes, extra));
  return path;
}

async function fakeHub(): Promise<FakeHub> {
  const hub = await startFakeHub();
  hubs.add(hub);
  return hub;
}

const startCli = (args: string[]) => startHttpCli(args, children, baseEnv);

async function connect(url: string, key: string | undefined) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: authorization(key) },
  });
  const client = new Client({ name: 'hubgate-cli-test', version: '0' });
  clients.add(client);
  await client.connect(transport);
  return { client, transport };
}

/** The promise's value, or `fallback` once `ms` have passed: a slip fails fast instead of hanging. */
function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The outcome records of the audit file, each allowed one checked against its intent record. */
function auditRecords(path: string): LogLine[] {
  return readAuditFile(path) as unknown as LogLine[];
}

describe('hubgate http on SIGTERM', () => {
  it('stops within its grace while a call waits on the token exchange: an answer, exit 0', async () => {
    const hub = await fakeHub();
    const { key, hash } = newAgentKey();
    const config = writeConfig(
      hub,
      { reader: { credential: 'alice', grants: ['repo:library/*=read'] } },
      { reader: hash },
    );
    const running = await startCli(['--config', config, '--port', '0', '--shutdown-timeout', '1']);
    const { client } = await connect(running.url, key);
    // The exchange stalls far past the grace period.
    hub.inject({ path: '/v2/auth/token', delayMs: 60_000 });
    const call = callTool(
      client,
      'get_repository',
      { namespace: 'library', repository: 'nginx' },
      { timeout: 10_000 },
    ).then(
      (result) => ({ text: result.text, at: Date.now() }),
      (error: Error) => ({ text: `no answer: ${error.message}`, at: Date.now() }),
    );
    await expect
      .poll(() => hub.requests.some((request) => request.path === '/v2/auth/token'))
      .toBe(true);
    const killedAt = Date.now();
    running.child.kill('SIGTERM');
    expect(await within(running.exited, 5_000, 'still running')).toBe(0);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    // The call was answered, with an error that says what happened, before the service went.
    const answered = await call;
    expect(answered.text).toMatch(/^Could not reach Docker Hub|^Docker Hub did not answer/);
    expect(answered.at - killedAt).toBeLessThan(5_000);
    const logs = running.logs().map((line) => `${line.msg} ${JSON.stringify(line)}`);
    expect(logs.join('\n')).not.toMatch(/[Uu]nhandled|client is (?:closed|destroyed)/);
  });

  it('lets a call in flight finish with its result and audit record, then exits 0', async () => {
    const hub = await fakeHub();
    const { key, hash } = newAgentKey();
    const audit = join(dir, 'sigterm-audit.ndjson');
    const config = writeConfig(
      hub,
      { reader: { credential: 'alice', grants: ['repo:library/*=read'] } },
      { reader: hash },
      `audit: { file: "${audit}" }\n`,
    );
    const running = await startCli(['--config', config, '--port', '0']);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(running.logs().some((line) => /beyond loopback/.test(line.msg))).toBe(false);
    const { client, transport } = await connect(running.url, key);

    const path = '/v2/namespaces/library/repositories/nginx/tags/alpine';
    hub.inject({ path, delayMs: 1_000 });
    const call = callTool(
      client,
      'get_tag',
      { namespace: 'library', repository: 'nginx', tag: 'alpine' },
      { timeout: 5_000 },
    ).then((result) => ({ result, at: Date.now() }));
    await expect.poll(() => hub.requests.some((request) => request.path === path)).toBe(true);
    const killedAt = Date.now();
    running.child.kill('SIGTERM');

    const { result, at } = await call;
    expect(at).toBeGreaterThan(killedAt);
    expect(result.isError).toBe(false);
    expect(result.json).toMatchObject({ name: 'alpine', status: 'active' });
    expect(await within(running.exited, 5_000, 'still running')).toBe(0);

    expect(auditRecords(audit)).toEqual([
      expect.objectContaining({
        agent: 'reader',
        transport: 'http',
        session: transport.sessionId,
        tool: 'get_tag',
        decision: 'allow',
        outcome: 'ok',
        hub_status: 200,
      }),
    ]);
    const messages = running.logs().map((line) => line.msg);
    expect(messages).toContain('hubgate http stopping');
    expect(messages).toContain('hubgate http stopped');
    expect(running.logs().find((line) => line.msg === 'hubgate http stopping')).toMatchObject({
      signal: 'SIGTERM',
    });
  });
});

describe('--redis-url', () => {
  it('refuses to start when the Redis cannot be reached, without showing its password', async () => {
    const hub = await fakeHub();
    const config = writeConfig(
      hub,
      { reader: { grants: ['repo:library/*=read'] } },
      { reader: `sha256:${'ab'.repeat(32)}` },
    );
    // Port 9 (discard) on loopback: nothing listens there.
    const url = 'redis://:s3cret-redis-pass@127.0.0.1:9';
    const refused = await exec(
      process.execPath,
      [cli, 'http', '--config', config, '--port', '0', '--redis-url', url],
      { env: baseEnv, timeout: 15_000, killSignal: 'SIGKILL' },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('cannot reach Redis at redis://:***@127.0.0.1:9');
    expect(refused.stderr).not.toContain('s3cret-redis-pass');
  });

  it('refuses a URL that is not redis:// or rediss://', async () => {
    const refused = await exec(process.execPath, [cli, 'http', '--redis-url', 'http://x'], {
      env: baseEnv,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--redis-url: must be a redis:// or rediss:// URL');
  });
});

describe('failing closed and --allow-anonymous', () => {
  it('refuses to start when no agent has a key, naming --allow-anonymous', async () => {
    const hub = await fakeHub();
    const config = writeConfig(hub, { guest: { grants: ['repo:library/*=read'], key: false } }, {});
    // (Were it to start, it would be killed after 5 s and the code would not be 1.)
    const refused = await exec(process.execPath, [cli, 'http', '--config', config, '--port', '0'], {
      env: baseEnv,
      timeout: 5_000,
      killSignal: 'SIGKILL',
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('hubgate: invalid configuration');
    expect(refused.stderr).toMatch(/no agent has a key[\s\S]*--allow-anonymous AGENT/);

    // Naming an agent the config does not have is refused too.
    const ghost = await exec(
      process.execPath,
      [cli, 'http', '--config', config, '--port', '0', '--allow-anonymous', 'ghost'],
      { env: baseEnv, timeout: 5_000, killSignal: 'SIGKILL' },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain('--allow-anonymous names agent "ghost"');
  });

  it('with --allow-anonymous AGENT, requests without a key act as that agent', async () => {
    const hub = await fakeHub();
    const { key, hash } = newAgentKey();
    const audit = join(dir, 'anonymous-audit.ndjson');
    const config = writeConfig(
      hub,
      {
        guest: { grants: ['repo:library/*=read'], key: false },
        member: { credential: 'alice', grants: ['repo:*/*=read'] },
      },
      { member: hash },
      `audit: { file: "${audit}" }\n`,
    );
    const running = await startCli([
      '--config',
      config,
      '--port',
      '0',
      '--allow-anonymous',
      'guest',
    ]);
    expect(running.logs()).toContainEqual(
      expect.objectContaining({ msg: 'requests without a key act as this agent', agent: 'guest' }),
    );
    const anonymous = await connect(running.url, undefined);
    const member = await connect(running.url, key);

    const open = await callTool(anonymous.client, 'get_tag', {
      namespace: 'library',
      repository: 'nginx',
      tag: 'latest',
    });
    expect(open.isError).toBe(false);
    const refused = await callTool(anonymous.client, 'get_repository', {
      namespace: 'alice',
      repository: 'tools',
    });
    expect(refused.text).toMatch(/^Refused by hubgate policy: agent "guest" has no grant/);
    const allowed = await callTool(member.client, 'get_repository', {
      namespace: 'alice',
      repository: 'tools',
    });
    expect(allowed.json).toMatchObject({ name: 'tools', is_private: true });

    // A key that matches nobody is still 401: it does not fall back to the anonymous agent.
    const wrong = await fetch(running.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...authorization(newAgentKey().key),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'x', version: '0' },
        },
      }),
    });
    expect(wrong.status).toBe(401);

    expect(
      auditRecords(audit).map((record) => [
        record.agent,
        record.tool,
        record.decision,
        record.session,
      ]),
    ).toEqual([
      ['guest', 'get_tag', 'allow', anonymous.transport.sessionId],
      ['guest', 'get_repository', 'deny', anonymous.transport.sessionId],
      ['member', 'get_repository', 'allow', member.transport.sessionId],
    ]);
    running.child.kill('SIGTERM');
    expect(await within(running.exited, 5_000, 'still running')).toBe(0);
  });

  it('warns to put TLS in front when bound beyond loopback', async () => {
    const hub = await fakeHub();
    const { hash } = newAgentKey();
    const config = writeConfig(hub, { bot: { grants: ['repo:library/*=read'] } }, { bot: hash });
    const running = await startCli(['--config', config, '--host', '0.0.0.0', '--port', '0']);
    const warning = running.logs().find((line) => /beyond loopback/.test(line.msg));
    expect(warning).toMatchObject({ level: 40, host: '0.0.0.0' });
    expect(warning?.msg).toMatch(/TLS/);
    expect(running.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/mcp$/);
    running.child.kill('SIGTERM');
    expect(await within(running.exited, 5_000, 'still running')).toBe(0);
  });
});

describe('hubgate http --help', () => {
  /** ALLOWED.http and the keys of FLAGS, read from src/options.ts (neither is exported). */
  /** The flag table says which flags http takes; the parser must agree, and the help show them. */
  function declaredFlags() {
    return { http: flagsOf('http') as string[], all: FLAG_NAMES as string[] };
  }

  it('documents every flag that hubgate http accepts', async () => {
    const { http, all } = declaredFlags();
    expect(http.length).toBeGreaterThanOrEqual(15);
    // The list read from the source is the one the parser applies.
    for (const flag of all) {
      const argv = [
        'http',
        `--${flag}`,
        ...(['json', 'markdown', 'deny'].includes(flag) ? [] : ['1']),
      ];
      if (flag === 'help' || flag === 'version') continue;
      let error: unknown;
      try {
        parseCommandLine(argv, {});
      } catch (caught) {
        error = caught;
      }
      const notForHttp =
        error instanceof UsageError && error.message.includes('does not apply to hubgate http');
      expect(notForHttp, `--${flag}`).toBe(!http.includes(flag));
    }

    const { stdout } = await exec(process.execPath, [cli, 'http', '--help'], { env: baseEnv });
    expect(stdout).toBe(USAGE.http);
    const undocumented = http.filter(
      (flag) => !new RegExp(`^ {2}(?:-[a-z], )?--${flag}(?= )`, 'm').test(stdout),
    );
    expect(undocumented).toEqual([]);
  });
});
