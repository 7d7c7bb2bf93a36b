/**
 * The shared HTTP service in-process, on 127.0.0.1 and an ephemeral port, over a fresh fake Hub:
 * a config built from YAML text with a fresh key per agent, the real gateway and metrics, and an in-memory audit. Clients are the MCP SDK's own transports over real sockets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { type Logger, pino } from 'pino';
import type { AuditRecord } from '../../src/audit/record.js';
import type { AuditSink } from '../../src/audit/sinks.js';
import { newAgentKey } from '../../src/commands/key.js';
import { parseConfig } from '../../src/config/load.js';
import type { ConfigStore } from '../../src/config/store.js';
import type { Config } from '../../src/config/types.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import type { SharedState } from '../../src/gateway/shared-state.js';
import { HubgateMetrics } from '../../src/http/metrics.js';
import {
  createHttpService,
  type HttpService,
  type HttpServiceOptions,
} from '../../src/http/service.js';
import { toolNames } from '../../src/tools/index.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';

/** One agent of the config: `grants` as RESOURCE=LEVEL, `credential` one of CREDENTIALS. */
export interface AgentSpec {
  credential?: keyof typeof CREDENTIALS;
  grants?: string[];
  callsPerMinute?: number;
  /** False: the agent has no key (only --allow-anonymous reaches it). Default true. */
  key?: boolean;
  /** Every grant's `approve:` (YAML), e.g. `always` or `{ access: admin }`. */
  approve?: string;
  /** `operator`: its approvals are decided out of band. */
  approveVia?: 'operator';
}

/** The Docker Hub identities agents may call as, all seeded in the fake Hub. */
export const CREDENTIALS = {
  alice: { username: 'alice', secret: SEED.pats.aliceRead },
  bob: { username: 'bob', secret: SEED.pats.bobAdmin },
} as const;

/** What `hubgate http` takes: the service's own options and the gateway's rate limit. */
export type ServiceOptions = HttpServiceOptions & { defaultCallsPerMinute: number };

/** The service's options with test-friendly defaults; tests override what they exercise. */
export function serviceOptions(overrides: Partial<ServiceOptions> = {}): ServiceOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: [],
    allowedHosts: [],
    maxBodyBytes: 1024 * 1024,
    maxSessions: 1000,
    maxSessionsPerAgent: 1000,
    maxConnections: 2000,
    maxSilentPerAddress: 50,
    sessionIdleMs: 60_000,
    defaultCallsPerMinute: 100_000,
    ...overrides,
  };
}

/** The config's YAML text: credentials from the environment, each agent with its key's hash. */
export function configYaml(
  hubUrl: string,
  agents: Record<string, AgentSpec>,
  keyHashes: Record<string, string>,
  extra = '',
): string {
  const lines = [
    `hub: { url: "${hubUrl}" }`,
    'credentials:',
    ...Object.entries(CREDENTIALS).map(
      ([name, { username }]) =>
        `  ${name}: { username: ${username}, secret: "\${${name.toUpperCase()}_PAT}" }`,
    ),
    'agents:',
  ];
  for (const [name, spec] of Object.entries(agents)) {
    lines.push(`  ${name}:`);
    if (spec.credential) lines.push(`    credential: ${spec.credential}`);
    const hash = keyHashes[name];
    lines.push(`    keys: [${hash ? `"${hash}"` : ''}]`);
    const grants = (spec.grants ?? []).map((grant) => {
      const at = grant.lastIndexOf('=');
      const approve = spec.approve ? `, approve: ${spec.approve}` : '';
      return `{ resource: "${grant.slice(0, at)}", access: ${grant.slice(at + 1)}${approve} }`;
    });
    lines.push(`    grants: [${grants.join(', ')}]`);
    if (spec.callsPerMinute !== undefined) {
      lines.push(`    rate_limit: { calls_per_minute: ${spec.callsPerMinute} }`);
    }
    if (spec.approveVia) lines.push(`    approve_via: ${spec.approveVia}`);
  }
  return `${lines.join('\n')}\n${extra}`;
}

export const CREDENTIAL_ENV = {
  ALICE_PAT: CREDENTIALS.alice.secret,
  BOB_PAT: CREDENTIALS.bob.secret,
};

export interface ConnectedClient {
  client: Client;
  /** The session id the service gave this client (Mcp-Session-Id, or the SSE sessionId). */
  sessionId: string;
  close(): Promise<void>;
}

export interface CallResult {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into results of many shapes
  json: any;
}

export interface ServiceHarness {
  hub: FakeHub;
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  port: number;
  /** Each agent's key, by agent name (agents with `key: false` have none). */
  keys: Record<string, string>;
  audit: AuditRecord[];
  service: HttpService;
  gateway: Gateway;
  store: ConfigStore;
  metrics: HubgateMetrics;
  /** A Streamable HTTP client at /mcp sending this key (none: no Authorization header). */
  connectHttp(key: string | undefined): Promise<ConnectedClient>;
  /** An HTTP+SSE client at /sse sending this key on the stream and on every POST. */
  connectSse(key: string | undefined): Promise<ConnectedClient>;
  close(): Promise<void>;
}

export interface HarnessSpec {
  agents: Record<string, AgentSpec>;
  options?: Partial<ServiceOptions>;
  /**
   * More of the config (e.g. an `oauth:` section), given the service's URL once it listens: the
   * config is then loaded again with it, as a reload would.
   */
  moreConfig?: (url: string) => string;
}

export interface ServedGateway {
  gateway: Gateway;
  service: HttpService;
  metrics: HubgateMetrics;
  address: AddressInfo;
}

/**
 * The HTTP service over a gateway for `config`, wired as `hubgate http` wires them (metrics that
 * count audit records and Hub answers), listening on 127.0.0.1 and an ephemeral port.
 */
export async function serveGateway(
  config: Config,
  spec: {
    logger?: Logger;
    audit: AuditSink;
    options?: Partial<ServiceOptions>;
    cacheTtlMs?: number;
    timeoutMs?: number;
    /** Shared with other replicas (Redis). */
    shared?: SharedState;
  },
): Promise<ServedGateway> {
  const options = serviceOptions(spec.options);
  const metrics = new HubgateMetrics({
    sessions: (transport) => service.sessions.count(transport),
    hubRateLimits: () => gateway.clients.rateLimits(),
  });
  const logger = spec.logger ?? pino({ level: 'silent' });
  const gateway = createGateway(config, {
    logger,
    timeoutMs: spec.timeoutMs ?? 5_000,
    userAgent: 'hubgate-http-test',
    ...(spec.cacheTtlMs === undefined ? {} : { cacheTtlMs: spec.cacheTtlMs }),
    observeHubStatus: (status) => metrics.hubResponse(status),
    audit: metrics.countingSink(spec.audit),
    defaultCallsPerMinute: options.defaultCallsPerMinute,
    ...(spec.shared ? { shared: spec.shared } : {}),
  });
  const service = createHttpService(options, { gateway, metrics, logger });
  try {
    return { gateway, service, metrics, address: await service.listen() };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}

export async function startService(spec: HarnessSpec): Promise<ServiceHarness> {
  const hub = await startFakeHub();
  const keys: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const [name, agent] of Object.entries(spec.agents)) {
    if (agent.key === false) continue;
    const made = newAgentKey();
    keys[name] = made.key;
    hashes[name] = made.hash;
  }
  const config = parseConfig(
    configYaml(hub.url, spec.agents, hashes),
    'hubgate-http-test.yaml',
    CREDENTIAL_ENV,
    toolNames,
  );
  const audit: AuditRecord[] = [];
  let served: ServedGateway;
  try {
    served = await serveGateway(config, {
      audit: { record: (record) => audit.push(record) },
      ...(spec.options ? { options: spec.options } : {}),
    });
  } catch (error) {
    await hub.close();
    throw error;
  }
  const { gateway, service, metrics, address } = served;
  const url = `http://127.0.0.1:${address.port}`;
  if (spec.moreConfig) {
    gateway.store.replace(
      parseConfig(
        configYaml(hub.url, spec.agents, hashes, spec.moreConfig(url)),
        'hubgate-http-test.yaml',
        CREDENTIAL_ENV,
        toolNames,
      ),
    );
  }
  const open = new Set<ConnectedClient>();

  const track = (client: Client, sessionId: string): ConnectedClient => {
    const connected: ConnectedClient = {
      client,
      sessionId,
      async close() {
        open.delete(connected);
        await client.close().catch(() => {});
      },
    };
    open.add(connected);
    return connected;
  };

  return {
    hub,
    url,
    port: address.port,
    keys,
    audit,
    service,
    gateway,
    store: gateway.store,
    metrics,
    async connectHttp(key) {
      const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: authorization(key) },
      });
      const client = new Client({ name: 'hubgate-http-test', version: '0' });
      await client.connect(transport);
      return track(client, transport.sessionId ?? '');
    },
    async connectSse(key) {
      // The POSTs go to /messages?sessionId=…: the first one tells this client its session id.
      let sessionId = '';
      const transport = new SSEClientTransport(new URL(`${url}/sse`), {
        requestInit: { headers: authorization(key) },
        eventSourceInit: {
          fetch: (input, init) => {
            const headers = new Headers(init?.headers);
            if (key !== undefined) headers.set('Authorization', `Bearer ${key}`);
            return fetch(input, { ...init, headers });
          },
        },
        fetch: (input, init) => {
          if (!sessionId) sessionId = new URL(String(input)).searchParams.get('sessionId') ?? '';
          return fetch(input, init);
        },
      });
      const client = new Client({ name: 'hubgate-http-test', version: '0' });
      await client.connect(transport);
      return track(client, sessionId);
    },
    async close() {
      await Promise.all([...open].map((connected) => connected.close()));
      await service.shutdown(0);
      await gateway.close();
      await hub.close();
    },
  };
}

export function authorization(key: string | undefined): Record<string, string> {
  return key === undefined ? {} : { Authorization: `Bearer ${key}` };
}

/** A tool call, its text content parsed as JSON when it is JSON. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  options?: RequestOptions,
): Promise<CallResult> {
  const result = await client.callTool({ name, arguments: args }, undefined, options);
  const content = result.content as { type: string; text: string }[];
  const text = content.map((item) => item.text).join('\n');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: result.isError === true, text, json };
}

/** The JSON-RPC messages of a Streamable HTTP answer, whether JSON or an SSE stream. */
export async function messagesOf(response: Response): Promise<unknown[]> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)));
  }
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? value : [value];
}

export const PROTOCOL_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

export function initializeBody(id: number | string = 1) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-fetch', version: '0' },
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: log lines of every shape
export type LogLine = Record<string, any>;

export interface RunningCli {
  child: ChildProcess;
  /** The /mcp URL from the "hubgate http listening" line. */
  url: string;
  stderr(): string;
  /** stderr's JSON log lines. */
  logs(): LogLine[];
  exited: Promise<number | null>;
}

const builtCli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * Starts the built `hubgate http ARGS` (run `npm run build` first) and waits for its listening
 * line, or fails with its stderr if it exits or is silent for 10 s. The child goes into
 * `children`, for the test to stop.
 */
export async function startHttpCli(
  args: string[],
  children: Set<ChildProcess>,
  env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', ...CREDENTIAL_ENV },
): Promise<RunningCli> {
  const child = spawn(process.execPath, [builtCli, 'http', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const logs = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const url = await new Promise<string>((resolve, reject) => {
    const look = setInterval(() => {
      const listening = logs().find((line) => line.msg === 'hubgate http listening');
      if (!listening) return;
      clearInterval(look);
      clearTimeout(silent);
      resolve(String(listening.url));
    }, 20);
    const silent = setTimeout(() => {
      clearInterval(look);
      reject(new Error(`hubgate http did not listen within 10 s:\n${stderr}`));
    }, 10_000);
    void exited.then((code) => {
      clearInterval(look);
      clearTimeout(silent);
      reject(new Error(`hubgate http exited (${code}) before listening:\n${stderr}`));
    });
  });
  return { child, url, stderr: () => stderr, logs, exited };
}
