/** The operator's commands, run as the built CLI: check, explain, key, tools, and serving a config. */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/tools/index.js';
import { SEED, startFakeHub } from '../fake-hub/index.js';
import { readAuditFile } from '../helpers/audit-file.js';
import { freePort } from '../helpers/net.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hubgate-cli-'));

async function hubgate(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const policy = file(
  'hubgate.yaml',
  `credentials:
  me: { username: alice, secret: "\${ALICE_PAT}" }
agents:
  ci-bot:
    credential: me
    grants:
      - { resource: "repo:myorg/app-*", access: write }
      - { resource: "repo:library/*", access: read }
    tools: { deny: [update_repository] }
  assistant:
    grants: [{ resource: "repo:*/*", access: read }, { resource: catalog, access: read }]
default_agent: ci-bot
`,
);
const env = { ALICE_PAT: 'dckr_pat_canary' };

describe('hubgate check', () => {
  it('prints each agent with its grants and the tools it sees', async () => {
    const { code, stdout } = await hubgate(['check', '--config', policy], env);
    expect(code).toBe(0);
    expect(stdout).toContain(`${policy}: valid`);
    expect(stdout).toContain('agent ci-bot (default)\n  credential: me');
    expect(stdout).toContain('  grants: repo:myorg/app-*=write, repo:library/*=read');
    expect(stdout).toContain('  tools denied: update_repository');
    expect(stdout).toMatch(
      /agent ci-bot[\s\S]*sees 12 of 62 tools: list_repositories, get_repository, check_repository, create_repository, verify_immutable_tags, list_tags, check_tags, get_tag, check_tag, get_images_summary, list_images, list_image_tags\n/,
    );
    expect(stdout).toMatch(
      /agent assistant\n {2}credential: none \(anonymous\)[\s\S]*search_catalog/,
    );
    expect(stdout).not.toContain('canary');
  });

  it('exits 1 with every problem, its file and field path', async () => {
    const bad = file(
      'bad.yaml',
      'agents:\n  ci-bot:\n    grants:\n      - { resource: "repo:x/y", access: owner }\n    credential: ghost\n',
    );
    const { code, stdout, stderr } = await hubgate(['check', '--config', bad]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `hubgate: invalid configuration\n${bad}: agents.ci-bot.grants[0].access: must be read, write or admin\n`,
    );
    // check never calls the Hub: a secret not exported yet is a warning there...
    const missingVar = await hubgate(['check', '--config', policy]);
    expect(missingVar.code).toBe(0);
    expect(missingVar.stdout).toContain(
      '  WARNING: credentials.me.secret: environment variable ALICE_PAT is not set',
    );
    const explained = await hubgate([
      'explain',
      '--config',
      policy,
      '--tool',
      'get_repository',
      '--args',
      '{"namespace":"myorg","repository":"app-x"}',
    ]);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/^allow: get_repository for agent ci-bot/);
    // ...and an error where it would be used: serving.
    const served = await exec(process.execPath, [cli, '--config', policy], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 10_000,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(served?.code).toBe(1);
    expect(served?.stderr).toContain(
      `${policy}: credentials.me.secret: environment variable ALICE_PAT is not set`,
    );
  });

  it('describes the built-in default without a config file', async () => {
    const { code, stdout } = await hubgate(['check', '--grant', 'repo:acme/*=admin']);
    expect(code).toBe(0);
    expect(stdout).toContain('agent local (default)');
    expect(stdout).toContain('grants: repo:acme/*=admin');
    expect(stdout).not.toContain('WARNING');
  });

  it('warns about a key anyone can guess, without showing it, and not about the examples', async () => {
    const weak = `sha256:${createHash('sha256').update('test').digest('hex')}`;
    const config = file(
      'weak-key.yaml',
      `agents:\n  bot:\n    keys: ["${weak}"]\n    grants: [{ resource: catalog, access: read }]\n`,
    );
    const { code, stdout } = await hubgate(['check', '--config', config]);
    expect(code).toBe(0);
    expect(stdout).toContain('  WARNING: keys[0] is a well-known weak key that anyone can guess');
    expect(stdout).not.toMatch(/"test"/);
    const examples = fileURLToPath(new URL('../../examples/http-service.yaml', import.meta.url));
    const shipped = await hubgate(['check', '--config', examples], {
      MYORG_CI_TOKEN: 'x',
      DOCKER_HUB_USERNAME: 'me',
      DOCKER_HUB_TOKEN: 'y',
    });
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stdout).not.toContain('weak key');
  });

  it('refuses to serve when the audit file cannot be opened, naming audit.file', async () => {
    const config = file(
      'bad-audit.yaml',
      'agents:\n  bot:\n    grants: [{ resource: catalog, access: read }]\naudit: { file: no-such-dir/a.ndjson }\n',
    );
    const failed = await exec(process.execPath, [cli, '--config', config], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 10_000,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      `audit.file: ${join(dir, 'no-such-dir/a.ndjson')}: it cannot be opened for appending (ENOENT)`,
    );
  });

  it('warns loudly about an agent that can mint a personal access token', async () => {
    const { code, stdout } = await hubgate(['check', '--grant', 'account=admin']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /\n {2}WARNING: create_personal_access_token: a personal access token cannot be limited to repositories/,
    );
  });
});

describe('hubgate explain', () => {
  it('shows an allowed call, its resources, the deciding grant and the Hub call', async () => {
    const { code, stdout } = await hubgate(
      [
        'explain',
        '--config',
        policy,
        '--tool',
        'create_repository',
        '--args',
        '{"namespace":"myorg","name":"app-api"}',
      ],
      env,
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'allow: create_repository for agent ci-bot',
        '  needs: write on repo:myorg/app-api',
        '  decided by: repo:myorg/app-*=write',
        '  would call: POST /v2/namespaces/myorg/repositories',
        '',
      ].join('\n'),
    );
  });

  it('shows a refusal with its reason, for another agent', async () => {
    const { stdout } = await hubgate(
      [
        'explain',
        '--config',
        policy,
        '--agent',
        'assistant',
        '--tool',
        'create_repository',
        '--args',
        '{"namespace":"myorg","name":"app-api"}',
      ],
      env,
    );
    expect(stdout).toBe(
      [
        'deny: create_repository for agent assistant',
        '  needs: write on repo:myorg/app-api',
        '  reason: agent "assistant" has no grant for write on repo:myorg/app-api (needed by create_repository)',
        '',
      ].join('\n'),
    );
    const invalid = await hubgate([
      'explain',
      '--tool',
      'get_tag',
      '--args',
      '{"namespace":"../x"}',
    ]);
    expect(invalid.stdout).toMatch(
      /^deny: get_tag for agent local\n {2}invalid arguments: namespace: must be/,
    );
  });

  it('refuses an unknown tool or agent with exit 1', async () => {
    expect((await hubgate(['explain', '--tool', 'drop_everything'])).stderr).toContain(
      'there is no tool "drop_everything"',
    );
    const unknownAgent = await hubgate(
      ['explain', '--config', policy, '--agent', 'ghost', '--tool', 'get_tag'],
      env,
    );
    expect(unknownAgent.code).toBe(1);
    expect(unknownAgent.stderr).toContain('no agent named "ghost" (agents: ci-bot, assistant)');
  });
});

describe('approvals in check, explain, and the operator commands', () => {
  const operatorKey = 'hgk_operator-key-for-the-commands-test';
  const approving = () =>
    file(
      'hubgate-operator.yaml',
      `agents:
  nightly:
    approve_via: operator
    grants:
      - { resource: "repo:myorg/*", access: admin, approve: always }
approvals:
  key: "\${HUBGATE_APPROVAL_KEY}"
  operators: [{ name: oncall, key: "sha256:${createHash('sha256').update(operatorKey).digest('hex')}" }]
`,
    );

  it('check shows who approves and how questions are sealed; explain names the operator', async () => {
    const config = approving();
    const checked = await hubgate(['check', '--config', config], {
      HUBGATE_APPROVAL_KEY: 'k'.repeat(40),
    });
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(
      'approvals: 2026-07-28 questions sealed with approvals.key; a person has 300 s to answer, an operator 3600 s; operators: oncall',
    );
    expect(checked.stdout).toContain('  grants: repo:myorg/*=admin (approve: always)');
    expect(checked.stdout).toContain(
      '  approvals: by an operator, out of band (hubgate approve ID)',
    );
    const explained = await hubgate(
      [
        'explain',
        '--config',
        config,
        '--tool',
        'get_repository',
        '--args',
        '{"namespace":"myorg","repository":"app"}',
      ],
      { HUBGATE_APPROVAL_KEY: 'k'.repeat(40) },
    );
    expect(explained.stdout).toContain(
      '  needs approval: an operator confirms each call first, out of band (hubgate approvals, hubgate approve ID)',
    );
  });

  it('refuses a short sealing key, an unknown approve_via, and an operator holding an agent key', async () => {
    const hash = `sha256:${'a'.repeat(64)}`;
    const bad = await hubgate([
      'check',
      '--config',
      file(
        'hubgate-approvals-bad.yaml',
        `agents:
  x:
    keys: ["${hash}"]
    approve_via: somebody
    grants: [{ resource: "repo:a/b", access: read, approve: always }]
approvals:
  key: short
  operators: [{ name: ops, key: "${hash}" }]
`,
      ),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('approvals.key: must be at least 32 characters');
    expect(bad.stderr).toContain(
      "agents.x.approve_via: must be client (the agent's user answers) or operator (`hubgate approve ID`)",
    );
    const clash = await hubgate([
      'check',
      '--config',
      file(
        'hubgate-approvals-clash.yaml',
        `agents:\n  x:\n    keys: ["${hash}"]\napprovals:\n  operators: [{ name: ops, key: "${hash}" }]\n`,
      ),
    ]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(
      `approvals.operators[0].key: is also agent "x"'s key: an operator's key must be its own`,
    );
  });

  it('hubgate approve needs an id and an operator key, and says when the service is not there', async () => {
    const noId = await hubgate(['approve']);
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain('hubgate: which approval? give its id: hubgate approve ID');
    const noKey = await hubgate(['approvals']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('HUBGATE_OPERATOR_KEY is not set');
    // A port no one listens on.
    const port = await freePort();
    const away = await hubgate(['approve', 'abc123', '--url', `http://127.0.0.1:${port}`], {
      HUBGATE_OPERATOR_KEY: operatorKey,
    });
    expect(away.code).toBe(2);
    expect(away.stderr).toContain(`cannot reach hubgate at http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('hubgate explain, for a grant that wants approval', () => {
  it('says that a person confirms each such call, and which rule asks', async () => {
    const approving = file(
      'hubgate-approve.yaml',
      `agents:
  careful:
    grants:
      - { resource: "repo:myorg/*", access: admin, approve: { access: admin } }
`,
    );
    const admin = await hubgate([
      'explain',
      '--config',
      approving,
      '--tool',
      'update_immutable_tags',
      '--args',
      '{"namespace":"myorg","repository":"app","immutable_tags":true,"immutable_tags_rules":["release"]}',
    ]);
    expect(admin.stdout).toContain(
      "  needs approval: its client's user confirms each call first (elicitation, or input_required over 2026-07-28) (repo:myorg/*=admin approve: { access: admin })",
    );
    const read = await hubgate([
      'explain',
      '--config',
      approving,
      '--tool',
      'get_repository',
      '--args',
      '{"namespace":"myorg","repository":"app"}',
    ]);
    expect(read.stdout).toMatch(/^allow: get_repository/);
    expect(read.stdout).not.toContain('needs approval');
    const bad = await hubgate([
      'check',
      '--config',
      file(
        'hubgate-approve-bad.yaml',
        'agents:\n  x:\n    grants: [{ resource: "repo:a/b", access: read, approve: sometimes }]\n',
      ),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'agents.x.grants[0].approve: must be always, { tools: [TOOL, ...] } or { access: LEVEL }',
    );
  });
});

describe('hubgate explain --token-claims', () => {
  const oauthPolicy = file(
    'hubgate-oauth.yaml',
    `agents:
  ci-bot:
    grants: [{ resource: "repo:myorg/app-*", access: write }]
  reader:
    grants: [{ resource: "repo:library/*", access: read }]
oauth:
  issuer: https://login.example.com/realms/acme
  audience: https://hubgate.example.com/mcp
  agents:
    - { agent: ci-bot, when: { client_id: ci } }
    - { agent: reader, when: { "realm_access.roles": hub-reader, scope: "hub:read" } }
`,
  );
  const claims = (name: string, value: unknown) => file(name, JSON.stringify(value));

  it('names the agent and the rule a claim set signs in as, then explains the call', async () => {
    const path = claims('ci.json', { sub: 'svc-ci', client_id: 'ci' });
    const { code, stdout } = await hubgate([
      'explain',
      '--config',
      oauthPolicy,
      '--token-claims',
      path,
      '--tool',
      'create_repository',
      '--args',
      '{"namespace":"myorg","name":"app-api"}',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `token claims ${path}: agent ci-bot`,
        '  by rule: oauth.agents[0] client_id=ci',
        '  also checked on a real token: signature (RS256, PS256, ES256, EdDSA), iss https://login.example.com/realms/acme, aud https://hubgate.example.com/mcp, exp/nbf within 30 s',
        'allow: create_repository for agent ci-bot',
        '  needs: write on repo:myorg/app-api',
        '  decided by: repo:myorg/app-*=write',
        '  would call: POST /v2/namespaces/myorg/repositories',
        '',
      ].join('\n'),
    );
  });

  it('decodes a token given whole, and says which scope a near match lacks', async () => {
    const payload = Buffer.from(
      JSON.stringify({ sub: 'u1', scope: 'openid', realm_access: { roles: ['hub-reader'] } }),
    ).toString('base64url');
    const path = file('token.txt', `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln\n`);
    const { code, stdout } = await hubgate([
      'explain',
      '--config',
      oauthPolicy,
      '--token-claims',
      path,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^token claims ${path} \\(a token, decoded, not verified\\): no agent \\(403 insufficient_scope\\)\n  rule oauth.agents\\[1\\] matches but for its scope: the token needs "hub:read"\n`,
      ),
    );
  });

  it('shows in hubgate check who signs in as which agent', async () => {
    const { code, stdout } = await hubgate(['check', '--config', oauthPolicy]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'oauth: tokens from https://login.example.com/realms/acme for https://hubgate.example.com/mcp (RS256, PS256, ES256, EdDSA), 2 rules, first match wins',
    );
    expect(stdout).toMatch(
      /agent ci-bot\n[\s\S]*? {2}oauth sign-in: oauth.agents\[0\] when client_id=ci\n/,
    );
    expect(stdout).toMatch(
      /agent reader\n[\s\S]*? {2}oauth sign-in: oauth.agents\[1\] when realm_access.roles=hub-reader, scope=hub:read\n/,
    );
  });

  it('says when no rule matches, and refuses what it cannot use', async () => {
    const none = await hubgate([
      'explain',
      '--config',
      oauthPolicy,
      '--token-claims',
      claims('other.json', { sub: 'x', client_id: 'other' }),
      '--tool',
      'get_tag',
    ]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(
      /: no agent \(403\)\n {2}no rule under oauth\.agents matches \(sub "x", client_id "other"\)\n/,
    );
    expect(none.stdout).not.toContain('get_tag for agent');

    const noOauth = await hubgate(
      ['explain', '--config', policy, '--token-claims', claims('a.json', { sub: 'x' })],
      env,
    );
    expect(noOauth.code).toBe(1);
    expect(noOauth.stderr).toContain('has no oauth section to map tokens with');
    const notJson = await hubgate([
      'explain',
      '--config',
      oauthPolicy,
      '--token-claims',
      file('bad.txt', 'hello'),
    ]);
    expect(notJson.stderr).toContain('is neither a JSON object of claims nor a JWT');
    const both = await hubgate(['explain', '--agent', 'x', '--token-claims', 'y']);
    expect(both.stderr).toContain('--agent and --token-claims both name the agent');
    const neither = await hubgate(['explain']);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('--tool is required (or --token-claims FILE)');
  });
});

describe('hubgate key and tools', () => {
  it('key prints a fresh key and the sha256 line that matches it', async () => {
    const first = await hubgate(['key']);
    const second = await hubgate(['key']);
    const key = /^key: {4}(hgk_[A-Za-z0-9_-]{43})$/m.exec(first.stdout)?.[1];
    const hash = /^config: (sha256:[0-9a-f]{64})$/m.exec(first.stdout)?.[1];
    expect(key).toBeDefined();
    expect(hash).toBe(
      `sha256:${createHash('sha256')
        .update(key ?? '')
        .digest('hex')}`,
    );
    expect(second.stdout).not.toContain(key ?? 'none');
    // The line pastes into a config that check accepts.
    const withKey = file('keyed.yaml', `agents:\n  bot:\n    keys: ["${hash}"]\n`);
    expect((await hubgate(['check', '--config', withKey])).code).toBe(0);
  });

  it('tools lists every tool with its level and resources', async () => {
    const { stdout } = await hubgate(['tools']);
    expect(stdout.trim().split('\n')).toHaveLength(catalog.length);
    expect(stdout).toMatch(
      /^assign_repository_group +admin +repo:\{namespace\}\/\{repository\} \+ org:\{namespace\} \(read\) +POST \/v2\/repositories\/\{namespace\}\/\{repository\}\/groups$/m,
    );
  });
});

describe('serving a config file', () => {
  it('acts as the chosen agent with its credential and writes the audit file', async () => {
    const hub = await startFakeHub();
    const audit = join(dir, 'audit.ndjson');
    const config = file(
      'serve.yaml',
      `hub: { url: "${hub.url}" }
credentials:
  alice: { username: alice, secret: "\${ALICE_PAT}" }
agents:
  reader: { credential: alice, grants: [{ resource: "repo:alice/*", access: read }] }
  other: {}
audit: { file: "${audit}" }
`,
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, '--config', config, '--agent', 'reader'],
      env: { PATH: process.env.PATH ?? '', ALICE_PAT: SEED.pats.aliceRead },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'e2e', version: '0' });
    try {
      await client.connect(transport);
      const result = await client.callTool({
        name: 'get_repository',
        arguments: { namespace: 'alice', repository: 'tools' },
      });
      expect(result.isError).toBeFalsy();
      const refused = await client.callTool({
        name: 'get_repository',
        arguments: { namespace: 'library', repository: 'nginx' },
      });
      expect(refused.isError).toBe(true);
      const records = readAuditFile(audit);
      expect(records.map((r) => [r.agent, r.tool, r.decision])).toEqual([
        ['reader', 'get_repository', 'allow'],
        ['reader', 'get_repository', 'deny'],
      ]);
      expect(hub.tokenExchanges()).toBe(1);
    } finally {
      await client.close();
      await hub.close();
    }
  });

  it('refuses to start on an invalid config, or without a chosen agent', async () => {
    const bad = await hubgate(['--config', file('x.json', '{"agents":{}}')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('agents: must define at least one agent');
    const two = await hubgate(['--config', file('two.yaml', 'agents: { a: {}, b: {} }\n')]);
    expect(two.code).toBe(1);
    expect(two.stderr).toContain('several agents (a, b) and none chosen');
  });
});

describe('leaving cleanly', () => {
  it('hubgate tools --json | head: a reader that goes away is a quiet exit 0', async () => {
    const child = spawn(process.execPath, [cli, 'tools', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // Read one chunk, then close the pipe as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a port in use says which, and which flag to change', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const config = file(
        'port-in-use.yaml',
        `agents:\n  bot:\n    keys: ["sha256:${'a'.repeat(64)}"]\n    grants: [{ resource: catalog, access: read }]\n`,
      );
      const { code, stderr } = await hubgate(['http', '--config', config, '--port', String(port)]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `hubgate: cannot listen on 127.0.0.1 port ${port}: it is in use. Stop what listens there, or choose another with --port (0 picks a free one) or --host.\n`,
      );
    } finally {
      taken.close();
    }
  });
});
