/**
 * The stdio front on its own streams (the built binary's is tested in test/e2e/front.test.ts):
 * it answers `initialize` and the first tools/list without the real server, hands the real
 * server the `initialize` again and every message after (never the tools/list it answered), and
 * drops only the real server's answer to that `initialize`. What it cannot answer for, it hands
 * over at once, with nothing answered.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import type { ServeOptions } from '../../src/options.js';
import { DEFAULT_AGENT } from '../../src/policy/defaults.js';
import { dropAnswer, type ServeOver, serveWithFront } from '../../src/stdio/front.js';
import type { FrontTable } from '../../src/stdio/front-table.js';
import { describeTool } from '../../src/tools/describe.js';
import { catalog } from '../../src/tools/index.js';
import { possibleNeeds } from '../../src/tools/resources.js';
import { visibleTools } from '../../src/tools/visible.js';

const table: FrontTable = {
  tools: catalog.map((entry) => ({
    name: entry.name,
    needs: possibleNeeds(entry),
    description: describeTool(entry),
  })),
  legacyVersions: SUPPORTED_PROTOCOL_VERSIONS.filter((version) => version < '2026'),
};

const options = { logLevel: 'silent', timeoutMs: 1_000, cacheTtlMs: 0 } as ServeOptions;

/** A front over its own streams, with a real server that records what it is handed. */
function harness(frontOptions: ServeOptions = options) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const written: unknown[] = [];
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (let cut = text.indexOf('\n'); cut !== -1; cut = text.indexOf('\n')) {
      written.push(JSON.parse(text.slice(0, cut)));
      text = text.slice(cut + 1);
    }
  });
  const handed: unknown[] = [];
  type Io = Parameters<ServeOver>[0];
  let handOver: ((io: Io) => void) | undefined;
  const handedOver = new Promise<Io>((resolve) => {
    handOver = resolve;
  });
  const serving = serveWithFront(
    frontOptions,
    {},
    async (io) => {
      let text = '';
      io.input.on('data', (chunk: Buffer | string) => {
        text += chunk.toString();
        for (let cut = text.indexOf('\n'); cut !== -1; cut = text.indexOf('\n')) {
          handed.push(JSON.parse(text.slice(0, cut)));
          text = text.slice(cut + 1);
        }
      });
      handOver?.(io);
    },
    { stdin, stdout, table },
  );
  const send = (...messages: unknown[]) => {
    for (const message of messages) stdin.write(`${JSON.stringify(message)}\n`);
  };
  return { stdin, written, handed, handedOver, serving, send };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
const initialize = {
  jsonrpc: '2.0',
  id: 7,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: { elicitation: {} },
    clientInfo: { name: 'c', version: '1' },
  },
};
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };

describe('serveWithFront', () => {
  it('answers initialize and the first tools/list itself, then hands the rest over', async () => {
    const h = harness();
    h.send(initialize, initialized);
    await tick();
    // Nothing handed over yet: the opening is the front's.
    expect(h.handed).toEqual([]);
    expect(h.written).toEqual([
      {
        result: {
          protocolVersion: '2025-06-18',
          capabilities: { tools: { listChanged: true } },
          serverInfo: expect.objectContaining({ name: 'hubgate' }),
          instructions: expect.stringContaining('per-agent policy'),
        },
        jsonrpc: '2.0',
        id: 7,
      },
    ]);
    h.send({ jsonrpc: '2.0', id: 8, method: 'tools/list' });
    const { input, output, dropAnswerTo } = await h.handedOver;
    // The real server writes where the front wrote, and is told which answer not to give.
    expect(dropAnswerTo).toBe(7);
    const visible = visibleTools(DEFAULT_AGENT, catalog).map((entry) => entry.name);
    const listed = h.written[1] as { id: number; result: { tools: { name: string }[] } };
    expect(listed.id).toBe(8);
    expect(listed.result.tools.map((tool) => tool.name)).toEqual(visible);

    // The real server is handed the initialize (it must know the client) and what followed,
    // never the tools/list already answered; then whatever comes next.
    h.send({ jsonrpc: '2.0', id: 9, method: 'ping' });
    await tick();
    expect(h.handed).toEqual([initialize, initialized, { jsonrpc: '2.0', id: 9, method: 'ping' }]);

    output.write(`${JSON.stringify({ result: {}, jsonrpc: '2.0', id: 9 })}\n`);
    await tick();
    expect(h.written.slice(2)).toEqual([{ result: {}, jsonrpc: '2.0', id: 9 }]);
    h.stdin.end();
    await new Promise((resolve) => input.once('end', resolve));
    await h.serving;
  });

  it("drops the transport's first answer to the replayed initialize, and nothing else", async () => {
    const sent: unknown[] = [];
    const transport = dropAnswer(
      {
        async send(message: never) {
          sent.push(message);
        },
      },
      7,
    );
    const send = transport.send as (message: unknown) => Promise<void>;
    await send({ jsonrpc: '2.0', id: 7, result: { protocolVersion: 'x' } });
    await send({ jsonrpc: '2.0', id: 7, method: 'elicitation/create', params: {} });
    await send({ jsonrpc: '2.0', id: 9, result: {} });
    await send({ jsonrpc: '2.0', id: 7, result: { again: true } });
    expect(sent).toEqual([
      { jsonrpc: '2.0', id: 7, method: 'elicitation/create', params: {} },
      { jsonrpc: '2.0', id: 9, result: {} },
      { jsonrpc: '2.0', id: 7, result: { again: true } },
    ]);
  });

  it('hands a 2026-07-28 opening over at once, answering nothing', async () => {
    const h = harness();
    const discover = { jsonrpc: '2.0', id: 1, method: 'server/discover', params: {} };
    h.send(discover);
    await h.handedOver;
    await tick();
    expect(h.written).toEqual([]);
    expect(h.handed).toEqual([discover]);
  });

  it('answers for a config file, and hands the real server the config it read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hubgate-front-')), 'hubgate.yaml');
    writeFileSync(
      file,
      'agents:\n  ci-bot:\n    grants: [{ resource: "repo:acme/app", access: write }]\n',
    );
    const h = harness({ ...options, configFile: file });
    h.send(initialize, initialized, { jsonrpc: '2.0', id: 8, method: 'tools/list' });
    const io = await h.handedOver;
    const listed = h.written[1] as { result: { tools: { name: string }[] } };
    expect(listed.result.tools.map((tool) => tool.name)).toContain('update_repository');
    expect(listed.result.tools.map((tool) => tool.name)).not.toContain('search_catalog');
    expect([...(io.config?.agents.keys() ?? [])]).toEqual(['ci-bot']);
  });

  it('stays out of the way for a config that does not load, or another agent: the real server has stdio', async () => {
    for (const other of [{ configFile: '/nonexistent/hubgate.yaml' }, { agent: 'ci-bot' }]) {
      const h = harness({ ...options, ...other });
      const io = await h.handedOver;
      expect(io.input).toBe(h.stdin);
      expect(io.dropAnswerTo).toBeUndefined();
    }
  });

  it('hands over an initialize it would not answer as it is (other fields in it)', async () => {
    const h = harness();
    const unusual = { ...initialize, params: { ...initialize.params, _meta: { x: 1 } } };
    h.send(unusual);
    await h.handedOver;
    await tick();
    expect(h.written).toEqual([]);
    expect(h.handed).toEqual([unusual]);
  });
});
