/**
 * The command line and environment, parsed into what the server needs, with errors that say what
 * to do. Pure (argv and env in, options out) so it is tested without spawning anything.
 */
import { parseArgs } from 'node:util';
import type { Credential } from './hub/auth.js';
import { DEFAULT_HUB_URL, DEFAULT_TIMEOUT_MS, parseHubUrl } from './hub/connection.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ServeOptions {
  hubUrl: string;
  timeoutMs: number;
  logLevel: LogLevel;
  credential?: Credential;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'serve'; options: ServeOptions };

export const USAGE = `Usage: hubgate [options]

Serves the Docker Hub API as MCP tools over stdio (for Claude Desktop and other MCP hosts).
Every tool call is checked against the agent's grants before it reaches Docker Hub, and recorded.

Options:
  --hub-url URL            Docker Hub API base URL (default ${DEFAULT_HUB_URL})
  --request-timeout SECS   time budget for one Docker Hub request (default ${DEFAULT_TIMEOUT_MS / 1000})
  --log-level LEVEL        ${LOG_LEVELS.join('|')} (default info); logs go to stderr as JSON
  -h, --help               show this help and exit
  -v, --version            print the version and exit

Environment:
  DOCKER_HUB_USERNAME      Docker Hub username (an organization name for an organization access token)
  DOCKER_HUB_TOKEN         its personal access token (or organization access token, or password);
                           set both or neither; without them hubgate calls Docker Hub anonymously
  HUBGATE_HUB_URL          same as --hub-url (the flag wins)
  HUBGATE_REQUEST_TIMEOUT  same as --request-timeout
  HUBGATE_LOG_LEVEL        same as --log-level

Policy:
  One agent, "local", may read repositories and tags (Docker Hub still hides private ones the
  credential cannot see), search the catalog and read its own account. Nothing else: calls that
  write or administer are refused with the missing grant named, and nothing is sent.

Examples:
  hubgate                                          serve over stdio, anonymously
  DOCKER_HUB_USERNAME=me DOCKER_HUB_TOKEN=dckr_pat_... hubgate --log-level warn
  hubgate --hub-url http://127.0.0.1:5555          use a local Docker Hub stand-in

Exit codes: 0 ok, 1 bad usage or configuration, 2 runtime failure.
`;

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    throw new UsageError(`unknown command "${positionals[0]}"; hubgate takes no command yet`);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const hubUrl = values['hub-url'] ?? env.HUBGATE_HUB_URL ?? DEFAULT_HUB_URL;
  try {
    parseHubUrl(hubUrl);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const options: ServeOptions = {
    hubUrl,
    timeoutMs: parseTimeout(values['request-timeout'] ?? env.HUBGATE_REQUEST_TIMEOUT),
    logLevel: parseLogLevel(values['log-level'] ?? env.HUBGATE_LOG_LEVEL),
  };
  const credential = credentialFromEnv(env);
  if (credential) options.credential = credential;
  return { kind: 'serve', options };
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      'hub-url': { type: 'string' },
      'request-timeout': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new UsageError(
      `--request-timeout must be a number of seconds above 0 and at most 600, not "${value}"`,
    );
  }
  return Math.round(seconds * 1000);
}

function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
}

function credentialFromEnv(env: NodeJS.ProcessEnv): Credential | undefined {
  const username = env.DOCKER_HUB_USERNAME?.trim();
  const secret = env.DOCKER_HUB_TOKEN?.trim();
  if (!username && !secret) return undefined;
  if (!username || !secret) {
    throw new UsageError(
      `DOCKER_HUB_${username ? 'TOKEN' : 'USERNAME'} is not set: set both DOCKER_HUB_USERNAME and ` +
        'DOCKER_HUB_TOKEN, or neither to call Docker Hub anonymously',
    );
  }
  return { username, secret };
}
