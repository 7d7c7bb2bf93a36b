#!/usr/bin/env node
/**
 * The `hubgate` command: parse, dispatch, and turn errors into messages and exit codes
 * (0 ok, 1 bad usage or configuration, 2 runtime failure).
 */
/**
 * Commands are imported when chosen: a host starts hubgate for every conversation, and a stdio
 * session should not pay for loading the HTTP service, metrics or the documentation generators.
 */
import type { ConfigError } from './config/errors.js';
import { parseCommandLine, USAGE, type UsageError } from './options.js';
import { VERSION } from './version.js';

/**
 * By name: a command throws its own bundle's ConfigError or UsageError (scripts/bundle.mjs loads
 * the commands from entries of their own), which is not this file's class.
 */
function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && error.name === 'ConfigError';
}
function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && error.name === 'UsageError';
}

const EXIT_USAGE = 1;
const EXIT_RUNTIME = 2;

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const command = parseCommandLine(argv, env);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE[command.command]);
      return;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return;
    case 'tools': {
      const { describeTools, toolsAsJson, toolsAsMarkdown } = await import('./commands/tools.js');
      const render = { table: describeTools, json: toolsAsJson, markdown: toolsAsMarkdown };
      process.stdout.write(render[command.format]());
      return;
    }
    case 'key': {
      const { describeNewKey, newAgentKey } = await import('./commands/key.js');
      process.stdout.write(describeNewKey(newAgentKey()));
      return;
    }
    case 'approvals': {
      const { listApprovals } = await import('./commands/approve.js');
      process.stdout.write(await listApprovals(command.url, env));
      return;
    }
    case 'approve': {
      const { decideApproval } = await import('./commands/approve.js');
      process.stdout.write(await decideApproval(command.url, env, command.id, !command.deny));
      return;
    }
    case 'check': {
      const { describeConfig } = await import('./commands/check.js');
      const { resolveConfig } = await import('./config/resolve.js');
      const { toolNames } = await import('./tools/index.js');
      // check never calls the Hub: secrets not exported yet are warnings, not errors.
      const config = resolveConfig(command.options, env, toolNames, { unsetVariables: 'warn' });
      process.stdout.write(describeConfig(config));
      return;
    }
    case 'explain': {
      const { explainCall } = await import('./commands/explain.js');
      const { resolveConfig, selectAgent } = await import('./config/resolve.js');
      const { toolNames } = await import('./tools/index.js');
      const config = resolveConfig(command.options, env, toolNames, { unsetVariables: 'warn' });
      const { tool, tokenClaims } = command.options;
      let agent: string | undefined;
      if (tokenClaims !== undefined) {
        const { explainTokenClaims } = await import('./commands/explain-token.js');
        const explained = explainTokenClaims(config, tokenClaims);
        process.stdout.write(explained.text);
        agent = explained.agent;
        // A token that signs in as no agent makes no call to explain.
        if (agent === undefined) return;
      }
      if (tool === undefined) return;
      agent ??= selectAgent(config, command.options.agent);
      process.stdout.write(explainCall(config, agent, tool, command.options.args));
      return;
    }
    case 'serve': {
      // The front answers the session's opening while the server loads (see stdio/front.ts).
      const { serveWithFront } = await import('./stdio/front.js');
      await serveWithFront(command.options, env, async (io) => {
        const { serveStdio } = await import('./commands/serve.js');
        await serveStdio(command.options, env, io);
      });
      return;
    }
    case 'http': {
      const { serveHttp } = await import('./commands/http.js');
      await serveHttp(command.options, env);
      return;
    }
  }
}

// A reader that goes away (`hubgate tools --json | head`, a host closing stdio) is an end, not a
// failure: leave quietly instead of dying on an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  if (isUsageError(error)) {
    process.stderr.write(`hubgate: ${error.message}\n\n${USAGE[error.command]}`);
    process.exit(EXIT_USAGE);
  }
  if (isConfigError(error)) {
    process.stderr.write(`hubgate: invalid configuration\n${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`hubgate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_RUNTIME);
});
