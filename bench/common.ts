/**
 * What every benchmark shares: where the built hubgate is, the rows they report, statistics,
 * child processes that are always cleaned up, a policy file per benchmark, a raw JSON-RPC client
 * over stdio (to measure bytes and start-up without a client library in the way), `hubgate http`
 * as a child process, and direct undici requests against the fake Hub as the baseline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { AMD64, addRepo, addTag, type FakeHub, SEED, seedTime } from '../test/fake-hub/index.js';

/**
 * The repository root: this file runs as build/bench/common.js under `npm run bench`, and as
 * bench/common.ts when a test imports it.
 */
export const ROOT = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../' : '../../', import.meta.url),
);
export const CLI = join(ROOT, 'dist', 'cli.js');

/** A module of the built hubgate (dist/), for the benchmarks that call it in-process. */
export async function importDist<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
}

/** One line of the table. `met` is null when the benchmark could not measure. */
export interface Row {
  id: string;
  name: string;
  /** The figure the target is about: a ratio to a baseline of the same run, or a count. */
  figure: string;
  target: string;
  met: boolean | null;
  /** Secondary figures (ratios and counts) and what was checked along the way. */
  note: string;
  /** Everything measured, raw times included, for results.json. */
  data: Record<string, unknown>;
}

export type Measured = Pick<Row, 'figure' | 'met' | 'note' | 'data'>;

export interface Benchmark {
  id: string;
  name: string;
  target: string;
  run(): Promise<Measured>;
}

// ── statistics ──────────────────────────────────────────────────────────────────────────────

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile, p in (0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  const ordered = sorted(values);
  if (ordered.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * ordered.length));
  return ordered[Math.min(rank, ordered.length) - 1] as number;
}

export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const n = ordered.length;
  if (n === 0) return Number.NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1
    ? (ordered[mid] as number)
    : ((ordered[mid - 1] as number) + (ordered[mid] as number)) / 2;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
export const ratio = (value: number): string => `${value.toFixed(2)}×`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `op` on `concurrency` workers until `durationMs` has passed; counts what completed. */
export async function drive(
  concurrency: number,
  durationMs: number,
  op: (worker: number, iteration: number) => Promise<void>,
): Promise<{ ok: number; errors: number; elapsedMs: number; firstError?: string }> {
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < end; i++) {
        try {
          await op(worker, i);
          ok += 1;
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return {
    ok,
    errors,
    elapsedMs: performance.now() - start,
    ...(firstError ? { firstError } : {}),
  };
}

// ── processes ───────────────────────────────────────────────────────────────────────────────

const live = new Set<number>();

/** Remembers a child spawned elsewhere (the SDK's stdio transport) so it is killed on exit. */
export function track(pid: number | null | undefined): void {
  if (pid) live.add(pid);
}

export function untrack(pid: number | null | undefined): void {
  if (pid) live.delete(pid);
}

/** Children still running, by pid: the suite checks this is empty at the end. */
export function liveChildren(): number[] {
  return [...live].filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      live.delete(pid);
      return false;
    }
  });
}

/** Last resort (a crash, Ctrl-C): SIGKILL every child this run started, by its pid. */
export function killChildren(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function spawnNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'ignore'],
): ChildProcess {
  const child = spawn(process.execPath, args, {
    env,
    stdio: stdio as ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe' | 'ignore'],
  });
  track(child.pid);
  child.once('exit', () => untrack(child.pid));
  return child;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(exited(child)), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Asks a child to stop (its stdin closed, or `signal`), then SIGTERM, then SIGKILL. */
export async function stopChild(
  child: ChildProcess,
  how: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  const graceMs = how.graceMs ?? 2_000;
  if (how.signal) child.kill(how.signal);
  else child.stdin?.end();
  if (await waitExit(child, graceMs)) return;
  child.kill('SIGTERM');
  if (await waitExit(child, 2_000)) return;
  child.kill('SIGKILL');
  await waitExit(child, 2_000);
}

/** The environment children get: nothing of the caller's Docker Hub or hubgate settings. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra };
}

/** VmRSS of a process, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (100 ticks a second). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Jiffies (1/100 s) the whole machine spent busy, and this process with its reaped children. */
export function cpuTicks(): { machine: number; ours: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return {
    machine: (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0),
    // utime, stime, cutime, cstime: children count once they have exited and been reaped.
    ours: (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0),
  };
}

// ── configuration ───────────────────────────────────────────────────────────────────────────

/** A directory for one benchmark's policy file and audit log, removed by `remove()`. */
export function workDir(name: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `hubgate-bench-${name}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The fake Hub's identities, given to children through the environment as the demo does. */
export const CREDENTIAL_ENV = {
  BENCH_ALICE_READ: SEED.pats.aliceRead,
  BENCH_ALICE_ADMIN: SEED.pats.aliceAdmin,
  BENCH_ACME_SCIM: SEED.scim.acme,
};

export interface AgentSpec {
  credential?: 'alice-read' | 'alice-admin';
  scim?: boolean;
  /** `sha256:…` hashes (hubgate key). */
  keys?: string[];
  /** RESOURCE=LEVEL */
  grants: string[];
  /** The agent's own `rate_limit.calls_per_minute`. */
  callsPerMinute?: number;
}

/** Writes hubgate.yaml for these agents (audit records to a file beside it); returns its path. */
export function writeConfig(dir: string, hubUrl: string, agents: Record<string, AgentSpec>) {
  const lines = [
    `hub: { url: "${hubUrl}" }`,
    'credentials:',
    `  alice-read: { username: alice, secret: "\${BENCH_ALICE_READ}" }`,
    `  alice-admin: { username: alice, secret: "\${BENCH_ALICE_ADMIN}" }`,
    `  acme-scim: { scim_token: "\${BENCH_ACME_SCIM}", org: acme }`,
    'agents:',
  ];
  for (const [name, spec] of Object.entries(agents)) {
    lines.push(`  ${name}:`);
    if (spec.credential) lines.push(`    credential: ${spec.credential}`);
    if (spec.scim) lines.push('    scim_credential: acme-scim');
    lines.push(`    keys: [${(spec.keys ?? []).map((key) => `"${key}"`).join(', ')}]`);
    if (spec.callsPerMinute)
      lines.push(`    rate_limit: { calls_per_minute: ${spec.callsPerMinute} }`);
    lines.push('    grants:');
    for (const grant of spec.grants) {
      const at = grant.lastIndexOf('=');
      lines.push(`      - { resource: "${grant.slice(0, at)}", access: ${grant.slice(at + 1)} }`);
    }
  }
  lines.push(`audit: { file: "${join(dir, 'audit.ndjson')}" }`);
  const path = join(dir, 'hubgate.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** An agent key as `hubgate key` makes it, from the built module. */
export async function newKey(): Promise<{ key: string; hash: string }> {
  const { newAgentKey } = await importDist<{ newAgentKey(): { key: string; hash: string } }>(
    'commands/key.js',
  );
  return newAgentKey();
}

// ── MCP over stdio, raw ─────────────────────────────────────────────────────────────────────

export const PROTOCOL_VERSION = '2025-06-18';

export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  // biome-ignore lint/suspicious/noExplicitAny: results of many shapes are read by the benchmarks
  result?: any;
  error?: { code: number; message: string };
}

export interface Answer {
  message: JsonRpcMessage;
  /** Bytes of the JSON-RPC message on the wire (its line, without the newline). */
  bytes: number;
}

/**
 * `node dist/cli.js ARGS` driven with newline-delimited JSON-RPC written by hand, so that a
 * measurement holds hubgate's work and the pipe, not a client library's.
 */
export class RawStdio {
  readonly child: ChildProcess;
  private buffered = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private readonly failed: Promise<never>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawnNode([CLI, ...args], env);
    const stdout = this.child.stdout;
    if (!stdout || !this.child.stdin) throw new Error('no stdio pipes');
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => this.receive(chunk));
    // Writes to a child that already died must not crash the run.
    this.child.stdin.on('error', () => {});
    this.failed = new Promise((_, reject) => {
      this.child.once('exit', (code, signal) =>
        reject(new Error(`hubgate exited (${code ?? signal}) before answering`)),
      );
    });
    this.failed.catch(() => {});
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    for (let cut = this.buffered.indexOf('\n'); cut !== -1; cut = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, cut).replace(/\r$/, '');
      this.buffered = this.buffered.slice(cut + 1);
      if (!line) continue;
      let message: JsonRpcMessage;
      try {
        message = JSON.parse(line) as JsonRpcMessage;
      } catch {
        continue; // not protocol: nothing waits for it
      }
      if (typeof message.id !== 'number') continue;
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.({ message, bytes: Buffer.byteLength(line) });
    }
  }

  request(method: string, params: unknown = {}): Promise<Answer> {
    const id = this.nextId++;
    const answer = new Promise<Answer>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return Promise.race([answer, this.failed]).then((got) => {
      if (got.message.error) throw new Error(`${method}: ${got.message.error.message}`);
      return got;
    });
  }

  notify(method: string, params: unknown = {}): void {
    this.child.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  /** initialize, then notifications/initialized. */
  async initialize(): Promise<Answer> {
    const answer = await this.request('initialize', {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'hubgate-bench', version: '0' },
    });
    this.notify('notifications/initialized');
    return answer;
  }

  /** A tool call: the wire bytes of the answer and the bytes of its text content. */
  async callTool(name: string, args: Record<string, unknown>) {
    const answer = await this.request('tools/call', { name, arguments: args });
    const content = (answer.message.result?.content ?? []) as { text?: string }[];
    const text = content.map((item) => item.text ?? '').join('');
    return {
      isError: answer.message.result?.isError === true,
      text,
      textBytes: Buffer.byteLength(text),
      wireBytes: answer.bytes,
    };
  }

  close(): Promise<void> {
    return stopChild(this.child);
  }
}

// ── hubgate http as a child process ─────────────────────────────────────────────────────────

export interface HttpChild {
  /** http://127.0.0.1:PORT/mcp */
  mcpUrl: string;
  origin: string;
  pid: number;
  /** The last few KB of its stderr (for error messages). */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** `hubgate http --port 0` with this config; resolves once it logs where it listens. */
export async function startHttpChild(
  config: string,
  flags: string[],
  env: NodeJS.ProcessEnv,
): Promise<HttpChild> {
  const child = spawnNode(
    [
      CLI,
      'http',
      '--config',
      config,
      '--port',
      '0',
      '--log-level',
      'info',
      '--shutdown-timeout',
      '2',
      ...flags,
    ],
    env,
    ['ignore', 'ignore', 'pipe'],
  );
  let tail = '';
  let pending = '';
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hubgate http did not start: ${tail}`)),
      15_000,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4096);
      pending += chunk;
      for (let cut = pending.indexOf('\n'); cut !== -1; cut = pending.indexOf('\n')) {
        const line = pending.slice(0, cut);
        pending = pending.slice(cut + 1);
        if (!line.includes('hubgate http listening')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
      if (pending.length > 65_536) pending = '';
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`hubgate http exited (${code ?? signal}): ${tail}`));
    });
  });
  let mcpUrl: string;
  try {
    mcpUrl = await listening;
  } catch (error) {
    await stopChild(child, { signal: 'SIGKILL' });
    throw error;
  }
  return {
    mcpUrl,
    origin: new URL(mcpUrl).origin,
    pid: child.pid as number,
    stderrTail: () => tail,
    stop: () => stopChild(child, { signal: 'SIGTERM', graceMs: 5_000 }),
  };
}

// ── MCP over Streamable HTTP, raw ───────────────────────────────────────────────────────────

/** The JSON-RPC messages of a Streamable HTTP answer, whether plain JSON or an SSE stream. */
export function messagesOf(text: string, contentType: string): JsonRpcMessage[] {
  if (contentType.includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice('data:'.length)) as JsonRpcMessage);
  }
  const value = JSON.parse(text) as JsonRpcMessage | JsonRpcMessage[];
  return Array.isArray(value) ? value : [value];
}

/**
 * One Streamable HTTP session at /mcp driven with undici and hand-written JSON-RPC: as cheap a
 * client as the direct baseline, so that the client is not what bounds a measurement.
 */
export class RawHttpSession {
  private nextId = 2;

  private constructor(
    private readonly pool: Pool,
    private readonly headers: Record<string, string>,
    readonly id: string,
  ) {}

  static async open(pool: Pool, key: string): Promise<RawHttpSession> {
    const headers = {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const initialize = await pool.request({
      path: '/mcp',
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'hubgate-bench', version: '0' },
        },
      }),
    });
    const answer = await initialize.body.text();
    const id = initialize.headers['mcp-session-id'];
    if (initialize.statusCode !== 200 || typeof id !== 'string') {
      throw new Error(`initialize answered ${initialize.statusCode}: ${answer.slice(0, 200)}`);
    }
    const session = new RawHttpSession(
      pool,
      {
        ...headers,
        'mcp-session-id': id,
        'mcp-protocol-version': PROTOCOL_VERSION,
      },
      id,
    );
    const initialized = await pool.request({
      path: '/mcp',
      method: 'POST',
      headers: session.headers,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    await initialized.body.dump();
    if (initialized.statusCode !== 202) {
      throw new Error(`notifications/initialized answered ${initialized.statusCode}`);
    }
    return session;
  }

  /** A tool call; throws unless it was answered with a result that is not an error. */
  async callTool(name: string, args: Record<string, unknown>): Promise<string> {
    const id = this.nextId++;
    const response = await this.pool.request({
      path: '/mcp',
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name, arguments: args },
      }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`tools/call answered ${response.statusCode}`);
    const contentType = String(response.headers['content-type'] ?? '');
    const answer = messagesOf(text, contentType).find((message) => message.id === id);
    if (!answer) throw new Error(`no answer to tools/call ${id}`);
    if (answer.error) throw new Error(`${name}: ${answer.error.message}`);
    const content = (answer.result?.content ?? []) as { text?: string }[];
    const result = content.map((item) => item.text ?? '').join('');
    if (answer.result?.isError === true) throw new Error(`${name}: ${result}`);
    return result;
  }

  /** DELETE the session, as a client that is done does. */
  async close(): Promise<void> {
    const response = await this.pool.request({
      path: '/mcp',
      method: 'DELETE',
      headers: this.headers,
    });
    await response.body.dump();
  }
}

// ── the baseline: the same Hub request, made directly ───────────────────────────────────────

/**
 * A public repository with `count` single-platform tags, named t00000…: enough distinct reads
 * that hubgate's read cache cannot answer them, so every call reaches the Hub. Returns the names.
 */
export function seedTags(hub: FakeHub, namespace: string, name: string, count: number): string[] {
  const repo = addRepo(hub.state, { namespace, name, createdAt: seedTime(0) });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const tag = `t${String(i).padStart(5, '0')}`;
    addTag(hub.state, repo, { name: tag, pushedAt: seedTime(1 + i / 1000), platforms: [AMD64] });
    names.push(tag);
  }
  return names;
}

export const DIRECT_USER_AGENT = 'hubgate-bench-direct';

export function tagPath(namespace: string, repository: string, tag: string): string {
  return `/v2/namespaces/${namespace}/repositories/${repository}/tags/${encodeURIComponent(tag)}`;
}

/** A bearer token for a fake Hub identity, as hubgate gets one. */
export async function hubToken(pool: Pool, username: string, secret: string): Promise<string> {
  const response = await pool.request({
    path: '/v2/auth/token',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': DIRECT_USER_AGENT },
    body: JSON.stringify({ identifier: username, secret }),
  });
  const body = (await response.body.json()) as { access_token?: string };
  if (response.statusCode !== 200 || !body.access_token) {
    throw new Error(`token exchange answered ${response.statusCode}`);
  }
  return body.access_token;
}

/** GET a Hub path with undici, read and parse the answer: what hubgate's Hub client does. */
export async function directGet(pool: Pool, path: string, token: string): Promise<unknown> {
  const response = await pool.request({
    path,
    method: 'GET',
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
      'user-agent': DIRECT_USER_AGENT,
    },
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET ${path}: ${response.statusCode}`);
  return JSON.parse(text);
}

export function directPool(hubUrl: string, connections: number): Pool {
  return new Pool(hubUrl, { connections, keepAliveTimeout: 30_000 });
}

// ── the fake Hub in a process of its own ────────────────────────────────────────────────────

/** The names seedTags gives, without the Hub at hand. */
export function tagNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `t${String(i).padStart(5, '0')}`);
}

/** The `{"url"}` a child prints as its first line once it listens; rejects if it exits first. */
async function urlPrintedBy(child: ChildProcess, what: string): Promise<string> {
  const stdout = child.stdout;
  if (!stdout) throw new Error('no stdout pipe');
  stdout.setEncoding('utf8');
  const first = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: string) => {
      text += chunk;
      const cut = text.indexOf('\n');
      if (cut === -1) return;
      stdout.off('data', onData);
      resolve(text.slice(0, cut));
    };
    stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
  });
  return (JSON.parse(first) as { url: string }).url;
}

/** bench/hub-process.ts as a child: see there for why a baseline wants it. */
export class HubProcess {
  private buffered = '';
  private readonly lines: ((line: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(repo: string, tags: number): Promise<HubProcess> {
    const script = fileURLToPath(new URL('./hub-process.js', import.meta.url));
    const child = spawnNode([script, repo, String(tags)], childEnv());
    const hub = new HubProcess(child, await urlPrintedBy(child, 'the Hub process'));
    child.stdout?.on('data', (chunk: string) => hub.receive(chunk));
    return hub;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    for (let cut = this.buffered.indexOf('\n'); cut !== -1; cut = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, cut);
      this.buffered = this.buffered.slice(cut + 1);
      this.lines.shift()?.(line);
    }
  }

  /** API requests not made by the direct client since the last clear(). */
  count(): Promise<number> {
    const answer = new Promise<string>((resolve) => this.lines.push(resolve));
    this.child.stdin?.write('count\n');
    return answer.then((line) => (JSON.parse(line) as { requests: number }).requests);
  }

  clear(): void {
    this.child.stdin?.write('clear\n');
  }

  close(): Promise<void> {
    return stopChild(this.child);
  }
}

/** bench/relay.ts as a child: the floor a forwarding stdio server cannot go below. */
export class Relay {
  private buffered = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(private readonly child: ChildProcess) {
    const stdout = child.stdout;
    if (!stdout) throw new Error('no stdout pipe');
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let cut = this.buffered.indexOf('\n'); cut !== -1; cut = this.buffered.indexOf('\n')) {
        const { id, result } = JSON.parse(this.buffered.slice(0, cut)) as {
          id: number;
          result: unknown;
        };
        this.buffered = this.buffered.slice(cut + 1);
        this.waiting.get(id)?.(result);
        this.waiting.delete(id);
      }
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  static start(hubUrl: string): Relay {
    const script = fileURLToPath(new URL('./relay.js', import.meta.url));
    return new Relay(spawnNode([script, hubUrl], childEnv()));
  }

  /** `cached`: answered from the relay's memory after the first time (see bench/relay.ts). */
  get(path: string, token: string, cached = false): Promise<unknown> {
    const id = this.nextId++;
    const answer = new Promise((resolve) => this.waiting.set(id, resolve));
    this.child.stdin?.write(
      `${JSON.stringify({ id, path, token, ...(cached ? { cached } : {}) })}\n`,
    );
    return answer;
  }

  close(): Promise<void> {
    return stopChild(this.child);
  }
}

/** bench/http-relay.ts as a child: the floor a forwarding HTTP server cannot go below. */
export class HttpRelay {
  private constructor(
    private readonly child: ChildProcess,
    private readonly pool: Pool,
    readonly pid: number,
  ) {}

  static async start(hubUrl: string, connections: number): Promise<HttpRelay> {
    const script = fileURLToPath(new URL('./http-relay.js', import.meta.url));
    const child = spawnNode([script, hubUrl, String(connections)], childEnv());
    const url = await urlPrintedBy(child, 'the HTTP relay');
    // One connection per client, as hubgate's clients have.
    const pool = new Pool(url, { connections, keepAliveTimeout: 30_000 });
    return new HttpRelay(child, pool, child.pid as number);
  }

  async get(path: string, token: string): Promise<unknown> {
    const response = await this.pool.request({
      path: '/',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path, token }),
    });
    const answer = (await response.body.json()) as { result?: unknown; error?: string };
    if (answer.error !== undefined) throw new Error(`relay: ${answer.error}`);
    return answer.result;
  }

  async close(): Promise<void> {
    await this.pool.close();
    await stopChild(this.child);
  }
}
