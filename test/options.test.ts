import { describe, expect, it } from 'vitest';
import { FLAG_NAMES, type FlagKind, flagsOf, spec } from '../src/cli-flags.js';
import { COMMANDS, parseCommandLine, parseGrant, USAGE, UsageError } from '../src/options.js';

describe('parseCommandLine', () => {
  it('serves with defaults, the policy left to the config or the built-in default', () => {
    expect(parseCommandLine([], {})).toEqual({
      kind: 'serve',
      options: { timeoutMs: 30_000, cacheTtlMs: 10_000, logLevel: 'info' },
    });
  });

  it('takes flags over environment variables', () => {
    const command = parseCommandLine(
      [
        '--hub-url',
        'http://127.0.0.1:5555',
        '--log-level=warn',
        '--config',
        'a.yaml',
        '--agent',
        'ci',
      ],
      {
        HUBGATE_HUB_URL: 'https://elsewhere.example',
        HUBGATE_LOG_LEVEL: 'debug',
        HUBGATE_REQUEST_TIMEOUT: '2.5',
        HUBGATE_CACHE_TTL: '0',
        HUBGATE_CONFIG: 'b.yaml',
        HUBGATE_AGENT: 'other',
      },
    );
    expect(command).toEqual({
      kind: 'serve',
      options: {
        hubUrl: 'http://127.0.0.1:5555',
        timeoutMs: 2500,
        cacheTtlMs: 0,
        logLevel: 'warn',
        configFile: 'a.yaml',
        agent: 'ci',
      },
    });
  });

  it('reads the config and agent from the environment', () => {
    expect(parseCommandLine([], { HUBGATE_CONFIG: 'b.yaml', HUBGATE_AGENT: 'ci' })).toMatchObject({
      options: { configFile: 'b.yaml', agent: 'ci' },
    });
  });

  it('collects repeated --grant flags', () => {
    expect(
      parseCommandLine(['--grant', 'repo:myorg/*=write', '--grant', 'catalog=read'], {}),
    ).toMatchObject({
      options: {
        grants: [
          { resource: 'repo:myorg/*', access: 'write' },
          { resource: 'catalog', access: 'read' },
        ],
      },
    });
  });

  it('parses the commands', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help', command: 'serve' });
    expect(parseCommandLine(['explain', '-h'], {})).toEqual({ kind: 'help', command: 'explain' });
    expect(parseCommandLine(['-v'], {})).toEqual({ kind: 'version' });
    expect(parseCommandLine(['key'], {})).toEqual({ kind: 'key' });
    expect(parseCommandLine(['tools'], {})).toEqual({ kind: 'tools', format: 'table' });
    expect(parseCommandLine(['tools', '--json'], {})).toEqual({ kind: 'tools', format: 'json' });
    expect(parseCommandLine(['tools', '--markdown'], {})).toEqual({
      kind: 'tools',
      format: 'markdown',
    });
    expect(parseCommandLine(['check', '--config', 'x.yml'], {})).toEqual({
      kind: 'check',
      options: { configFile: 'x.yml' },
    });
    expect(
      parseCommandLine(
        ['explain', '--tool', 'get_tag', '--args', '{"tag":"x"}', '--agent', 'a'],
        {},
      ),
    ).toEqual({ kind: 'explain', options: { tool: 'get_tag', args: { tag: 'x' }, agent: 'a' } });
  });

  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['serve'], /unexpected argument "serve"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', 'extra'], /unexpected argument "extra"/],
    [['key', '--config', 'x.yaml'], /--config does not apply to hubgate key/],
    [['check', '--agent', 'x'], /--agent does not apply to hubgate check/],
    [['--tool', 'get_tag'], /--tool does not apply to serving/],
    [['explain'], /--tool is required/],
    [['explain', '--tool', 't', '--args', '{bad'], /--args is not valid JSON/],
    [['explain', '--tool', 't', '--args', '[1]'], /--args must be a JSON object/],
    [
      ['--config', 'a.yaml', '--grant', 'catalog=read'],
      /with a config file, write the grants in it/,
    ],
    [['--hub-url', 'ftp://x'], /must use https/],
    [['--hub-url', 'not a url'], /not a valid URL/],
    [['--hub-url', 'https://u:p@hub.example'], /credentials/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--request-timeout', '0'], /--request-timeout must be/],
    [['--cache-ttl=-1'], /--cache-ttl must be a number from 0 to 3600/],
    [['--cache-ttl', 'soon'], /--cache-ttl must be a number from 0 to 3600/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(UsageError);
    expect(() => parseCommandLine(argv, {})).toThrow(message);
  });
});

describe('parseGrant', () => {
  it.each([
    ['repo:myorg/app-*=write', { resource: 'repo:myorg/app-*', access: 'write' }],
    ['org:acme=admin', { resource: 'org:acme', access: 'admin' }],
    ['account=read', { resource: 'account', access: 'read' }],
  ])('reads %s', (flag, grant) => {
    expect(parseGrant(flag)).toEqual(grant);
  });

  it.each([
    ['repo:myorg=write', /the resource must be repo:NAMESPACE\/REPOSITORY/],
    ['repo:MyOrg/x=read', /the resource must be/],
    ['repo:a/b=owner', /the level must be read, write or admin/],
    ['catalog', /write RESOURCE=LEVEL/],
    ['=read', /write RESOURCE=LEVEL/],
  ])('refuses %s', (flag, message) => {
    expect(() => parseGrant(flag)).toThrow(message);
  });
});

describe('usage errors', () => {
  it('come with the usage of the command they belong to', () => {
    const error = (argv: string[]) => {
      try {
        parseCommandLine(argv, {});
      } catch (caught) {
        return caught as UsageError;
      }
      throw new Error('accepted');
    };
    expect(error(['--cache-ttl=x']).command).toBe('serve');
    expect(error(['http', '--cache-ttl=x']).command).toBe('http');
    expect(error(['explain']).command).toBe('explain');
  });
});

describe('the flag table', () => {
  it('applies each flag to the commands it names, and refuses it elsewhere', () => {
    for (const command of COMMANDS) {
      for (const flag of FLAG_NAMES) {
        if (flag === 'help' || flag === 'version') continue;
        const value = spec(flag).kind === 'boolean' ? [] : ['1'];
        const argv = [...(command === 'serve' ? [] : [command]), ...tool(command, flag)];
        const error = refusalOf([...argv, `--${flag}`, ...value]);
        const refused = !!error?.message.endsWith(
          `does not apply to ${command === 'serve' ? 'serving' : `hubgate ${command}`}`,
        );
        expect(refused, `${command} --${flag}`).toBe(!flagsOf(command).includes(flag));
      }
    }
  });

  it("lists each command's flags in its --help, and their variables", () => {
    for (const command of COMMANDS) {
      for (const flag of flagsOf(command)) {
        expect(USAGE[command], `${command} --${flag}`).toMatch(
          new RegExp(`^ {2}(?:-[a-z], )?--${flag}(?= |$)`, 'm'),
        );
        const variable = spec(flag).env;
        if (variable) expect(USAGE[command]).toContain(`  ${variable}`);
      }
    }
  });

  it('describes every value-taking flag with a placeholder, and no boolean with one', () => {
    for (const flag of FLAG_NAMES) {
      expect(spec(flag).value === undefined, flag).toBe(spec(flag).kind === 'boolean');
    }
  });

  it('fills the HTTP options with their defaults, and reads seconds and lists', () => {
    expect(parseCommandLine(['http'], {})).toEqual({
      kind: 'http',
      options: {
        host: '127.0.0.1',
        port: 8080,
        timeoutMs: 30_000,
        cacheTtlMs: 10_000,
        logLevel: 'info',
        allowedOrigins: [],
        allowedHosts: [],
        maxBodyBytes: 1024 * 1024,
        maxSessions: 1000,
        maxSessionsPerAgent: 100,
        maxConnections: 2000,
        maxSilentPerAddress: 50,
        noSse: false,
        sessionIdleMs: 1_800_000,
        shutdownMs: 10_000,
        defaultCallsPerMinute: 300,
      },
    });
    expect(
      parseCommandLine(
        [
          'http',
          '--allowed-hosts',
          'a.example, b.example',
          '--allowed-hosts=c.example',
          '--session-idle-timeout',
          '60',
          '--shutdown-timeout',
          '0',
          '--port',
          '0',
          '--allow-anonymous',
          'guest',
        ],
        { HUBGATE_REQUEST_TIMEOUT: '1.5', HUBGATE_LOG_LEVEL: 'debug' },
      ),
    ).toMatchObject({
      options: {
        allowedHosts: ['a.example', 'b.example', 'c.example'],
        sessionIdleMs: 60_000,
        shutdownMs: 0,
        port: 0,
        allowAnonymous: 'guest',
        timeoutMs: 1500,
        logLevel: 'debug',
      },
    });
  });
});

describe('every flag error', () => {
  it.each([
    [['http', '--log-level', 'x'], /--log-level must be one of/],
    [['http', '--request-timeout', 'x'], /--request-timeout must be a number of seconds above 0/],
    [['http', '--nope'], /Unknown option '--nope'/],
    [['check', '--config'], /argument missing/],
  ])('%j shows the usage of the command it was given to', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(message);
    expect(refusalOf(argv)?.command).toBe(argv[0]);
  });

  it('shows, for every command and every flag with a value, the usage of that command', () => {
    for (const command of COMMANDS) {
      for (const flag of flagsOf(command)) {
        const { kind, env } = spec(flag);
        if (kind === 'boolean') continue;
        const before = [...(command === 'serve' ? [] : [command]), ...tool(command, flag)];
        // No value at all.
        expect(refusalOf([...before, `--${flag}`])?.command, `${command} --${flag}`).toBe(command);
        const bad = BAD_VALUES[kind];
        if (bad === undefined) continue;
        // A bad value, on the command line or in the flag's variable.
        const given = refusalOf([...before, `--${flag}`, bad]);
        expect(given?.command, `${command} --${flag} ${bad}`).toBe(command);
        expect(given?.message, `${command} --${flag} ${bad}`).toMatch(
          new RegExp(`--${flag}|"${bad.replace(/[[\]]/g, '\\$&')}"`),
        );
        if (env) expect(refusalOf(before, { [env]: bad })?.command, env).toBe(command);
      }
    }
  });
});

/** A value each kind refuses; undefined where any text is a value. */
const BAD_VALUES: Record<FlagKind['kind'], string | undefined> = {
  boolean: undefined,
  string: undefined,
  list: undefined,
  grants: 'catalog',
  number: 'x',
  seconds: 'x',
  choice: 'x',
  url: 'ftp://x',
  'json-object': '[1]',
};

/** explain refuses everything else without a --tool. */
function tool(command: string, flag: string): string[] {
  return command === 'explain' && flag !== 'tool' ? ['--tool', 'get_tag'] : [];
}

function refusalOf(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError | undefined {
  try {
    parseCommandLine(argv, env);
  } catch (caught) {
    if (caught instanceof UsageError) return caught;
    throw caught;
  }
  return undefined;
}

describe('empty values', () => {
  it.each([
    [['--config', ''], 'serve'],
    [['http', '--config', ''], 'http'],
    [['http', '--host', ''], 'http'],
    [['check', '--config', ''], 'check'],
    [['explain', '--tool', ''], 'explain'],
  ] as const)('%j is an error, not "no value"', (argv, command) => {
    let error: unknown;
    try {
      parseCommandLine([...argv], {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/^--[a-z-]+ must not be empty$/);
    expect((error as UsageError).command).toBe(command);
  });

  it('an empty variable is no value: HUBGATE_CONFIG="" serves the built-in default', () => {
    const command = parseCommandLine([], { HUBGATE_CONFIG: '' });
    expect(command).toMatchObject({ kind: 'serve' });
    expect((command as { options: { configFile?: string } }).options.configFile).toBeUndefined();
  });
});
