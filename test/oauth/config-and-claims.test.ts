/**
 * The `oauth:` section: refused with the field's path when it would weaken sign-in (a shared-secret
 * or no algorithm, plain HTTP to a remote provider, a rule that matches every token, a rule for an
 * agent that does not exist), and its rules mapping claims to agents, first match wins.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { agentForClaims } from '../../src/oauth/claims.js';
import { toolNames } from '../../src/tools/index.js';

const base = (oauth: string) => `
agents:
  ci-bot: { grants: [{ resource: "repo:acme/*", access: write }] }
  reader: { grants: [{ resource: "repo:acme/*", access: read }] }
oauth:
${oauth}
`;

const good = `  issuer: https://login.example.com/realms/acme
  audience: https://hubgate.example.com/mcp
  agents:
    - { agent: ci-bot, when: { client_id: ci } }
    - { agent: reader, when: { "realm_access.roles": [hub-reader, hub-admin], scope: "hub:read" } }
    - { agent: reader, when: { "https://acme.example/groups": readers } }`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'hubgate.yaml', {}, toolNames);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the config was accepted');
}

describe('the oauth config', () => {
  it('reads issuer, audience, rules, and the defaults for algorithms and clock skew', () => {
    const config = parseConfig(base(good), 'hubgate.yaml', {}, toolNames);
    expect(config.oauth).toMatchObject({
      issuer: 'https://login.example.com/realms/acme',
      audience: 'https://hubgate.example.com/mcp',
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      clockSkewSeconds: 30,
    });
    expect(config.oauth?.rules.map((rule) => [rule.agent, Object.fromEntries(rule.when)])).toEqual([
      ['ci-bot', { client_id: ['ci'] }],
      ['reader', { 'realm_access.roles': ['hub-reader', 'hub-admin'], scope: ['hub:read'] }],
      ['reader', { 'https://acme.example/groups': ['readers'] }],
    ]);
  });

  it.each([
    [
      'HS256',
      '  algorithms: [HS256]',
      /^oauth\.algorithms\[0\]: must be a public-key algorithm .*HS\*.* forge/,
    ],
    ['none', '  algorithms: [none]', /^oauth\.algorithms\[0\]: must be a public-key algorithm/],
    ['no algorithm', '  algorithms: []', /^oauth\.algorithms: must name at least one algorithm/],
    [
      'a skew of an hour',
      '  clock_skew_seconds: 3600',
      /^oauth\.clock_skew_seconds: must be between 0 and 300/,
    ],
  ])('refuses %s', (_what, line, message) => {
    expect(problems(base(`${good}\n${line}`))).toEqual([expect.stringMatching(message)]);
  });

  it('refuses plain HTTP to a remote provider, and allows it on loopback', () => {
    const remote = good.replace('https://login.example.com', 'http://login.example.com');
    expect(problems(base(remote))).toEqual([
      'oauth.issuer: must be https (plain http only on loopback)',
    ]);
    const local = good.replace('https://login.example.com', 'http://127.0.0.1:8443');
    expect(parseConfig(base(local), 'hubgate.yaml', {}, toolNames).oauth?.issuer).toBe(
      'http://127.0.0.1:8443/realms/acme',
    );
  });

  it('refuses a rule with no condition, one for an unknown agent, and an empty list', () => {
    const text = base(`  issuer: https://login.example.com
  audience: https://hubgate.example.com/mcp
  agents:
    - { agent: ci-bot, when: {} }
    - { agent: ghost, when: { sub: x } }
    - { agent: reader, when: { groups: [] } }`);
    expect(problems(text)).toEqual([
      'oauth.agents[0].when: must name at least one claim: a rule that matches every token lets anyone in',
      'oauth.agents[2].when.groups: must list at least one value',
      'oauth.agents[1].agent: no agent named "ghost" under agents',
    ]);
  });

  it('refuses an unknown key, naming it', () => {
    expect(problems(base(`${good}\n  passthrough: true`))).toEqual([
      'oauth: unknown key "passthrough"',
    ]);
  });
});

describe('claims to agents', () => {
  const oauth = parseConfig(base(good), 'hubgate.yaml', {}, toolNames).oauth;
  if (!oauth) throw new Error('no oauth');

  it('maps by client_id, by a nested claim with a scope, and by a namespaced claim', () => {
    expect(agentForClaims(oauth, { sub: 'svc', client_id: 'ci' })).toMatchObject({
      kind: 'agent',
      agent: 'ci-bot',
      rule: 0,
    });
    expect(
      agentForClaims(oauth, {
        sub: 'u1',
        scope: 'openid hub:read',
        realm_access: { roles: ['other', 'hub-admin'] },
      }),
    ).toMatchObject({ kind: 'agent', agent: 'reader', rule: 1 });
    expect(
      agentForClaims(oauth, { sub: 'u2', 'https://acme.example/groups': ['readers', 'x'] }),
    ).toMatchObject({ kind: 'agent', agent: 'reader', rule: 2 });
  });

  it('says which scope is missing when a rule matches but for it', () => {
    expect(
      agentForClaims(oauth, {
        sub: 'u1',
        scope: 'openid',
        realm_access: { roles: ['hub-reader'] },
      }),
    ).toEqual({ kind: 'insufficient scope', scopes: ['hub:read'], rule: 1 });
  });

  it('maps nothing for claims no rule names, or values of the wrong type', () => {
    expect(agentForClaims(oauth, { sub: 'u3', client_id: 'other' })).toEqual({ kind: 'no rule' });
    expect(agentForClaims(oauth, { client_id: ['ci'] })).toMatchObject({ kind: 'agent' });
    expect(agentForClaims(oauth, { client_id: { ci: true } })).toEqual({ kind: 'no rule' });
    // A scope is a space-separated list: "hub:reader" is not "hub:read".
    expect(
      agentForClaims(oauth, { scope: 'hub:reader', realm_access: { roles: ['hub-reader'] } }),
    ).toMatchObject({ kind: 'insufficient scope' });
  });
});
