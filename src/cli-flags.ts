/**
 * Every command-line flag, described once: its value, its environment variable, its default, its
 * help, the commands that take it and how its value is read. The parser (options.ts), the Options
 * and Environment parts of each command's --help and the README's flag tables are all made from
 * this table, so none of them can say something the others do not.
 *
 * Loaded on every start: data and string functions only, and constants from modules the stdio
 * server loads anyway (no zod, no yaml).
 */
import { DEFAULT_HUB_URL, DEFAULT_TIMEOUT_MS } from './hub/connection.js';
import { LOG_LEVELS } from './log-levels.js';

export const COMMANDS = [
  'serve',
  'http',
  'check',
  'explain',
  'tools',
  'key',
  'approvals',
  'approve',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** How a flag's value is read and what it may be; options.ts turns each kind into a value. */
export type FlagKind =
  | { kind: 'boolean' }
  /** An empty variable counts as none given (an empty flag is refused by the parser). */
  | { kind: 'string'; fallback?: string; required?: boolean }
  /** Repeatable RESOURCE=LEVEL. */
  | { kind: 'grants' }
  /** Repeatable, and each value comma-separated. */
  | { kind: 'list' }
  | { kind: 'number'; min: number; max: number; fallback: number }
  /** Read in seconds, kept in milliseconds; `aboveMin` when `min` itself is not allowed. */
  | { kind: 'seconds'; min: number; max: number; fallback: number; aboveMin?: boolean }
  | { kind: 'choice'; choices: readonly string[]; fallback: string }
  /** A Docker Hub base URL. */
  | { kind: 'url' }
  | { kind: 'json-object'; fallback: string };

export type FlagSpec = FlagKind & {
  /** The placeholder for its value (`SECS`); a boolean has none. */
  value?: string;
  short?: string;
  /** The variable read when the flag is not given. */
  env?: string;
  /** The commands that take it; the others refuse it. */
  commands: readonly CommandName[];
  /** The default as people should read it (Markdown), when it is not just the fallback. */
  shown?: string;
  /** Markdown: backticks are dropped for the terminal. */
  help: string;
};

/** A variable hubgate reads that no flag stands for. */
export interface VariableSpec {
  commands: readonly CommandName[];
  help: string;
}

const ALL = COMMANDS;
const POLICY = ['serve', 'http', 'check', 'explain'] as const;
const HUB = ['serve', 'http'] as const;
const HTTP = ['http'] as const;
const OPERATOR = ['approvals', 'approve'] as const;
const MIB = 1024 * 1024;

/** In the order each --help and README table lists them. */
export const FLAGS = {
  config: {
    kind: 'string',
    value: 'FILE',
    env: 'HUBGATE_CONFIG',
    commands: POLICY,
    help: 'policy file, YAML or JSON',
  },
  grant: {
    kind: 'grants',
    value: 'RESOURCE=LEVEL',
    commands: POLICY,
    help: "without a config file: replace the default agent's grants, e.g. `--grant 'repo:myorg/*=write'`",
  },
  agent: {
    kind: 'string',
    value: 'NAME',
    env: 'HUBGATE_AGENT',
    commands: ['serve', 'explain'],
    shown: "the config's `default_agent`",
    help: 'the agent a stdio session acts as, or the one explain asks about',
  },
  tool: {
    kind: 'string',
    value: 'TOOL',
    commands: ['explain'],
    help: 'the tool, e.g. `create_repository` (required unless --token-claims is given)',
  },
  'token-claims': {
    kind: 'string',
    value: 'FILE',
    commands: ['explain'],
    help: "the claims of an OAuth access token (a JSON object, or the token itself, decoded but not verified): which agent under the config's `oauth.agents` they sign in as; with --tool, that agent's decision",
  },
  args: {
    kind: 'json-object',
    fallback: '{}',
    value: 'JSON',
    commands: ['explain'],
    help: 'its arguments as a JSON object',
  },
  host: {
    kind: 'string',
    fallback: '127.0.0.1',
    value: 'HOST',
    commands: HTTP,
    help: 'address to bind; anything but loopback logs a warning: put TLS in front',
  },
  port: {
    kind: 'number',
    min: 0,
    max: 65_535,
    fallback: 8080,
    value: 'PORT',
    commands: HTTP,
    help: 'port to listen on; `0` picks a free one',
  },
  'allow-anonymous': {
    kind: 'string',
    value: 'AGENT',
    commands: HTTP,
    help: 'requests without a key act as AGENT',
  },
  'allowed-origins': {
    kind: 'list',
    value: 'LIST',
    commands: HTTP,
    help: "Origins browsers may call from besides the service's own, `http://localhost:PORT` and `http://127.0.0.1:PORT`",
  },
  'allowed-hosts': {
    kind: 'list',
    value: 'LIST',
    commands: HTTP,
    help: "Host names to answer besides `localhost`, `127.0.0.1` and `--host`, e.g. the proxy's public name",
  },
  'max-body': {
    kind: 'number',
    min: 1024,
    max: 100 * MIB,
    fallback: MIB,
    value: 'BYTES',
    commands: HTTP,
    shown: `\`${MIB}\`, 1 MiB`,
    help: 'largest request body in bytes; larger ones are answered `413`',
  },
  'max-sessions': {
    kind: 'number',
    min: 1,
    max: 1_000_000,
    fallback: 1000,
    value: 'N',
    commands: HTTP,
    help: 'open sessions at most',
  },
  'max-sessions-per-agent': {
    kind: 'number',
    min: 1,
    max: 1_000_000,
    fallback: 100,
    value: 'N',
    commands: HTTP,
    help: 'open sessions per agent at most, so that one agent (or a stolen key) cannot take every slot',
  },
  'max-connections': {
    kind: 'number',
    min: 1,
    max: 1_000_000,
    fallback: 2000,
    value: 'N',
    commands: HTTP,
    help: 'open connections at most; past it new ones are closed at once',
  },
  'max-silent-per-address': {
    kind: 'number',
    min: 1,
    max: 1_000_000,
    fallback: 50,
    value: 'N',
    commands: HTTP,
    help: 'connections from one address that have made no request yet; past it a new one closes the oldest silent for a second, so sockets that never speak cannot crowd out the ones that do (raise it behind a proxy, where every agent shares an address)',
  },
  'redis-url': {
    kind: 'string',
    value: 'URL',
    env: 'HUBGATE_REDIS_URL',
    commands: HTTP,
    help: "Redis (`redis://` or `rediss://`) the replicas of one service share: agents' rate limits hold across them, and a Docker Hub budget one replica finds spent stops the others too; without it each process counts for itself",
  },
  'no-sse': {
    kind: 'boolean',
    commands: HTTP,
    help: 'turn off the deprecated HTTP+SSE transport (`/sse`, `/messages`; kept for hosts that speak only it): those paths answer `404`',
  },
  'session-idle-timeout': {
    kind: 'seconds',
    min: 1,
    max: 7 * 24 * 3600,
    fallback: 1800,
    value: 'SECS',
    commands: HTTP,
    help: 'seconds before an idle session is closed',
  },
  'shutdown-timeout': {
    kind: 'seconds',
    min: 0,
    max: 3600,
    fallback: 10,
    value: 'SECS',
    commands: HTTP,
    help: 'on SIGTERM or SIGINT, seconds the calls in flight may take to finish',
  },
  'rate-limit': {
    kind: 'number',
    min: 1,
    max: 100_000,
    fallback: 300,
    value: 'N',
    commands: HTTP,
    help: 'tool calls per minute per agent, unless its config sets `rate_limit.calls_per_minute`',
  },
  'hub-url': {
    kind: 'url',
    value: 'URL',
    env: 'HUBGATE_HUB_URL',
    commands: HUB,
    shown: `the config's \`hub.url\`, else \`${DEFAULT_HUB_URL}\``,
    help: 'Docker Hub API base URL',
  },
  'request-timeout': {
    kind: 'seconds',
    min: 0,
    aboveMin: true,
    max: 600,
    fallback: DEFAULT_TIMEOUT_MS / 1000,
    value: 'SECS',
    env: 'HUBGATE_REQUEST_TIMEOUT',
    commands: HUB,
    help: 'seconds one Docker Hub call may take, retries included',
  },
  'cache-ttl': {
    kind: 'seconds',
    min: 0,
    max: 3600,
    fallback: 10,
    value: 'SECS',
    env: 'HUBGATE_CACHE_TTL',
    commands: HUB,
    help: "seconds a Docker Hub read is reused for the same credential (`0`: off); token and audit-log reads never are, and a write clears the credential's cache",
  },
  'log-level': {
    kind: 'choice',
    choices: LOG_LEVELS,
    fallback: 'info',
    value: 'LEVEL',
    env: 'HUBGATE_LOG_LEVEL',
    commands: HUB,
    help: 'how much to log, as JSON lines on stderr',
  },
  url: {
    kind: 'string',
    fallback: 'http://127.0.0.1:8080',
    value: 'URL',
    env: 'HUBGATE_URL',
    commands: OPERATOR,
    help: 'the `hubgate http` service whose approvals to list or decide',
  },
  deny: {
    kind: 'boolean',
    commands: ['approve'],
    help: 'decline the call instead: the agent is refused, and nothing is sent',
  },
  json: {
    kind: 'boolean',
    commands: ['tools'],
    help: "as JSON data, with each tool's annotations and input schema",
  },
  markdown: {
    kind: 'boolean',
    commands: ['tools'],
    help: 'as the reference page `docs/tools.md`',
  },
  help: { kind: 'boolean', short: 'h', commands: ALL, help: 'show this help and exit' },
  version: { kind: 'boolean', short: 'v', commands: ALL, help: 'print the version and exit' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;
export const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

export const VARIABLES: Record<string, VariableSpec> = {
  DOCKER_HUB_USERNAME: {
    commands: ['serve', 'http', 'check'],
    help: 'without a config file: Docker Hub username (an organization name for an organization access token)',
  },
  DOCKER_HUB_TOKEN: {
    commands: ['serve', 'http', 'check'],
    help: 'its personal access token, organization access token or password; set both or neither: without them hubgate calls Docker Hub anonymously',
  },
  HUBGATE_OPERATOR_KEY: {
    commands: OPERATOR,
    help: "an operator's key, whose `sha256:` is under the config's `approvals.operators` (required)",
  },
};

/** One entry, seen as a FlagSpec rather than as its literal type. */
export function spec(name: FlagName): FlagSpec {
  return FLAGS[name];
}

export function flagsOf(command: CommandName): FlagName[] {
  return FLAG_NAMES.filter((name) => spec(name).commands.includes(command));
}

export function isRepeatable(flag: FlagSpec): boolean {
  return flag.kind === 'grants' || flag.kind === 'list';
}

/** What the help adds after a flag's text: how its value is written. */
function valueNotes(flag: FlagSpec): string[] {
  const notes: string[] = [];
  if (flag.kind === 'choice') notes.push(flag.choices.map((choice) => `\`${choice}\``).join(', '));
  if (flag.kind === 'list') notes.push('comma-separated');
  if (isRepeatable(flag)) notes.push('repeatable');
  return notes;
}

/** Markdown, or undefined when there is nothing to say (a boolean, a flag that is just absent). */
function shownDefault(flag: FlagSpec): string | undefined {
  if (flag.shown !== undefined) return flag.shown;
  if ('fallback' in flag && flag.fallback !== undefined) return `\`${flag.fallback}\``;
  return undefined;
}

// --help: labels in a column wide enough for all but the longest few; lines a terminal wide.
const INDENT = 2;
const LABEL_WIDTH = 25;
const WIDTH = 100;

const plain = (markdown: string) => markdown.replaceAll('`', '');

function labelOf(name: FlagName): string {
  const flag = spec(name);
  return `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`;
}

/** `  LABEL   text...`, the text wrapped to WIDTH under its own column, never inside a `code span`. */
function helpLine(label: string, markdown: string): string {
  const column = INDENT + LABEL_WIDTH;
  const head =
    label.length <= LABEL_WIDTH - 2
      ? `${' '.repeat(INDENT)}${label.padEnd(LABEL_WIDTH)}`
      : `${' '.repeat(INDENT)}${label}  `;
  const lines: string[] = [];
  const words = (markdown.match(/(?:`[^`]*`|[^\s`])+/g) ?? []).map(plain);
  let line = head;
  for (const [index, word] of words.entries()) {
    if (index > 0 && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(column) + word;
    } else {
      line += index > 0 ? ` ${word}` : word;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

function flagHelpText(flag: FlagSpec): string {
  const notes = valueNotes(flag).join(', ');
  const fallback = shownDefault(flag);
  const parenthesis = [notes, fallback && `default: ${fallback}`].filter(Boolean).join('; ');
  return parenthesis ? `${flag.help} (${parenthesis})` : flag.help;
}

/** The Options part of a command's --help, and its Environment part when it reads variables. */
export function flagHelp(command: CommandName): string {
  const names = flagsOf(command);
  const options = names.map((name) => helpLine(labelOf(name), flagHelpText(spec(name))));
  const variables = [
    ...Object.entries(VARIABLES)
      .filter(([, variable]) => variable.commands.includes(command))
      .map(([variable, { help }]) => helpLine(variable, help)),
    ...names.flatMap((name) => {
      const env = spec(name).env;
      return env ? [helpLine(env, `same as --${name}`)] : [];
    }),
  ];
  const environment =
    variables.length > 0
      ? `\nEnvironment (a flag wins over its variable):\n${variables.join('\n')}\n`
      : '';
  return `Options:\n${options.join('\n')}\n${environment}`;
}

const cell = (text: string) => (text ? ` ${text.replaceAll('|', '\\|')} ` : ' ');
const row = (cells: string[]) => `|${cells.map(cell).join('|')}|`;

/**
 * The README's table of `command`'s flags, leaving out those `except` takes too (the README
 * describes those once, with `except`) and those every command takes (--help, --version). It has
 * an environment column when one of its flags has a variable, and then rows for the variables no
 * flag stands for.
 */
export function flagTableMarkdown(command: CommandName, except?: CommandName): string {
  const shown = (commands: readonly CommandName[]) =>
    commands.includes(command) &&
    !(except && commands.includes(except)) &&
    commands.length < COMMANDS.length;
  const names = FLAG_NAMES.filter((name) => shown(spec(name).commands));
  const withEnv = names.some((name) => spec(name).env);
  const meaning = (flag: FlagSpec) => {
    const notes = valueNotes(flag).join(', ');
    return notes ? `${flag.help} (${notes})` : flag.help;
  };
  const rows = names.map((name) => {
    const flag = spec(name);
    const env = flag.env ? `\`${flag.env}\`` : '';
    const label = `\`${labelOf(name)}\``;
    const fallback = shownDefault(flag) ?? 'none';
    return row(withEnv ? [label, env, fallback, meaning(flag)] : [label, fallback, meaning(flag)]);
  });
  const variables = withEnv
    ? Object.entries(VARIABLES)
        .filter(([, variable]) => shown(variable.commands))
        .map(([variable, { help }]) => row(['', `\`${variable}\``, 'none', help]))
    : [];
  const header = withEnv
    ? ['flag', 'environment', 'default', 'meaning']
    : ['flag', 'default', 'meaning'];
  return [row(header), `|${header.map(() => '---').join('|')}|`, ...rows, ...variables].join('\n');
}
