/**
 * `hubgate` with no command: MCP over stdio for one agent. stdout carries the protocol and nothing
 * else; logs, and audit records unless the config names a file, go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Logger } from 'pino';
import { createReloader } from '../config/reload.js';
import { resolveConfig, selectAgent } from '../config/resolve.js';
import type { Config } from '../config/types.js';
import { HubClients } from '../hub/clients.js';
import { DEFAULT_HUB_URL, HubConnection } from '../hub/connection.js';
import { createLogger } from '../log.js';
import type { ServeOptions } from '../options.js';
import { type AuditSink, fileAuditSink, loggerAuditSink } from '../policy/audit.js';
import { PolicyStore } from '../policy/store.js';
import { createHubgateServer } from '../server.js';
import { VERSION } from '../version.js';

export function auditSinkFor(config: Config, logger: Logger): AuditSink {
  return config.auditFile ? fileAuditSink(config.auditFile, logger) : loggerAuditSink(logger);
}

export async function serveStdio(options: ServeOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const config = resolveConfig(options, env);
  const agentName = selectAgent(config, options.agent);
  const logger = createLogger(options.logLevel);
  const store = new PolicyStore(config);
  const hubUrl = options.hubUrl ?? config.hubUrl ?? DEFAULT_HUB_URL;
  const connection = new HubConnection({
    baseUrl: hubUrl,
    timeoutMs: options.timeoutMs,
    userAgent: `hubgate/${VERSION}`,
  });
  const audit = auditSinkFor(config, logger);
  const server = createHubgateServer({
    agentName,
    store,
    clients: new HubClients(connection, { cacheTtlMs: options.cacheTtlMs }),
    audit,
    logger,
    version: VERSION,
    transport: 'stdio',
  });
  const reloader = options.configFile
    ? createReloader(options.configFile, env, store, logger)
    : undefined;

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    logger.info({ why }, 'hubgate stopping');
    reloader?.stop();
    await server.close().catch(() => {});
    await connection.close().catch(() => {});
    audit.close?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    if (reloader) reloader.reload('SIGHUP');
    else logger.warn('SIGHUP: there is no config file to reload');
  });
  // The host closing our stdin is the normal end of a stdio session.
  process.stdin.on('end', () => void shutdown('stdin closed'));

  const transport = new StdioServerTransport();
  transport.onclose = () => void shutdown('transport closed');
  await server.connect(transport);
  const agent = store.agent(agentName);
  logger.info(
    {
      version: VERSION,
      config: config.source ?? 'built-in default',
      agent: agentName,
      credential: agent?.credential ?? 'anonymous',
      hub: hubUrl,
      audit: config.auditFile ?? 'stderr',
    },
    'hubgate serving MCP over stdio',
  );
}
