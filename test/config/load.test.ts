import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/defaults.js';
import { ConfigError, formatPath, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { selectAgent } from '../../src/config/resolve.js';
import { toolNames } from '../../src/tools/index.js';

const KEY = `sha256:${'ab'.repeat(32)}`;
const env = {
  DOCKER_HUB_USERNAME: 'alice',
  DOCKER_HUB_TOKEN: 'dckr_pat_canary',
  SCIM: 'scim_canary',
};

const example = `
hub:
  url: https://hub.docker.com
credentials:
  me:
    username: \${DOCKER_HUB_USERNAME}
    secret: \${DOCKER_HUB_TOKEN}
  myorg-scim:
    scim_token: \${SCIM}
    org: myorg
agents:
  ci-bot:
    credential: me
    scim_credential: myorg-scim
    keys: ["${KEY}"]
    grants:
      - { resource: "repo:myorg/app-*", access: write }
      - { resource: "repo:library/*",   access: read }
      - { resource: "org:myorg",        access: read }
    tools: { deny: [create_repository] }
  reader:
    grants: [{ resource: "repo:*/*", access: read }]
default_agent: ci-bot
audit:
  file: ./hubgate-audit.ndjson
`;

/** The problems of a config that must be refused, without the file name. */
function problems(text: string, source = 'hubgate.yaml', environment: NodeJS.ProcessEnv = env) {
  try {
    parseConfig(text, source, environment, toolNames);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    for (const line of configError.message.split('\n'))
      expect(line.startsWith(`${source}: `)).toBe(true);
    return configError.problems;
  }
  throw new Error('the config was accepted');
}

describe('parseConfig', () => {
  it('reads the documented example, with variables replaced', () => {
    const config = parseConfig(example, 'hubgate.yaml', env, toolNames);
    expect(config.hubUrl).toBe('https://hub.docker.com');
    expect(config.defaultAgent).toBe('ci-bot');
    // Relative to the config file's folder (here the working directory's).
    expect(config.auditFile).toBe(resolve('hubgate-audit.ndjson'));
    expect(config.credentials.get('me')).toEqual({
      kind: 'hub',
      name: 'me',
      username: 'alice',
      secret: 'dckr_pat_canary',
    });
    expect(config.credentials.get('myorg-scim')).toEqual({
      kind: 'scim',
      name: 'myorg-scim',
      org: 'myorg',
      token: 'scim_canary',
    });
    expect(config.agents.get('ci-bot')).toEqual({
      name: 'ci-bot',
      credential: 'me',
      scimCredential: 'myorg-scim',
      keys: [KEY],
      grants: [
        { resource: 'repo:myorg/app-*', access: 'write' },
        { resource: 'repo:library/*', access: 'read' },
        { resource: 'org:myorg', access: 'read' },
      ],
      tools: { deny: ['create_repository'] },
    });
    expect(config.agents.get('reader')).toEqual({
      name: 'reader',
      keys: [],
      grants: [{ resource: 'repo:*/*', access: 'read' }],
    });
  });

  it('reads JSON by extension, and a single agent is the default', () => {
    const config = parseConfig(
      JSON.stringify({ agents: { solo: { grants: [{ resource: 'catalog', access: 'read' }] } } }),
      'policy.json',
      {},
      toolNames,
    );
    expect(config.defaultAgent).toBe('solo');
  });

  it('names the field path and the rule of every problem', () => {
    const text = `
agents:
  ci-bot:
    credential: nobody
    keys: ["sha256:xyz"]
    grants:
      - { resource: "repo:myorg/*", access: write }
      - { resource: "repo:MyOrg", access: read }
      - { resource: "org:myorg", access: owner }
    tools: { deny: [delete_everything] }
    grant: []
default_agent: ghost
`;
    expect(problems(text)).toEqual([
      'agents.ci-bot.keys[0]: must be "sha256:" and 64 lowercase hex digits (`hubgate key` makes one)',
      'agents.ci-bot.grants[1].resource: must be repo:NAMESPACE/REPOSITORY, org:ORG, scim:ORG, account, catalog or auth (lowercase; * matches within one segment, e.g. repo:myorg/app-*)',
      'agents.ci-bot.grants[2].access: must be read, write or admin',
      'agents.ci-bot.tools.deny[0]: "delete_everything" is not a hubgate tool (hubgate tools lists them)',
      'agents.ci-bot: unknown key "grant"',
    ]);
  });

  it('checks references once the shape is right', () => {
    const text = `
credentials:
  scim: { scim_token: x, org: myorg }
  me: { username: a, secret: b }
agents:
  a: { credential: nobody, grants: [] }
  b: { credential: scim, scim_credential: me, keys: ["${KEY}"] }
  c: { keys: ["${KEY}"] }
default_agent: ghost
`;
    expect(problems(text)).toEqual([
      'agents.a.credential: no credential named "nobody" under credentials',
      'agents.b.credential: credential "scim" is a SCIM credential; use scim_credential for it',
      'agents.b.scim_credential: credential "me" is not a SCIM credential (scim_token + org)',
      'agents.c.keys[0]: the same key is already agent "b"\'s',
      'default_agent: no agent named "ghost" under agents',
    ]);
  });

  it('refuses half or mixed credentials and empty agents', () => {
    expect(problems('credentials:\n  me: { username: a }\nagents: {}\n')).toEqual([
      'credentials.me: must have username + secret (a Docker Hub identity) or scim_token + org (SCIM), not a mix',
      'agents: must define at least one agent',
    ]);
    expect(
      problems(
        'credentials:\n  me: { username: a, secret: b, scim_token: c, org: d }\nagents: { x: {} }\n',
      ),
    ).toEqual([
      'credentials.me: must have username + secret (a Docker Hub identity) or scim_token + org (SCIM), not a mix',
    ]);
    expect(problems('{}')).toEqual(['agents: is required']);
  });

  it('names a missing environment variable and its field, never a value', () => {
    const text =
      'credentials:\n  me: { username: "${HUB_USER}", secret: "${HUB_SECRET}" }\nagents: { a: {} }\n';
    expect(problems(text, 'hubgate.yaml', { HUB_USER: 'alice' })).toEqual([
      'credentials.me.secret: environment variable HUB_SECRET is not set',
    ]);
    expect(problems('agents: { a: { credential: "${bad-name}" } }\n')).toEqual([
      'agents.a.credential: "${bad-name}" is not a valid variable name',
    ]);
  });

  it('keeps $${ as a literal ${', () => {
    const config = parseConfig(
      'credentials:\n  me: { username: a, secret: "p$${x}q" }\nagents: { a: { credential: me } }\n',
      'c.yaml',
      {},
      toolNames,
    );
    expect(config.credentials.get('me')).toMatchObject({ secret: 'p${x}q' });
  });

  it('refuses names that would reach into object prototypes', () => {
    expect(problems('agents: { a: {} }\ndefault_agent: constructor\n')).toEqual([
      'default_agent: no agent named "constructor" under agents',
    ]);
    expect(problems('agents: { a: { credential: toString } }\n')).toEqual([
      'agents.a.credential: no credential named "toString" under credentials',
    ]);
  });

  it('reports syntax errors with a position, and unknown extensions', () => {
    expect(problems('agents:\n  a: [\n', 'bad.yaml')[0]).toMatch(
      /^line \d+, column \d+: is not valid YAML/,
    );
    expect(problems('agents:\n  a: {}\n  a: {}\n', 'dup.yaml')[0]).toMatch(
      /is not valid YAML: .*unique/i,
    );
    expect(problems('{"agents":', 'bad.json')[0]).toMatch(/^is not valid JSON/);
    expect(problems('agents: {}', 'policy.toml')).toEqual(['must end in .yaml, .yml or .json']);
  });
});

describe('loadConfigFile', () => {
  it('reads a file and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubgate-config-'));
    const file = join(dir, 'hubgate.yml');
    writeFileSync(file, 'agents: { a: { grants: [{ resource: catalog, access: read }] } }\n');
    expect(loadConfigFile(file, {}, toolNames).source).toBe(file);
    expect(() => loadConfigFile(join(dir, 'nope.yaml'), {}, toolNames)).toThrow(
      `${join(dir, 'nope.yaml')}: no such file`,
    );
  });
});

describe('formatPath', () => {
  it('writes keys with dots, indexes in brackets, odd keys quoted', () => {
    expect(formatPath(['agents', 'ci-bot', 'grants', 2, 'access'])).toBe(
      'agents.ci-bot.grants[2].access',
    );
    expect(formatPath(['agents', 'a b'])).toBe('agents["a b"]');
  });
});

describe('defaultConfig and selectAgent', () => {
  it('uses the environment credential and the default grants', () => {
    const config = defaultConfig(env);
    expect(config.agents.get('local')).toMatchObject({ credential: 'environment' });
    expect(config.credentials.get('environment')).toMatchObject({ username: 'alice' });
    expect(config.agents.get('local')?.grants).toContainEqual({
      resource: 'repo:*/*',
      access: 'read',
    });
  });

  it('replaces the grants with --grant and refuses half a credential', () => {
    const grants = [{ resource: 'repo:a/b', access: 'write' as const }];
    expect(defaultConfig({}, grants).agents.get('local')?.grants).toEqual(grants);
    expect(() => defaultConfig({ DOCKER_HUB_TOKEN: 'dckr_pat_canary' })).toThrow(
      /DOCKER_HUB_USERNAME is not set/,
    );
    expect(() => defaultConfig({ DOCKER_HUB_TOKEN: 'dckr_pat_canary' })).not.toThrow(/canary/);
  });

  it('selects the named or default agent, and says what to do otherwise', () => {
    const config = parseConfig('agents: { a: {}, b: {} }\n', 'two.yaml', {}, toolNames);
    expect(selectAgent(config, 'b')).toBe('b');
    expect(() => selectAgent(config, undefined)).toThrow(/several agents \(a, b\) and none chosen/);
    expect(() => selectAgent(config, 'c')).toThrow(/no agent named "c" \(agents: a, b\)/);
  });
});

describe('audit.file', () => {
  const agents = 'agents: { a: { grants: [{ resource: catalog, access: read }] } }\n';
  it('is relative to the folder of the config file, not to where hubgate was started', () => {
    const config = parseConfig(
      `${agents}audit: { file: logs/audit.ndjson }\n`,
      '/etc/hubgate/hubgate.yaml',
      {},
      toolNames,
    );
    expect(config.auditFile).toBe('/etc/hubgate/logs/audit.ndjson');
    const absolute = parseConfig(
      `${agents}audit: { file: /var/log/a.ndjson }\n`,
      '/etc/hubgate/h.yaml',
      {},
      toolNames,
    );
    expect(absolute.auditFile).toBe('/var/log/a.ndjson');
  });
});

describe('errors never quote a value from the environment', () => {
  const secret = 'dckr_pat_CANARY_1234567890';
  it.each([
    ['tools.deny', 'agents:\n  a:\n    tools: { deny: ["${TOKEN}"] }\n'],
    ['credential', 'agents:\n  a:\n    credential: "${TOKEN}"\n'],
    ['default_agent', 'agents:\n  a: {}\ndefault_agent: "${TOKEN}"\n'],
    ['a short value', 'agents:\n  a:\n    credential: "${SHORT}"\n'],
  ])('a ${VAR} misplaced in %s names the variable, not its value', (_where, text) => {
    let message = '';
    try {
      parseConfig(text, 'c.yaml', { TOKEN: secret, SHORT: 'x_1' }, toolNames);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^c\.yaml: /);
    expect(message).not.toContain('CANARY');
    expect(message).not.toContain('"x_1"');
    expect(message).toMatch(/\$\{(?:TOKEN|SHORT)\}/);
  });
});

describe('JSON configs', () => {
  it('refuse a key given twice, as YAML ones do, with its line', () => {
    const text = `{
  "agents": {
    "a": {
      "grants": [{ "resource": "repo:*/*", "access": "admin" }],
      "grants": [{ "resource": "catalog", "access": "read" }]
    }
  }
}`;
    expect(() => parseConfig(text, 'c.json', {}, toolNames)).toThrow(
      /^c\.json: line 5, column 7: is not valid JSON: Map keys must be unique/,
    );
    expect(() =>
      parseConfig(text.replace(/,\n\s*"grants".*\n/, '\n'), 'c.json', {}, toolNames),
    ).not.toThrow();
  });
});
