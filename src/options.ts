/**
 * The command line and environment, parsed into a command and its options, with errors that say
 * what to do and come with the usage of the command they were given to. Pure (argv and env in, a
 * command out) so it is tested without spawning anything. The flags are described once, in
 * cli-flags.ts: this file turns that table into parseArgs options, values and --help text.
 */

import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  COMMANDS,
  type CommandName,
  FLAG_NAMES,
  type FLAGS,
  type FlagName,
  type FlagSpec,
  flagHelp,
  isRepeatable,
  spec,
} from './cli-flags.js';
import type { PolicySource } from './config/types.js';
import { parseHubUrl } from './hub/connection.js';
import type { LogLevel } from './log-levels.js';
import {
  ACCESS_LEVELS,
  type Access,
  GRANT_RESOURCE,
  GRANT_RESOURCE_RULE,
  type Grant,
} from './policy/types.js';

export { COMMANDS, type CommandName };

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

export type { PolicySource };

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
  maxConnections: number;
  maxSilentPerAddress: number;
  /** The deprecated HTTP+SSE transport is served unless this is set. */
  noSse: boolean;
  /** Shared state for replicas. */
  redisUrl?: string;
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
  | {
      kind: 'explain';
      options: PolicySource & {
        agent?: string;
        tool?: string;
        tokenClaims?: string;
        args: unknown;
      };
    }
  | { kind: 'tools'; format: 'table' | 'json' | 'markdown' }
  | { kind: 'key' }
  | { kind: 'approvals'; url: string }
  | { kind: 'approve'; url: string; id: string; deny: boolean };

/** Each command's --help: the prose is written here, the Options and Environment come from FLAGS. */
const USAGE_TEXT: Record<CommandName, () => string> = {
  serve: () => `Usage: hubgate [command] [options]

Serves the Docker Hub API as MCP tools over stdio (for Claude Desktop and other MCP hosts).
Every tool call is checked against the agent's grants before it reaches Docker Hub, and recorded.

Commands:
  (none)                   serve MCP over stdio
  http                     serve MCP over HTTP to many agents, each with its own key
  check                    validate a config file and show what each agent may do
  explain                  show whether a call would be allowed, without calling Docker Hub
  tools                    list every tool with its access level and resource
  key                      make a new agent API key and its config line
  approvals                list the calls waiting for an operator's approval
  approve ID               approve (or --deny) one of them
  Run hubgate COMMAND --help for a command's options.

${flagHelp('serve')}
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
  http: () => `Usage: hubgate http [--config FILE] [--host 127.0.0.1] [--port 8080] [options]

Serves MCP over HTTP for several agents at once: Streamable HTTP at /mcp (2025 sessions and
2026-07-28 requests alike), the deprecated HTTP+SSE transport at /sse and /messages (--no-sse
turns it off), and /healthz, /readyz and /metrics. Agents authenticate with
"Authorization: Bearer <key>"; the config holds the sha256 of each agent's keys (hubgate key).
Refuses to start when no agent has a key, unless --allow-anonymous names the agent that requests
without a key act as. Calls a grant marks approve: wait for a person: the client's user, or an
operator (hubgate approvals, hubgate approve ID, through /approvals). Replicas that share a Redis
need the same approvals.key in their config, e.g. key: \${HUBGATE_APPROVAL_KEY}.

${flagHelp('http')}
Examples:
  hubgate key                                      make a key for each agent
  hubgate http --config hubgate.yaml               serve on http://127.0.0.1:8080/mcp
  hubgate http --config hubgate.yaml --host 0.0.0.0 --allowed-hosts hubgate.internal
`,
  check: () => `Usage: hubgate check [--config FILE | --grant RESOURCE=LEVEL ...]

Validates the policy and prints each agent with its credential, grants and the tools it can see.
Exits 1 and lists every problem (file, field path, rule) when the config is invalid.

${flagHelp('check')}
Examples:
  hubgate check --config hubgate.yaml
  HUBGATE_CONFIG=hubgate.yaml hubgate check
`,
  explain: () => `Usage: hubgate explain --tool TOOL [--args JSON] [--agent NAME] [--config FILE]
       hubgate explain --token-claims FILE [--tool TOOL [--args JSON]] [--config FILE]

Shows whether the agent may make this call: allow or deny, the resources it touches and the
grant that decided. With --token-claims, first which agent an OAuth token with those claims
signs in as (oauth.agents, first match). Docker Hub is not called. Exits 0 whatever the decision.

${flagHelp('explain')}
Examples:
  hubgate explain --config hubgate.yaml --agent ci-bot --tool create_repository \\
    --args '{"namespace":"myorg","name":"app-api"}'
  hubgate explain --tool get_tag --args '{"namespace":"library","repository":"nginx","tag":"latest"}'
  hubgate explain --config hubgate.yaml --token-claims claims.json --tool delete_repository_tag
`,
  tools: () => `Usage: hubgate tools [--json | --markdown]

Lists every tool hubgate has: the access level it needs, the resources it checks, its Hub call.

${flagHelp('tools')}
Examples:
  hubgate tools | grep org_
  hubgate tools --markdown > docs/tools.md
`,
  key: () => `Usage: hubgate key

Prints a new random agent API key and the "sha256:" line to paste under the agent's keys in the
config. hubgate keeps only the hash; give the key itself to the agent, once.

${flagHelp('key')}
Examples:
  hubgate key                     then: keys: ["sha256:…"] under the agent in the config,
                                  and the agent sends "Authorization: Bearer hgk_…"
`,
  approvals: () => `Usage: hubgate approvals [--url URL]

Lists the calls waiting for an operator's approval on a running hubgate http service: the calls
of agents marked "approve_via: operator" that a grant's approve: holds back. Each shows its id,
the agent, the tool, the resources, the exact arguments and when it expires. Decide one with
hubgate approve ID. Needs an operator's key in HUBGATE_OPERATOR_KEY (approvals.operators).

${flagHelp('approvals')}
Examples:
  HUBGATE_OPERATOR_KEY=hgk_... hubgate approvals --url http://127.0.0.1:8080
`,
  approve: () => `Usage: hubgate approve ID [--deny] [--url URL]

Approves one call waiting for an operator (hubgate approvals lists them); with --deny, declines
it. The agent's next call with exactly the same tool and arguments is then sent (or refused),
once; the call after that is asked again. Needs an operator's key in HUBGATE_OPERATOR_KEY.

${flagHelp('approve')}
Examples:
  hubgate approve k3J9xQ2mZa
  hubgate approve k3J9xQ2mZa --deny --url https://hubgate.internal
`,
};

/**
 * Each command's --help, made when it is read: every start parses its command line, and only a
 * --help or a usage error needs the texts (wrapping them costs a start about a millisecond).
 */
export const USAGE = Object.defineProperties(
  {},
  Object.fromEntries(
    Object.entries(USAGE_TEXT).map(([command, text]) => [command, { get: text, enumerable: true }]),
  ),
) as Readonly<Record<CommandName, string>>;

/** What reading a flag of each kind gives (see readFlag). */
type FlagValue<S> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'grants' }
    ? Grant[] | undefined
    : S extends { kind: 'list' }
      ? string[]
      : S extends { kind: 'number' | 'seconds' }
        ? number
        : S extends { kind: 'choice'; choices: readonly (infer C)[] }
          ? C
          : S extends { kind: 'json-object' }
            ? object
            : S extends { fallback: string } | { required: true }
              ? string
              : string | undefined;

/** As parseArgs gives it, or from the environment. */
type Raw = string | boolean | (string | boolean)[] | undefined;

const PARSE_ARGS_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  FLAG_NAMES.map((name) => {
    const flag = spec(name);
    return [
      name,
      {
        type: flag.kind === 'boolean' ? 'boolean' : 'string',
        ...(isRepeatable(flag) ? { multiple: true } : {}),
        ...(flag.short ? { short: flag.short } : {}),
      },
    ];
  }),
);

const isCommand = (word: string | undefined): word is CommandName =>
  (COMMANDS as readonly string[]).includes(word ?? '');

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed: { values: Record<string, Raw>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: PARSE_ARGS_OPTIONS,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, commandOf(argv));
  }
  const { values, positionals } = parsed;
  const [first, ...extra] = positionals;
  if (first !== undefined && !isCommand(first)) {
    throw new UsageError(
      `unknown command "${first}"; commands are ${COMMANDS.slice(1).join(', ')}`,
    );
  }
  const command = first ?? 'serve';
  // `hubgate approve ID` is the one command that takes a word of its own.
  const [id, ...more] = command === 'approve' ? extra : [undefined, ...extra];
  if (more.length > 0 || first === 'serve') {
    throw new UsageError(`unexpected argument "${more[0] ?? first}"`, command);
  }
  if (values.help) return { kind: 'help', command };
  if (values.version) return { kind: 'version' };
  for (const name of Object.keys(values) as FlagName[]) {
    if (!spec(name).commands.includes(command)) {
      throw new UsageError(
        `--${name} does not apply to ${command === 'serve' ? 'serving' : `hubgate ${command}`}`,
        command,
      );
    }
  }
  for (const name of Object.keys(values) as FlagName[]) {
    // `--config ""` (an unset shell variable, most likely) must not quietly mean "no config".
    if (values[name] === '') throw new UsageError(`--${name} must not be empty`, command);
  }
  const flag = <N extends FlagName>(name: N) =>
    readFlag(name, values[name] ?? envValue(name, env), command) as FlagValue<(typeof FLAGS)[N]>;
  const policy = (): PolicySource => {
    const configFile = flag('config');
    if (configFile && values.grant) {
      throw new UsageError(
        "--grant replaces the default agent's grants when there is no config file; with a config " +
          'file, write the grants in it',
        command,
      );
    }
    if (configFile) return { configFile };
    const grants = flag('grant');
    return grants ? { grants } : {};
  };
  const hub = () => {
    const hubUrl = flag('hub-url');
    const source = policy();
    return {
      ...source,
      ...(hubUrl ? { hubUrl } : {}),
      timeoutMs: flag('request-timeout'),
      cacheTtlMs: flag('cache-ttl'),
      logLevel: flag('log-level'),
    };
  };

  switch (command) {
    case 'tools':
      if (flag('json') && flag('markdown')) {
        throw new UsageError('--json and --markdown are two formats: choose one', command);
      }
      return {
        kind: 'tools',
        format: flag('json') ? 'json' : flag('markdown') ? 'markdown' : 'table',
      };
    case 'key':
      return { kind: 'key' };
    case 'approvals':
      return { kind: 'approvals', url: flag('url') as string };
    case 'approve':
      if (id === undefined) {
        throw new UsageError('which approval? give its id: hubgate approve ID', command);
      }
      return { kind: 'approve', url: flag('url') as string, id, deny: flag('deny') === true };
    case 'check':
      return { kind: 'check', options: policy() };
    case 'explain': {
      const tool = flag('tool');
      const agent = flag('agent');
      const tokenClaims = flag('token-claims');
      if (tool === undefined && tokenClaims === undefined) {
        throw new UsageError('--tool is required (or --token-claims FILE)', 'explain');
      }
      if (agent !== undefined && tokenClaims !== undefined) {
        throw new UsageError(
          '--agent and --token-claims both name the agent: give one of them',
          'explain',
        );
      }
      return {
        kind: 'explain',
        options: {
          ...policy(),
          ...(agent ? { agent } : {}),
          ...(tool ? { tool } : {}),
          ...(tokenClaims ? { tokenClaims } : {}),
          args: flag('args'),
        },
      };
    }
    case 'http': {
      const anonymous = flag('allow-anonymous');
      return {
        kind: 'http',
        options: {
          ...hub(),
          host: flag('host'),
          port: flag('port'),
          ...(anonymous ? { allowAnonymous: anonymous } : {}),
          allowedOrigins: flag('allowed-origins'),
          allowedHosts: flag('allowed-hosts'),
          maxBodyBytes: flag('max-body'),
          maxSessions: flag('max-sessions'),
          maxSessionsPerAgent: flag('max-sessions-per-agent'),
          maxConnections: flag('max-connections'),
          maxSilentPerAddress: flag('max-silent-per-address'),
          noSse: flag('no-sse'),
          ...redisUrlOf(flag('redis-url'), 'http'),
          sessionIdleMs: flag('session-idle-timeout'),
          shutdownMs: flag('shutdown-timeout'),
          defaultCallsPerMinute: flag('rate-limit'),
        },
      };
    }
    case 'serve': {
      const agent = flag('agent');
      return { kind: 'serve', options: { ...hub(), ...(agent ? { agent } : {}) } };
    }
  }
}

/**
 * parseArgs stops at the first bad flag, before the command is known; read the command again
 * without its rules, so that `hubgate http --port` shows the usage of http.
 */
function commandOf(argv: string[]): CommandName {
  const { positionals } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: PARSE_ARGS_OPTIONS,
  });
  const first = positionals[0];
  return isCommand(first) ? first : 'serve';
}

function envValue(name: FlagName, env: NodeJS.ProcessEnv): string | undefined {
  const variable = spec(name).env;
  return variable === undefined ? undefined : env[variable];
}

/** A flag's value (the flag's own, else its variable's) read by its kind; errors name the flag. */
function readFlag(name: FlagName, raw: Raw, command: CommandName): unknown {
  const flag: FlagSpec = spec(name);
  const option = `--${name}`;
  const text = typeof raw === 'string' ? raw : undefined;
  const texts = Array.isArray(raw) ? raw.filter((item) => typeof item === 'string') : [];
  switch (flag.kind) {
    case 'boolean':
      return raw === true;
    case 'string':
      if (text) return text;
      if (flag.required) throw new UsageError(`${option} is required`, command);
      return flag.fallback;
    case 'grants':
      return Array.isArray(raw) ? texts.map((item) => parseGrant(item, command)) : undefined;
    case 'list':
      return texts
        .flatMap((item) => item.split(','))
        .map((item) => item.trim())
        .filter(Boolean);
    case 'number':
      return text === undefined ? flag.fallback : readNumber(option, text, flag, command);
    case 'seconds':
      return Math.round(
        (text === undefined ? flag.fallback : readNumber(option, text, flag, command)) * 1000,
      );
    case 'choice':
      if (text === undefined) return flag.fallback;
      if (flag.choices.includes(text)) return text;
      throw new UsageError(
        `${option} must be one of ${flag.choices.join(', ')}, not "${text}"`,
        command,
      );
    case 'url':
      if (text !== undefined) {
        try {
          parseHubUrl(text);
        } catch (error) {
          throw new UsageError((error as Error).message, command);
        }
      }
      return text;
    case 'json-object':
      return parseJsonObject(option, text ?? flag.fallback, command);
  }
}

function readNumber(
  option: string,
  text: string,
  range: { min: number; max: number; aboveMin?: boolean },
  command: CommandName,
): number {
  const { min, max, aboveMin = false } = range;
  const number = Number(text);
  const within = aboveMin ? number > min : number >= min;
  if (!Number.isFinite(number) || !within || number > max || text.trim() === '') {
    const rule = aboveMin ? `of seconds above ${min} and at most ${max}` : `from ${min} to ${max}`;
    throw new UsageError(`${option} must be a number ${rule}, not "${text}"`, command);
  }
  return number;
}

function parseJsonObject(option: string, text: string, command: CommandName): object {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${option} is not valid JSON: ${(error as Error).message}`, command);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      `${option} must be a JSON object, e.g. '{"namespace":"library"}'`,
      command,
    );
  }
  return value;
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

/** `--redis-url`, when given: a redis:// or rediss:// URL, else a usage error. */
function redisUrlOf(value: string | undefined, command: CommandName): { redisUrl?: string } {
  if (value === undefined) return {};
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    throw new UsageError(
      '--redis-url: must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
      command,
    );
  }
  return { redisUrl: value };
}
