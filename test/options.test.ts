import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseGrant, UsageError } from '../src/options.js';

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
