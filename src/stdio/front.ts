/**
 * The stdio front: a host starts hubgate for every conversation and waits for tools/list before
 * anything else, and loading the MCP SDK, zod and the gateway takes several times a bare node
 * start. So the opening of a 2025-era session is answered here, once the policy is known (the
 * built-in one, or the config file read as serving reads it), from a table computed at build time
 * (front-table.ts): `initialize`, as the SDK's server answers it, and the first tools/list.
 * Then the real server is loaded and takes the connection over: it is handed the `initialize`
 * again (so it knows the client: its version, whether it can elicit) and every message after,
 * and its answer to that `initialize`, already given, is dropped.
 *
 * Anything else first (a 2026-07-28 opening, a message the front does not know, a line that is
 * not JSON) goes to the real server untouched: the front only ever answers what it is sure of.
 */
import { Readable, type Writable } from 'node:stream';
import { defaultConfig } from '../config/defaults.js';
import type { Config } from '../config/types.js';
import type { ServeOptions } from '../options.js';
import { mayEverAllow } from '../policy/authorize.js';
import { INSTRUCTIONS, SERVER_CAPABILITIES, SERVER_INFO } from '../server-identity.js';
import { FRONT_TABLE, type FrontTable } from './front-table.js';

/** How long the front waits for the next message of an opening before handing over anyway. */
const IDLE_MS = 100;

/**
 * The real server over the given streams (commands/serve.ts); `dropAnswerTo`: the id of the
 * replayed `initialize`, whose answer the front already gave.
 */
export type ServeOver = (io: {
  input: Readable;
  output: Writable;
  config?: Config;
  dropAnswerTo?: string | number;
}) => Promise<void>;

/**
 * Makes a transport drop its first answer to request `id` (the replayed `initialize`) and send
 * everything else as it would: a wrapper of its send(), not a stream in the way of every line.
 */
export function dropAnswer<T extends { send(message: never, options?: never): Promise<void> }>(
  transport: T,
  id: string | number,
): T {
  const send = transport.send.bind(transport) as (
    message: unknown,
    options?: unknown,
  ) => Promise<void>;
  let dropped = false;
  transport.send = (async (message: { id?: unknown; method?: unknown }, options?: unknown) => {
    if (!dropped && message.id === id && message.method === undefined) {
      dropped = true;
      return;
    }
    return send(message, options);
  }) as T['send'];
  return transport;
}

interface Message {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: { protocolVersion?: unknown; cursor?: unknown };
}

/**
 * Serves stdio with the front when it can answer for this policy, else straight through the real
 * server. Settles as the real server's start does: once the client's messages hand over to it.
 */
export async function serveWithFront(
  options: ServeOptions,
  env: NodeJS.ProcessEnv,
  serveOver: ServeOver,
  // Tests: their own streams, and the table the bundle would hold.
  io: { stdin: Readable; stdout: Writable; table?: FrontTable } = {
    stdin: process.stdin,
    stdout: process.stdout,
    table: FRONT_TABLE,
  },
): Promise<void> {
  const { stdin, stdout, table } = io;
  const policy = table && (await frontPolicy(options, env, table));
  // Without answers of its own, the front is not in the way at all.
  if (!table || !policy) return serveOver({ input: stdin, output: stdout });
  const { tools, config } = policy;
  // What the real server reads: the lines kept, then the client's bytes as they come.
  const input = new Readable({ read() {} });
  let dropAnswerTo: string | number | undefined;

  const forward: string[] = [];
  let pending = '';
  let initialized = false;
  let listed = false;
  let handedOver = false;
  let ended = false;
  let handingOver = false;
  let started: (value: Promise<void>) => void = () => {};
  const serving = new Promise<void>((resolve) => {
    started = resolve;
  });

  const answer = (id: unknown, result: unknown) =>
    stdout.write(`${JSON.stringify({ result, jsonrpc: '2.0', id })}\n`);
  // A client that is slow to open (or says nothing) gets the real server anyway, and soon: the
  // front only saves the wait at the start, it never delays the server by more than this.
  let idle = setTimeout(() => handOver(), IDLE_MS);
  const stillOpening = () => {
    clearTimeout(idle);
    idle = setTimeout(() => handOver(), IDLE_MS);
  };
  const handOver = () => {
    if (handingOver) return;
    handingOver = true;
    clearTimeout(idle);
    // After the answers above are written: loading the server blocks this thread a while.
    setImmediate(() => {
      const start = serveOver({
        input,
        output: stdout,
        // The policy the tools were listed from, not the file read again: it may have changed.
        config,
        ...(dropAnswerTo === undefined ? {} : { dropAnswerTo }),
      });
      handedOver = true;
      for (const line of forward) input.push(`${line}\n`);
      if (pending) input.push(pending);
      if (ended) input.push(null);
      started(start);
    });
  };
  /** One line read before the hand-over: answered here, or kept for the real server. */
  const read = (line: string) => {
    const message = parse(line);
    if (!initialized && isInitialize(message, table)) {
      initialized = true;
      stillOpening();
      dropAnswerTo = message.id as string | number;
      answer(message.id, {
        protocolVersion: negotiated(message, table),
        capabilities: SERVER_CAPABILITIES,
        serverInfo: SERVER_INFO,
        instructions: INSTRUCTIONS,
      });
    } else if (initialized && !listed && isFirstPage(message, 'tools/list')) {
      listed = true;
      answer(message.id, { tools });
      handOver();
      return;
    } else if (!(initialized && message?.method === 'notifications/initialized')) {
      handOver();
    }
    forward.push(line);
  };

  stdin.on('data', (chunk: Buffer) => {
    if (handedOver) {
      input.push(chunk);
      return;
    }
    pending += chunk.toString('utf8');
    for (let cut = pending.indexOf('\n'); cut !== -1; cut = pending.indexOf('\n')) {
      const line = pending.slice(0, cut).replace(/\r$/, '');
      pending = pending.slice(cut + 1);
      read(line);
    }
  });
  stdin.on('end', () => {
    ended = true;
    if (handedOver) input.push(null);
    else handOver();
  });
  await serving;
}

/**
 * The policy and its agent's tools/list, or undefined when the front cannot answer for this
 * start (a config that does not load, an agent it does not have): the real server then says why,
 * as it would without a front. The config file is read as serving reads it (zod and the YAML
 * parser are loaded for it, the SDK is not).
 */
async function frontPolicy(options: ServeOptions, env: NodeJS.ProcessEnv, table: FrontTable) {
  let config: Config;
  try {
    if (options.configFile) {
      const { loadConfigFile } = await import('../config/load.js');
      const toolNames = new Set(table.tools.map((tool) => tool.name));
      config = loadConfigFile(options.configFile, env, toolNames);
    } else {
      config = defaultConfig(env, options.grants);
    }
  } catch {
    return undefined;
  }
  const name = options.agent ?? config.defaultAgent;
  const agent = name === undefined ? undefined : config.agents.get(name);
  if (!agent) return undefined;
  const tools = table.tools
    .filter((tool) => mayEverAllow(agent, tool.name, tool.needs))
    .map((tool) => tool.description);
  return { tools, config };
}

function parse(line: string): Message | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Message)
      : undefined;
  } catch {
    return undefined;
  }
}

function hasId(message: Message): boolean {
  return typeof message.id === 'string' || typeof message.id === 'number';
}

/** A 2025-era `initialize` the SDK's server would accept as it is. */
function isInitialize(message: Message | undefined, table: FrontTable): message is Message {
  const params = message?.params as Record<string, unknown> | undefined;
  return (
    !!message &&
    message.jsonrpc === '2.0' &&
    hasId(message) &&
    message.method === 'initialize' &&
    !!params &&
    typeof params.protocolVersion === 'string' &&
    !!params.capabilities &&
    typeof params.capabilities === 'object' &&
    !!params.clientInfo &&
    typeof params.clientInfo === 'object' &&
    // Anything else in it (an envelope, _meta) is for the real server to judge.
    Object.keys(params).every((key) =>
      ['protocolVersion', 'capabilities', 'clientInfo'].includes(key),
    ) &&
    table.legacyVersions.length > 0
  );
}

function negotiated(message: Message, table: FrontTable): string {
  const requested = message.params?.protocolVersion as string;
  return table.legacyVersions.includes(requested) ? requested : (table.legacyVersions[0] as string);
}

function isFirstPage(message: Message | undefined, method: string): message is Message {
  if (message?.jsonrpc !== '2.0' || !hasId(message) || message.method !== method) return false;
  const params = message.params;
  return params === undefined || (params !== null && Object.keys(params).length === 0);
}
