#!/usr/bin/env node
/**
 * The `hubgate` command: parse, dispatch, and turn errors into messages and exit codes
 * (0 ok, 1 bad usage or configuration, 2 runtime failure).
 */
import { describeConfig } from './commands/check.js';
import { explainCall } from './commands/explain.js';
import { serveHttp } from './commands/http.js';
import { describeNewKey, newAgentKey } from './commands/key.js';
import { serveStdio } from './commands/serve.js';
import { describeTools, toolsAsJson, toolsAsMarkdown } from './commands/tools.js';
import { ConfigError } from './config/load.js';
import { resolveConfig, selectAgent } from './config/resolve.js';
import { parseCommandLine, USAGE, UsageError } from './options.js';
import { VERSION } from './version.js';

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
      const render = { table: describeTools, json: toolsAsJson, markdown: toolsAsMarkdown };
      process.stdout.write(render[command.format]());
      return;
    }
    case 'key':
      process.stdout.write(describeNewKey(newAgentKey()));
      return;
    case 'check':
      process.stdout.write(describeConfig(resolveConfig(command.options, env)));
      return;
    case 'explain': {
      const config = resolveConfig(command.options, env);
      const agent = selectAgent(config, command.options.agent);
      process.stdout.write(explainCall(config, agent, command.options.tool, command.options.args));
      return;
    }
    case 'serve':
      await serveStdio(command.options, env);
      return;
    case 'http':
      await serveHttp(command.options, env);
      return;
  }
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`hubgate: ${error.message}\n\n${USAGE[error.command]}`);
    process.exit(EXIT_USAGE);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`hubgate: invalid configuration\n${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`hubgate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_RUNTIME);
});
