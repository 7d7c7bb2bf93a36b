#!/usr/bin/env node
/**
 * The `hubgate` command. With no command it serves MCP over stdio: stdout carries the protocol and
 * nothing else, logs and audit records go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { HubClient } from './hub/client.js';
import { HubConnection } from './hub/connection.js';
import { createLogger } from './log.js';
import { type Command, parseCommandLine, type ServeOptions, USAGE, UsageError } from './options.js';
import { loggerAuditSink } from './policy/audit.js';
import { DEFAULT_AGENT } from './policy/defaults.js';
import { createHubgateServer } from './server.js';
import { VERSION } from './version.js';

const EXIT_USAGE = 1;
const EXIT_RUNTIME = 2;

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`hubgate: ${error.message}\n\n${USAGE}`);
    process.exit(EXIT_USAGE);
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  await serveStdio(command.options);
}

async function serveStdio(options: ServeOptions): Promise<void> {
  const logger = createLogger(options.logLevel);
  const connection = new HubConnection({
    baseUrl: options.hubUrl,
    timeoutMs: options.timeoutMs,
    userAgent: `hubgate/${VERSION}`,
  });
  const hub = new HubClient(connection, options.credential);
  const server = createHubgateServer({
    agent: DEFAULT_AGENT,
    hub,
    audit: loggerAuditSink(logger),
    logger,
    version: VERSION,
  });

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    logger.info({ why }, 'hubgate stopping');
    await server.close().catch(() => {});
    await connection.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The host closing our stdin is the normal end of a stdio session.
  process.stdin.on('end', () => void shutdown('stdin closed'));

  const transport = new StdioServerTransport();
  transport.onclose = () => void shutdown('transport closed');
  await server.connect(transport);
  logger.info(
    {
      version: VERSION,
      agent: DEFAULT_AGENT.name,
      hub: options.hubUrl,
      credential: options.credential ? options.credential.username : 'anonymous',
    },
    'hubgate serving MCP over stdio',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`hubgate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_RUNTIME);
});
