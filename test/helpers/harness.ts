/**
 * A hubgate server for one agent, wired to a fresh fake Hub and driven by the SDK's own Client
 * over an in-memory transport: the real protocol path without spawning a process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Credential } from '../../src/hub/auth.js';
import { HubClient } from '../../src/hub/client.js';
import { HubConnection } from '../../src/hub/connection.js';
import type { AuditRecord } from '../../src/policy/audit.js';
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

export interface Harness {
  hub: FakeHub;
  mcp: Client;
  client: HubClient;
  audit: AuditRecord[];
  call(name: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<CallResult>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { agent?: AgentPolicy; credential?: Credential; timeoutMs?: number; hub?: FakeHub } = {},
): Promise<Harness> {
  const hub = options.hub ?? (await startFakeHub());
  const connection = new HubConnection({
    baseUrl: hub.url,
    timeoutMs: options.timeoutMs ?? 5_000,
    userAgent: 'hubgate-test',
  });
  const client = new HubClient(connection, options.credential);
  const audit: AuditRecord[] = [];
  const server = createHubgateServer({
    agent: options.agent ?? DEFAULT_AGENT,
    hub: client,
    audit: { record: (record) => audit.push(record) },
    logger: pino({ level: 'silent' }),
    version: 'test',
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'hubgate-test', version: '0' });
  await Promise.all([server.connect(serverSide), mcp.connect(clientSide)]);

  return {
    hub,
    mcp,
    client,
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
      await connection.close();
      if (!options.hub) await hub.close();
    },
  };
}
