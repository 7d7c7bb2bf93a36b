/**
 * `hubgate` with no command: MCP over stdio for one agent. stdout carries the protocol and nothing
 * else; logs, and audit records unless the config names a file, go to stderr.
 */
import type { Readable, Writable } from 'node:stream';
import { serveStdio as serveMcpOverStdio } from '@modelcontextprotocol/server/stdio';
import { resolveConfig, selectAgent } from '../config/resolve.js';
import type { Config } from '../config/types.js';
import { createGateway } from '../gateway/gateway.js';
import { laneOnWire } from '../lane.js';
import { createLogger } from '../log.js';
import type { ServeOptions } from '../options.js';
import { createHubgateSession } from '../server.js';
import { dropAnswer } from '../stdio/front.js';
import { StdioWire } from '../stdio/wire.js';
import { toolNames } from '../tools/index.js';
import { VERSION } from '../version.js';
import { gatewayOptionsOf } from './gateway-options.js';

/** On a signal, how long calls in flight may take to finish, and then to answer once ended. */
const STOP_GRACE_MS = 1_000;

/**
 * `io`: the streams the session is read from and written to, when not the process's own, the
 * config already read, and the answer not to give: the stdio front (stdio/front.ts) hands over a
 * session it opened.
 */
export async function serveStdio(
  options: ServeOptions,
  env: NodeJS.ProcessEnv,
  io: { input: Readable; output: Writable; config?: Config; dropAnswerTo?: string | number } = {
    input: process.stdin,
    output: process.stdout,
  },
): Promise<void> {
  const config = io.config ?? resolveConfig(options, env, toolNames);
  const agentName = selectAgent(config, options.agent);
  const logger = createLogger(options.logLevel);
  const gateway = createGateway(config, { logger, ...gatewayOptionsOf(options, env) });
  let callsInFlight = 0;
  const wire = new StdioWire(io.input, io.output);
  // One connection, one server: the opening message picks its era (2025: initialize; 2026-07-28:
  // any request carrying the per-request _meta envelope), and serveStdio pins it for the rest.
  const connection = serveMcpOverStdio(
    ({ era }) => {
      const { server, callTool } = createHubgateSession(gateway, {
        agentName,
        transport: 'stdio',
        onCallStart: () => {
          callsInFlight += 1;
          return () => {
            callsInFlight -= 1;
          };
        },
      });
      // A 2025-era session's tool calls are answered in the lane, past the SDK's protocol layer.
      if (era === 'legacy') laneOnWire(wire, server, callTool);
      return server;
    },
    {
      transport: io.dropAnswerTo === undefined ? wire : dropAnswer(wire, io.dropAnswerTo),
      onerror: (error) => logger.warn({ err: error }, 'stdio: a message could not be handled'),
    },
  );
  const settled = async (ms: number) => {
    const until = Date.now() + ms;
    while (callsInFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    logger.info({ why }, 'hubgate stopping');
    // Calls in flight get a moment to finish, then their Hub requests end and they answer with
    // the error: the host hears back about every call it made before the process goes.
    await settled(STOP_GRACE_MS);
    if (callsInFlight > 0) {
      await gateway.abortHubCalls();
      await settled(STOP_GRACE_MS);
    }
    await connection.close().catch(() => {});
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => gateway.reload('SIGHUP'));
  // The host closing our stdin is the normal end of a stdio session.
  io.input.on('end', () => void shutdown('stdin closed'));

  logger.info(
    {
      version: VERSION,
      config: config.source ?? 'built-in default',
      agent: agentName,
      credential: gateway.store.agent(agentName)?.credential ?? 'anonymous',
      hub: gateway.hubUrl,
      audit: config.auditFile ?? 'stderr',
    },
    'hubgate serving MCP over stdio',
  );
}
