/**
 * The command line and environment, parsed into a command and its options, with errors that say
 * what to do. Pure (argv and env in, a command out) so it is tested without spawning anything.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_HUB_URL, DEFAULT_TIMEOUT_MS, parseHubUrl } from './hub/connection.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import {
  ACCESS_LEVELS,
  type Access,
  GRANT_RESOURCE,
  GRANT_RESOURCE_RULE,
  type Grant,
} from './policy/types.js';

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to show with the error. */
    readonly command: CommandName = 'serve',
  ) {
    super(message);
  }
}

export const COMMANDS = ['serve', 'http', 'check', 'explain', 'tools', 'key'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Where the policy comes from: a file, or the built-in default agent with optional --grant. */
export interface PolicySource {
  configFile?: string;
  grants?: Grant[];
}

export interface ServeOptions extends PolicySource {
  hubUrl?: string;
  timeoutMs: number;
  /** How long a Hub read is reused for the same identity; 0 turns the cache off. */
  cacheTtlMs: number;
  logLevel: LogLevel;
  agent?: string;
}

export interface HttpOptions extends PolicySource {
  host: string;
  port: number;
  hubUrl?: string;
  timeoutMs: number;
  cacheTtlMs: number;
  logLevel: LogLevel;
  allowAnonymous?: string;
  allowedOrigins: string[];
  allowedHosts: string[];
  maxBodyBytes: number;
  maxSessions: number;
  maxSessionsPerAgent: number;
  sessionIdleMs: number;
  shutdownMs: number;
  defaultCallsPerMinute: number;
}

export type Command =
  | { kind: 'help'; command: CommandName }
  | { kind: 'http'; options: HttpOptions }
  | { kind: 'version' }
  | { kind: 'serve'; options: ServeOptions }
  | { kind: 'check'; options: PolicySource }
  | { kind: 'explain'; options: PolicySource & { agent?: string; tool: string; args: unknown } }
  | { kind: 'tools'; format: 'table' | 'json' | 'markdown' }
  | { kind: 'key' };

const POLICY_HELP = `  --config FILE            policy file, YAML or JSON (env HUBGATE_CONFIG)
  --grant RESOURCE=LEVEL   without a config file: replace the default agent's grants
                           (repeatable), e.g. --grant 'repo:myorg/*=write'`;

export const USAGE: Record<CommandName, string> = {
  serve: `Usage: hubgate [command] [options]

Serves the Docker Hub API as MCP tools over stdio (for Claude Desktop and other MCP hosts).
Every tool call is checked against the agent's grants before it reaches Docker Hub, and recorded.

Commands:
  (none)                   serve MCP over stdio
  http                     serve MCP over HTTP to many agents, each with its own key
  check                    validate a config file and show what each agent may do
  explain                  show whether a call would be allowed, without calling Docker Hub
  tools                    list every tool with its access level and resource
  key                      make a new agent API key and its config line
  Run hubgate COMMAND --help for a command's options.

Options:
${POLICY_HELP}
  --agent NAME             the agent this stdio session acts as (env HUBGATE_AGENT;
                           default: the config's default_agent)
  --hub-url URL            Docker Hub API base URL (env HUBGATE_HUB_URL; else the config's
                           hub.url; default ${DEFAULT_HUB_URL})
  --request-timeout SECS   time budget for one Docker Hub call, retries included (default ${DEFAULT_TIMEOUT_MS / 1000})
  --cache-ttl SECS         how long a Docker Hub read is reused for the same credential
                           (default 10; 0 turns the cache off; tokens and audit logs never are)
  --log-level LEVEL        ${LOG_LEVELS.join('|')} (default info); logs go to stderr as JSON
  -h, --help               show this help and exit
  -v, --version            print the version and exit

Environment:
  DOCKER_HUB_USERNAME      without a config file: Docker Hub username (an organization name
                           for an organization access token)
  DOCKER_HUB_TOKEN         its personal access token (or organization access token, or password);
                           set both or neither; without them hubgate calls Docker Hub anonymously
  HUBGATE_CONFIG           same as --config (the flag wins)
  HUBGATE_AGENT            same as --agent
  HUBGATE_HUB_URL          same as --hub-url
  HUBGATE_REQUEST_TIMEOUT  same as --request-timeout
  HUBGATE_CACHE_TTL        same as --cache-ttl
  HUBGATE_LOG_LEVEL        same as --log-level

Policy:
  Without a config file, one agent, "local", may read repositories and tags (Docker Hub still
  hides private ones the credential cannot see), search the catalog and read its own account.
  A config file names agents, their credentials and grants; it is reloaded on SIGHUP and when
  the file changes. Refused calls name the missing grant, and nothing is sent.

Examples:
  hubgate                                          serve over stdio, anonymously
  DOCKER_HUB_USERNAME=me DOCKER_HUB_TOKEN=dckr_pat_... hubgate --log-level warn
  hubgate --config hubgate.yaml --agent ci-bot     serve as the config's agent ci-bot
  hubgate --grant 'repo:myorg/*=write' --grant catalog=read
  hubgate --hub-url http://127.0.0.1:5555          use a local Docker Hub stand-in

Exit codes: 0 ok, 1 bad usage or configuration, 2 runtime failure.
`,
  http: `Usage: hubgate http [--config FILE] [--host 127.0.0.1] [--port 8080] [options]

Serves MCP over HTTP for several agents at once: Streamable HTTP at /mcp, the older HTTP+SSE
transport at /sse and /messages, and /healthz, /readyz and /metrics. Agents authenticate with
"Authorization: Bearer <key>"; the config holds the sha256 of each agent's keys (hubgate key).
Refuses to start when no agent has a key, unless --allow-anonymous names the agent that requests
without a key act as.

Options:
${POLICY_HELP}
  --host HOST              address to bind (default 127.0.0.1; anything else should sit behind TLS)
  --port PORT              port (default 8080; 0 picks a free one)
  --allow-anonymous AGENT  requests without a key act as AGENT
  --allowed-origins LIST   comma-separated Origins browsers may call from, besides this
                           service's own (http://localhost:PORT, http://127.0.0.1:PORT)
  --allowed-hosts LIST     comma-separated Host names besides localhost, 127.0.0.1 and --host
  --max-body BYTES         largest request body (default ${1024 * 1024}); larger ones get 413
  --max-sessions N         open sessions at most (default 1000)
  --max-sessions-per-agent N    open sessions per agent at most (default 100), so that one
                           agent (or a stolen key) cannot take every slot
  --session-idle-timeout SECS   close sessions idle this long (default 1800)
  --shutdown-timeout SECS  on SIGTERM/SIGINT, how long calls in flight may finish (default 10)
  --rate-limit N           tool calls per minute per agent, unless its config sets
                           rate_limit.calls_per_minute (default 300)
  --hub-url URL            Docker Hub API base URL (default: the config's hub.url, else
                           ${DEFAULT_HUB_URL})
  --request-timeout SECS   time budget for one Docker Hub call (default ${DEFAULT_TIMEOUT_MS / 1000})
  --cache-ttl SECS         how long a Docker Hub read is reused per credential (default 10; 0: off)
  --log-level LEVEL        ${LOG_LEVELS.join('|')} (default info)

Environment: HUBGATE_CONFIG, HUBGATE_HUB_URL, HUBGATE_REQUEST_TIMEOUT, HUBGATE_CACHE_TTL and
HUBGATE_LOG_LEVEL as for the stdio server.

Examples:
  hubgate key                                      make a key for each agent
  hubgate http --config hubgate.yaml               serve on http://127.0.0.1:8080/mcp
  hubgate http --config hubgate.yaml --host 0.0.0.0 --allowed-hosts hubgate.internal
`,
  check: `Usage: hubgate check [--config FILE | --grant RESOURCE=LEVEL ...]

Validates the policy and prints each agent with its credential, grants and the tools it can see.
Exits 1 and lists every problem (file, field path, rule) when the config is invalid.

Options:
${POLICY_HELP}

Examples:
  hubgate check --config hubgate.yaml
  HUBGATE_CONFIG=hubgate.yaml hubgate check
`,
  explain: `Usage: hubgate explain --tool TOOL [--args JSON] [--agent NAME] [--config FILE]

Shows whether the agent may make this call: allow or deny, the resources it touches and the
grant that decided. Docker Hub is not called. Exits 0 whatever the decision.

Options:
  --tool TOOL              the tool, e.g. create_repository
  --args JSON              its arguments as a JSON object (default {})
  --agent NAME             the agent (default: the config's default_agent)
${POLICY_HELP}

Examples:
  hubgate explain --config hubgate.yaml --agent ci-bot --tool create_repository \\
    --args '{"namespace":"myorg","name":"app-api"}'
  hubgate explain --tool get_tag --args '{"namespace":"library","repository":"nginx","tag":"latest"}'
`,
  tools: `Usage: hubgate tools [--json | --markdown]

Lists every tool hubgate has: the access level it needs, the resources it checks, its Hub call.

Options:
  --json                   as JSON data, with each tool's annotations and input schema
  --markdown               as the reference page docs/tools.md

Examples:
  hubgate tools | grep org_
  hubgate tools --markdown > docs/tools.md
`,
  key: `Usage: hubgate key

Prints a new random agent API key and the "sha256:" line to paste under the agent's keys in the
config. hubgate keeps only the hash; give the key itself to the agent, once.

Examples:
  hubgate key                     then: keys: ["sha256:…"] under the agent in the config,
                                  and the agent sends "Authorization: Bearer hgk_…"
`,
};

const FLAGS = {
  config: { type: 'string' },
  grant: { type: 'string', multiple: true },
  agent: { type: 'string' },
  tool: { type: 'string' },
  args: { type: 'string' },
  'hub-url': { type: 'string' },
  'request-timeout': { type: 'string' },
  'cache-ttl': { type: 'string' },
  'log-level': { type: 'string' },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'allow-anonymous': { type: 'string' },
  'allowed-origins': { type: 'string', multiple: true },
  'allowed-hosts': { type: 'string', multiple: true },
  'max-body': { type: 'string' },
  'max-sessions': { type: 'string' },
  'max-sessions-per-agent': { type: 'string' },
  'session-idle-timeout': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  'rate-limit': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type FlagName = keyof typeof FLAGS;

const ALLOWED: Record<CommandName, readonly FlagName[]> = {
  serve: ['config', 'grant', 'agent', 'hub-url', 'request-timeout', 'cache-ttl', 'log-level'],
  http: [
    'config',
    'grant',
    'host',
    'port',
    'allow-anonymous',
    'allowed-origins',
    'allowed-hosts',
    'max-body',
    'max-sessions',
    'max-sessions-per-agent',
    'session-idle-timeout',
    'shutdown-timeout',
    'rate-limit',
    'hub-url',
    'request-timeout',
    'cache-ttl',
    'log-level',
  ],
  check: ['config', 'grant'],
  explain: ['config', 'grant', 'agent', 'tool', 'args'],
  tools: ['json', 'markdown'],
  key: [],
};

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: FLAGS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, ...extra] = positionals;
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(
      `unknown command "${first}"; commands are ${COMMANDS.slice(1).join(', ')}`,
    );
  }
  const command = (first ?? 'serve') as CommandName;
  if (extra.length > 0 || first === 'serve') {
    throw new UsageError(`unexpected argument "${extra[0] ?? first}"`, command);
  }
  if (values.help) return { kind: 'help', command };
  if (values.version) return { kind: 'version' };
  for (const flag of Object.keys(values) as FlagName[]) {
    if (!ALLOWED[command].includes(flag)) {
      throw new UsageError(
        `--${flag} does not apply to ${command === 'serve' ? 'serving' : `hubgate ${command}`}`,
        command,
      );
    }
  }
  const text = (flag: FlagName) => values[flag] as string | undefined;

  switch (command) {
    case 'tools':
      if (values.json && values.markdown) {
        throw new UsageError('--json and --markdown are two formats: choose one', command);
      }
      return {
        kind: 'tools',
        format: values.json ? 'json' : values.markdown ? 'markdown' : 'table',
      };
    case 'key':
      return { kind: 'key' };
    case 'check':
      return { kind: 'check', options: policySource(values, env, command) };
    case 'explain': {
      const tool = text('tool');
      if (!tool) throw new UsageError('--tool is required', command);
      const agent = text('agent') ?? env.HUBGATE_AGENT;
      return {
        kind: 'explain',
        options: {
          ...policySource(values, env, command),
          ...(agent ? { agent } : {}),
          tool,
          args: parseJsonArgs(text('args') ?? '{}'),
        },
      };
    }
    case 'http': {
      const hubUrl = text('hub-url') ?? env.HUBGATE_HUB_URL;
      if (hubUrl !== undefined) checkHubUrl(hubUrl, command);
      const list = (flag: FlagName) =>
        ((values[flag] as string[] | undefined) ?? [])
          .flatMap((item) => item.split(','))
          .map((item) => item.trim())
          .filter(Boolean);
      const number = (flag: FlagName, fallback: number, min: number, max: number) =>
        parseNumber(flag, text(flag), fallback, min, max);
      const anonymous = text('allow-anonymous');
      return {
        kind: 'http',
        options: {
          ...policySource(values, env, command),
          host: text('host') ?? '127.0.0.1',
          port: number('port', 8080, 0, 65_535),
          ...(hubUrl ? { hubUrl } : {}),
          ...(anonymous ? { allowAnonymous: anonymous } : {}),
          timeoutMs: parseTimeout(text('request-timeout') ?? env.HUBGATE_REQUEST_TIMEOUT),
          cacheTtlMs: parseCacheTtl(text('cache-ttl') ?? env.HUBGATE_CACHE_TTL, command),
          logLevel: parseLogLevel(text('log-level') ?? env.HUBGATE_LOG_LEVEL),
          allowedOrigins: list('allowed-origins'),
          allowedHosts: list('allowed-hosts'),
          maxBodyBytes: number('max-body', 1024 * 1024, 1024, 100 * 1024 * 1024),
          maxSessions: number('max-sessions', 1000, 1, 1_000_000),
          maxSessionsPerAgent: number('max-sessions-per-agent', 100, 1, 1_000_000),
          sessionIdleMs: number('session-idle-timeout', 1800, 1, 7 * 24 * 3600) * 1000,
          shutdownMs: number('shutdown-timeout', 10, 0, 3600) * 1000,
          defaultCallsPerMinute: number('rate-limit', 300, 1, 100_000),
        },
      };
    }
    case 'serve': {
      const hubUrl = text('hub-url') ?? env.HUBGATE_HUB_URL;
      if (hubUrl !== undefined) {
        try {
          parseHubUrl(hubUrl);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      }
      const agent = text('agent') ?? env.HUBGATE_AGENT;
      return {
        kind: 'serve',
        options: {
          ...policySource(values, env, command),
          ...(hubUrl ? { hubUrl } : {}),
          ...(agent ? { agent } : {}),
          timeoutMs: parseTimeout(text('request-timeout') ?? env.HUBGATE_REQUEST_TIMEOUT),
          cacheTtlMs: parseCacheTtl(text('cache-ttl') ?? env.HUBGATE_CACHE_TTL, command),
          logLevel: parseLogLevel(text('log-level') ?? env.HUBGATE_LOG_LEVEL),
        },
      };
    }
  }
}

function policySource(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  command: CommandName,
): PolicySource {
  const configFile = (values.config as string | undefined) ?? (env.HUBGATE_CONFIG || undefined);
  const grantFlags = values.grant as string[] | undefined;
  if (configFile && grantFlags) {
    throw new UsageError(
      "--grant replaces the default agent's grants when there is no config file; with a config " +
        'file, write the grants in it',
      command,
    );
  }
  if (configFile) return { configFile };
  return grantFlags ? { grants: grantFlags.map((flag) => parseGrant(flag, command)) } : {};
}

export function parseGrant(flag: string, command: CommandName = 'serve'): Grant {
  const at = flag.lastIndexOf('=');
  const resource = flag.slice(0, at);
  const access = flag.slice(at + 1);
  if (at <= 0) throw new UsageError(`--grant "${flag}": write RESOURCE=LEVEL`, command);
  if (!GRANT_RESOURCE.test(resource)) {
    throw new UsageError(`--grant "${flag}": the resource ${GRANT_RESOURCE_RULE}`, command);
  }
  if (!(ACCESS_LEVELS as readonly string[]).includes(access)) {
    throw new UsageError(`--grant "${flag}": the level must be read, write or admin`, command);
  }
  return { resource, access: access as Access };
}

function parseJsonArgs(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`, 'explain');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      '--args must be a JSON object, e.g. \'{"namespace":"library"}\'',
      'explain',
    );
  }
  return value;
}

function checkHubUrl(url: string, command: CommandName): void {
  try {
    parseHubUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

function parseNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  command: CommandName = 'http',
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max || value.trim() === '') {
    throw new UsageError(
      `--${flag} must be a number from ${min} to ${max}, not "${value}"`,
      command,
    );
  }
  return number;
}

function parseCacheTtl(value: string | undefined, command: CommandName): number {
  return parseNumber('cache-ttl', value, 10, 0, 3600, command) * 1000;
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
