/**
 * A hubgate server for one agent, wired to a fresh fake Hub and driven by the SDK's own Client
 * over an in-memory transport: the real protocol path without spawning a process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import type { AuditSink } from '../../src/audit/sinks.js';
import type { ConfigStore } from '../../src/config/store.js';
import type { Config, CredentialConfig } from '../../src/config/types.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/gateway.js';
import type { Credential } from '../../src/hub/auth.js';
import type { HubClient } from '../../src/hub/client.js';
import type { HubClients } from '../../src/hub/clients.js';
import { DEFAULT_AGENT } from '../../src/policy/defaults.js';
import type { AgentPolicy } from '../../src/policy/types.js';
import { createHubgateServer } from '../../src/server.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';

/** An agent allowed everything the core tools touch, to exercise the Hub calls themselves. */
export const ADMIN_AGENT: AgentPolicy = {
  name: 'admin-bot',
  grants: [
    { resource: 'repo:*/*', access: 'admin' },
    { resource: 'org:*', access: 'admin' },
    { resource: 'catalog', access: 'read' },
    { resource: 'account', access: 'admin' },
  ],
};

export const ALICE_ADMIN: Credential = { username: 'alice', secret: SEED.pats.aliceAdmin };
export const ALICE_READ: Credential = { username: 'alice', secret: SEED.pats.aliceRead };

export interface CallResult {
  isError: boolean;
  text: string;
  /** The text parsed as JSON, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into results of many shapes
  json: any;
}

/** A one-agent config, as a file with one agent and at most one credential would load. */
export function configFor(
  agent: AgentPolicy,
  credential?: Credential,
  scim?: { org: string; token: string },
): Config {
  const credentials = new Map<string, CredentialConfig>();
  if (credential) credentials.set('test', { kind: 'hub', name: 'test', ...credential });
  if (scim) credentials.set('test-scim', { kind: 'scim', name: 'test-scim', ...scim });
  return {
    credentials,
    agents: new Map([
      [
        agent.name,
        {
          ...agent,
          keys: [],
          ...(credential ? { credential: 'test' } : {}),
          ...(scim ? { scimCredential: 'test-scim' } : {}),
        },
      ],
    ]),
    defaultAgent: agent.name,
  };
}

export interface Harness {
  hub: FakeHub;
  mcp: Client;
  gateway: Gateway;
  store: ConfigStore;
  client: HubClient;
  audit: AuditRecord[];
  call(name: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<CallResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  agent?: AgentPolicy;
  credential?: Credential;
  scim?: { org: string; token: string };
  timeoutMs?: number;
  /** Share a fake Hub between harnesses; it is then not closed with the harness. */
  hub?: FakeHub;
  /** Several sessions over one gateway, as the HTTP service has; not closed with the harness. */
  gateway?: Gateway;
  /** Hub clients of the test's own (a recording connection); the test closes their connection. */
  clients?: HubClients;
  agentName?: string;
  audit?: AuditSink;
  /** The read cache's lifetime; off (0) unless a test is about the cache. */
  cacheTtlMs?: number;
}

/** A gateway as the serving commands build one, on the fake Hub, silent, with the cache off. */
export function createTestGateway(
  config: Config,
  hub: FakeHub,
  options: Pick<HarnessOptions, 'timeoutMs' | 'cacheTtlMs' | 'audit' | 'clients'> & {
    configFile?: GatewayOptions['configFile'];
  } = {},
): Gateway {
  return createGateway(config, {
    logger: pino({ level: 'silent' }),
    hubUrl: hub.url,
    timeoutMs: options.timeoutMs ?? 5_000,
    userAgent: 'hubgate-test',
    cacheTtlMs: options.cacheTtlMs ?? 0,
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.configFile ? { configFile: options.configFile } : {}),
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const hub = options.hub ?? (await startFakeHub());
  const agent = options.agent ?? DEFAULT_AGENT;
  const agentName = options.agentName ?? agent.name;
  const audit: AuditRecord[] = [];
  const gateway =
    options.gateway ??
    createTestGateway(configFor(agent, options.credential, options.scim), hub, {
      ...options,
      audit: options.audit ?? { record: (record) => audit.push(record) },
    });
  const { store, clients } = gateway;
  const configured = store.agent(agentName);
  const server = createHubgateServer(gateway, { agentName, transport: 'stdio' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'hubgate-test', version: '0' });
  await Promise.all([server.connect(serverSide), mcp.connect(clientSide)]);

  return {
    hub,
    mcp,
    gateway,
    store,
    client: clients.for(configured && store.hubCredentialOf(configured)),
    audit,
    async call(name, args = {}, signal) {
      const result = await mcp.callTool(
        { name, arguments: args },
        undefined,
        signal ? { signal } : {},
      );
      const content = result.content as { type: string; text: string }[];
      expect(content).toHaveLength(1);
      const text = content[0]?.text ?? '';
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { isError: result.isError === true, text, json };
    },
    async close() {
      await mcp.close();
      await server.close();
      if (!options.gateway) await gateway.close();
      if (!options.hub) await hub.close();
    },
  };
}

/**
 * An answer with the Hub's transaction ids blanked: the Hub gives each answer one of its own, so
 * two answers to the same call compare equal only without them.
 */
export function withoutTxnid(answer: unknown): unknown {
  return JSON.parse(JSON.stringify(answer).replace(/txnid [0-9a-f]+/g, 'txnid X'));
}
