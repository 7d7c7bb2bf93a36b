import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../src/options.js';

describe('parseCommandLine', () => {
  it('serves with defaults and no credential', () => {
    expect(parseCommandLine([], {})).toEqual({
      kind: 'serve',
      options: { hubUrl: 'https://hub.docker.com', timeoutMs: 30_000, logLevel: 'info' },
    });
  });

  it('takes flags over environment variables', () => {
    const command = parseCommandLine(['--hub-url', 'http://127.0.0.1:5555', '--log-level=warn'], {
      HUBGATE_HUB_URL: 'https://elsewhere.example',
      HUBGATE_LOG_LEVEL: 'debug',
      HUBGATE_REQUEST_TIMEOUT: '2.5',
      DOCKER_HUB_USERNAME: 'alice',
      DOCKER_HUB_TOKEN: 'dckr_pat_x',
    });
    expect(command).toEqual({
      kind: 'serve',
      options: {
        hubUrl: 'http://127.0.0.1:5555',
        timeoutMs: 2500,
        logLevel: 'warn',
        credential: { username: 'alice', secret: 'dckr_pat_x' },
      },
    });
  });

  it('answers help and version', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-v'], {})).toEqual({ kind: 'version' });
  });

  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['serve'], /unknown command "serve"/],
    [['--hub-url', 'ftp://x'], /must use https/],
    [['--hub-url', 'not a url'], /not a valid URL/],
    [['--hub-url', 'https://u:p@hub.example'], /credentials/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--request-timeout', '0'], /--request-timeout must be/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(UsageError);
    expect(() => parseCommandLine(argv, {})).toThrow(message);
  });

  it('refuses half a credential and never echoes the secret', () => {
    expect(() => parseCommandLine([], { DOCKER_HUB_TOKEN: 'dckr_pat_secret' })).toThrow(
      /DOCKER_HUB_USERNAME is not set/,
    );
    try {
      parseCommandLine([], { DOCKER_HUB_TOKEN: 'dckr_pat_secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('dckr_pat_secret');
    }
    expect(() => parseCommandLine([], { DOCKER_HUB_USERNAME: 'alice' })).toThrow(
      /DOCKER_HUB_TOKEN is not set/,
    );
  });
});
