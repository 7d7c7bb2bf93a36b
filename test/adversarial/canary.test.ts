/**
 * Secrets canaries. hubgate holds secrets of several kinds: a PAT, an org access token, a SCIM
 * token, the agents' API keys, and the bearer JWTs the Hub hands back for the first two. Each is
 * a canary here, valid ones (the fake Hub's seeded secrets, so calls work) and refused ones (so
 * calls fail). A representative set of calls (the 62-tool listing, allowed, refused, invalid,
 * failing, and the calls that create tokens) runs through the built CLI over stdio at
 * `--log-level trace`, and through the HTTP service in-process with a trace logger. No canary may
 * appear in stderr or the logs, the audit log (file and in-memory), an error text, or a result;
 * the one result of a create-token call holds its new token, and that token nowhere else.
 *
 * Needs `npm run build` first (npm test does it).
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { fileAuditSink } from '../../src/audit/sinks.js';
import { newAgentKey } from '../../src/commands/key.js';
import { parseConfig } from '../../src/config/load.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { HttpService } from '../../src/http/service.js';
import { createLogger } from '../../src/log.js';
import { catalog, toolNames } from '../../src/tools/index.js';
import { issueToken } from '../fake-hub/auth.js';
import { type FakeHub, SEED, startFakeHub } from '../fake-hub/index.js';
import { auditFileRecords } from '../helpers/audit-file.js';
import { ADMIN_AGENT, startHarness } from '../helpers/harness.js';
import { serveGateway } from '../http/helpers.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hubgate-canary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The canaries. Valid ones are the fake Hub's seeded secrets: it accepts nothing else. */
const CANARY = {
  pat: SEED.pats.aliceAdmin,
  oat: SEED.oat.acme.secret,
  scim: SEED.scim.acme,
  refusedPat: 'dckr_pat_CANARY_refused_7Hq2Zx9Lm4Tw',
  refusedScim: 'scim_CANARY_refused_Vb81Rt6Yw3Pk',
  refusedKey: 'hgk_CANARY_refused_Qm5Nc2Xs8Jd4Lf7Ha1',
} as const;

const ENV = {
  PATH: process.env.PATH ?? '',
  CANARY_PAT: CANARY.pat,
  CANARY_OAT: CANARY.oat,
  CANARY_SCIM: CANARY.scim,
  CANARY_REFUSED_PAT: CANARY.refusedPat,
  CANARY_REFUSED_SCIM: CANARY.refusedScim,
};

/**
 * Three agents: admin (alice's PAT, acme's SCIM token, every grant: all 62 tools), org-bot (acme's
 * org access token, narrow grants: refusals) and refused (secrets the Hub refuses). Secrets come
 * from the environment, as an operator's config would take them.
 */
function configText(
  hubUrl: string,
  options: { auditFile?: string; keys?: Record<string, string> } = {},
) {
  const keys = (agent: string) => {
    const hash = options.keys?.[agent];
    return `    keys: [${hash ? `"${hash}"` : ''}]`;
  };
  return [
    `hub: { url: "${hubUrl}" }`,
    'credentials:',
    `  alice: { username: alice, secret: "\${CANARY_PAT}" }`,
    `  acme-oat: { username: acme, secret: "\${CANARY_OAT}" }`,
    `  acme-scim: { org: acme, scim_token: "\${CANARY_SCIM}" }`,
    `  refused: { username: alice, secret: "\${CANARY_REFUSED_PAT}" }`,
    `  refused-scim: { org: acme, scim_token: "\${CANARY_REFUSED_SCIM}" }`,
    'agents:',
    '  admin:',
    '    credential: alice',
    '    scim_credential: acme-scim',
    keys('admin'),
    '    grants:',
    '      - { resource: "repo:*/*", access: admin }',
    '      - { resource: "org:*", access: admin }',
    '      - { resource: "scim:*", access: admin }',
    '      - { resource: account, access: admin }',
    '      - { resource: catalog, access: read }',
    '      - { resource: auth, access: admin }',
    '  org-bot:',
    '    credential: acme-oat',
    keys('org-bot'),
    '    grants: [{ resource: "org:acme", access: admin }, { resource: "repo:acme/*", access: read }]',
    '  refused:',
    '    credential: refused',
    '    scim_credential: refused-scim',
    keys('refused'),
    '    grants: [{ resource: "repo:*/*", access: read }, { resource: "scim:acme", access: read }, { resource: account, access: read }]',
    ...(options.auditFile ? [`audit: { file: "${options.auditFile}" }`] : []),
    '',
  ].join('\n');
}

interface Answer {
  isError: boolean;
  text: string;
}

/** A tool call's text, or the protocol error's message: both are what the agent reads. */
async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Answer> {
  try {
    const result = await client.callTool({ name, arguments: args });
    const text = (result.content as { text?: string }[]).map((item) => item.text ?? '').join('\n');
    return { isError: result.isError === true, text };
  } catch (error) {
    return { isError: true, text: error instanceof Error ? error.message : String(error) };
  }
}

/** What an agent, an operator or a log reader gets to see, by where it was seen. */
class Exposures {
  readonly seen: { where: string; text: string }[] = [];
  /** The new token each create-token call handed out, with where. */
  readonly created: { where: string; token: string; text: string }[] = [];

  add(where: string, text: string): void {
    this.seen.push({ where, text });
  }
}

/**
 * The secrets to look for: the canaries, every bearer the Hub saw hubgate send (and the signature
 * part alone, the part that makes a JWT worth stealing), and the tokens created along the way.
 */
function secretsOf(hub: FakeHub, exposures: Exposures): Map<string, string> {
  const secrets = new Map<string, string>(
    Object.entries(CANARY).map(([name, value]) => [value, `canary ${name}`]),
  );
  let bearers = 0;
  for (const request of hub.requests) {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) continue;
    const token = header.slice('Bearer '.length);
    if (secrets.has(token)) continue;
    bearers += 1;
    secrets.set(token, `bearer #${bearers}`);
    const signature = token.split('.')[2];
    if (signature) secrets.set(signature, `bearer #${bearers} (signature)`);
  }
  for (const { where, token } of exposures.created)
    secrets.set(token, `the token created by ${where}`);
  return secrets;
}

/** `where: secret` for every secret found in a text; except the token a result itself created. */
function leaks(
  texts: { where: string; text: string }[],
  secrets: Map<string, string>,
  except?: string,
) {
  const found: string[] = [];
  for (const { where, text } of texts) {
    for (const [value, name] of secrets) {
      if (value !== except && text.includes(value)) found.push(`${where}: ${name}`);
    }
  }
  return found;
}

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** The one result that may hold a secret: its new token, and nothing secret besides. */
function expectOnlyItsNewToken(
  created: { where: string; token: string; text: string },
  secrets: Map<string, string>,
  shape: RegExp,
): void {
  expect(created.token, created.where).toMatch(shape);
  expect(Object.values(CANARY)).not.toContain(created.token);
  expect(leaks([created], secrets, created.token), created.where).toEqual([]);
  const rest = created.text.split(created.token).join('');
  expect(rest, created.where).not.toMatch(JWT);
  expect(rest, created.where).not.toMatch(/dckr_(?:pat|oat)_/);
}

/** The representative calls, as the admin agent. Returns how many calls it made. */
async function adminCalls(client: Client, hub: FakeHub, exposures: Exposures, surface: string) {
  let calls = 0;
  const run = async (name: string, args: Record<string, unknown> = {}) => {
    calls += 1;
    const answer = await callTool(client, name, args);
    exposures.add(`${surface} ${name}`, answer.text);
    return answer;
  };
  const create = async (name: string, args: Record<string, unknown>, field: string) => {
    calls += 1;
    const answer = await callTool(client, name, args);
    expect(answer.isError, answer.text).toBe(false);
    const token = (JSON.parse(answer.text) as Record<string, unknown>)[field];
    expect(typeof token, answer.text).toBe('string');
    exposures.created.push({
      where: `${surface} ${name}`,
      token: token as string,
      text: answer.text,
    });
    return token as string;
  };

  const { tools } = await client.listTools();
  expect(tools).toHaveLength(catalog.length);
  expect(tools).toHaveLength(62);
  exposures.add(`${surface} tools/list`, JSON.stringify(tools));

  // Allowed, with the credential's bearer, and with the SCIM token.
  expect(
    (await run('get_tag', { namespace: 'library', repository: 'nginx', tag: 'latest' })).isError,
  ).toBe(false);
  expect((await run('get_repository', { namespace: 'alice', repository: 'tools' })).isError).toBe(
    false,
  );
  expect((await run('get_current_account')).isError).toBe(false);
  await run('list_personal_access_tokens', { detail: 'full' });
  await run('get_personal_access_token', { uuid: SEED.patUuids.aliceAdmin, detail: 'full' });
  await run('list_org_access_tokens', { org: 'acme', detail: 'full' });
  expect(
    (await run('create_repository', { namespace: 'alice', name: `canary-${surface}` })).isError,
  ).toBe(false);
  expect((await run('scim_list_users', {})).isError).toBe(false);
  await run('scim_get_user', { id: SEED.scimUserIds.acme.carol, detail: 'full' });

  // Invalid: refused before anything is sent, the secret still in the arguments.
  expect(
    (await run('auth_create_token', { identifier: 'alice', secret: CANARY.pat, extra: 1 })).isError,
  ).toBe(true);
  expect((await run('auth_create_token', { identifier: '', secret: CANARY.oat })).isError).toBe(
    true,
  );
  expect(
    (await run('auth_login', { username: 'alice', password: CANARY.pat, code: CANARY.scim }))
      .isError,
  ).toBe(true);
  expect(
    (await run('no_such_tool', { secret: CANARY.pat, token: CANARY.oat, scim_token: CANARY.scim }))
      .isError,
  ).toBe(true);

  // Failing at the Hub: refused secrets, missing objects, faults, an expired bearer.
  expect(
    (await run('auth_create_token', { identifier: 'alice', secret: CANARY.refusedPat })).isError,
  ).toBe(true);
  expect(
    (await run('auth_login', { username: 'alice', password: CANARY.refusedPat })).isError,
  ).toBe(true);
  expect((await run('get_repository', { namespace: 'alice', repository: 'nope' })).isError).toBe(
    true,
  );
  hub.inject({
    path: '/v2/namespaces/library/repositories/nginx/tags/alpine',
    status: 500,
    body: { detail: 'boom' },
  });
  expect(
    (await run('get_tag', { namespace: 'library', repository: 'nginx', tag: 'alpine' })).isError,
  ).toBe(true);
  hub.inject({
    path: '/v2/namespaces/library/repositories/nginx/tags/1.27',
    reset: true,
    times: 3,
  });
  expect(
    (await run('get_tag', { namespace: 'library', repository: 'nginx', tag: '1.27' })).isError,
  ).toBe(true);
  hub.inject({
    path: '/v2/namespaces/alice/repositories/tools',
    status: 429,
    retryAfterSeconds: 1,
  });
  await run('get_repository', { namespace: 'alice', repository: 'tools' });
  hub.inject({ path: /^\/v2\/scim\//, status: 401, body: { detail: 'Invalid token' } });
  expect((await run('scim_list_users', {})).isError).toBe(true);
  hub.revokeTokens();
  expect((await run('get_current_account')).isError).toBe(false);

  // The calls that hand out a new secret.
  await create('auth_create_token', { identifier: 'alice', secret: CANARY.pat }, 'access_token');
  await create('auth_create_token', { identifier: 'acme', secret: CANARY.oat }, 'access_token');
  await create('auth_login', { username: 'alice', password: CANARY.pat }, 'token');
  await create(
    'create_personal_access_token',
    { token_label: `canary-${surface}`, scopes: ['repo:read'] },
    'token',
  );
  await create(
    'create_org_access_token',
    {
      org: 'acme',
      label: `canary-${surface}`,
      resources: [{ type: 'TYPE_REPO', path: 'acme/web', scopes: ['repo-pull'] }],
    },
    'token',
  );
  // Afterwards the new tokens are metadata only.
  await run('list_personal_access_tokens', { detail: 'full' });
  await run('list_org_access_tokens', { org: 'acme', detail: 'full' });
  return calls;
}

/** The built CLI over stdio, its stderr kept. */
async function startCli(config: string, agent: string) {
  let stderr = '';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      cli,
      '--config',
      config,
      '--agent',
      agent,
      '--log-level',
      'trace',
      '--request-timeout',
      '3',
    ],
    env: ENV,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<void>((resolve) => {
    transport.stderr?.once('close', () => resolve());
    transport.stderr?.once('end', () => resolve());
  });
  const client = new Client({ name: 'canary', version: '0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    async close() {
      await client.close();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    },
  };
}

const stdioExposures = new Exposures();
const stdio = {
  hub: undefined as FakeHub | undefined,
  stderr: [] as { where: string; text: string }[],
  auditFile: join(dir, 'audit.ndjson'),
  adminCalls: 0,
  otherCalls: 0,
  checkOutput: '',
};

describe('the built CLI over stdio, at --log-level trace', () => {
  beforeAll(async () => {
    expect(existsSync(cli), 'dist/cli.js is missing: run npm run build').toBe(true);
    const hub = await startFakeHub();
    stdio.hub = hub;
    const withAudit = join(dir, 'stdio-audit-file.yaml');
    const withoutAudit = join(dir, 'stdio-audit-stderr.yaml');
    writeFileSync(withAudit, configText(hub.url, { auditFile: stdio.auditFile }));
    writeFileSync(withoutAudit, configText(hub.url));

    // The admin agent, audit records to a file.
    const admin = await startCli(withAudit, 'admin');
    try {
      stdio.adminCalls = await adminCalls(admin.client, hub, stdioExposures, 'stdio');
    } finally {
      await admin.close();
    }
    stdio.stderr.push({ where: 'stderr (admin)', text: admin.stderr() });

    // The org token's agent, audit records on stderr: refusals and a few allowed calls.
    const orgBot = await startCli(withoutAudit, 'org-bot');
    try {
      const run = async (name: string, args: Record<string, unknown>, expectError: boolean) => {
        const answer = await callTool(orgBot.client, name, args);
        expect(answer.isError, `${name}: ${answer.text}`).toBe(expectError);
        stdioExposures.add(`stdio org-bot ${name}`, answer.text);
        stdio.otherCalls += 1;
      };
      await run('list_org_members', { org: 'acme' }, false);
      await run('list_org_access_tokens', { org: 'acme', detail: 'full' }, false);
      await run('get_tag', { namespace: 'library', repository: 'nginx', tag: 'latest' }, true);
      await run('create_repository', { namespace: 'acme', name: 'nope' }, true);
      await run('auth_create_token', { identifier: 'acme', secret: CANARY.oat }, true);
      await run('list_org_members', { org: 'acme', secret: CANARY.oat }, true);
    } finally {
      await orgBot.close();
    }
    stdio.stderr.push({ where: 'stderr (org-bot)', text: orgBot.stderr() });

    // Secrets the Hub refuses: every call fails, at the token exchange or with the SCIM token.
    const refused = await startCli(withAudit, 'refused');
    try {
      for (const [name, args] of [
        ['get_tag', { namespace: 'library', repository: 'nginx', tag: 'latest' }],
        ['get_current_account', {}],
        ['scim_list_users', {}],
        ['list_personal_access_tokens', {}],
      ] as const) {
        const answer = await callTool(refused.client, name, args);
        expect(answer.isError, `${name}: ${answer.text}`).toBe(true);
        stdioExposures.add(`stdio refused ${name}`, answer.text);
        stdio.otherCalls += 1;
      }
    } finally {
      await refused.close();
    }
    stdio.stderr.push({ where: 'stderr (refused)', text: refused.stderr() });

    // What an operator runs against the same config.
    const check = await exec(process.execPath, [cli, 'check', '--config', withAudit], { env: ENV });
    const explain = await exec(
      process.execPath,
      [
        cli,
        'explain',
        '--config',
        withAudit,
        '--agent',
        'refused',
        '--tool',
        'get_current_account',
      ],
      { env: ENV },
    );
    stdio.checkOutput = check.stdout;
    stdioExposures.add('hubgate check', check.stdout + check.stderr);
    stdioExposures.add('hubgate explain', explain.stdout + explain.stderr);
  }, 60_000);
  afterAll(() => stdio.hub?.close());

  const secrets = () => secretsOf(stdio.hub as FakeHub, stdioExposures);

  it('the calls ran: bearers were issued and used, tokens created, logs and audit written', () => {
    const names = [...secrets().values()];
    expect(names.filter((name) => /^bearer #\d+$/.test(name)).length).toBeGreaterThanOrEqual(3);
    expect(stdioExposures.created).toHaveLength(5);
    expect(stdio.checkOutput).toContain('agent admin');
    const stderr = stdio.stderr.map((s) => s.text).join('');
    expect(stderr).toContain('"msg":"hubgate serving MCP over stdio"');
    expect(stderr).toContain('"msg":"audit"'); // org-bot's records went to stderr
  });

  it('no canary, bearer or created token appears on stderr', () => {
    expect(leaks(stdio.stderr, secrets())).toEqual([]);
    expect(stdio.stderr.map((s) => s.text).join('')).not.toMatch(/Bearer\s+[\w-]{8,}/);
  });

  it('no canary, bearer or created token appears in the audit file, which has every call', () => {
    const text = readFileSync(stdio.auditFile, 'utf8');
    const records = auditFileRecords(text);
    expect(records.length).toBe(stdio.adminCalls + 4);
    expect(leaks([{ where: 'audit file', text }], secrets())).toEqual([]);
    const exchange = records.find((r) => r.tool === 'auth_create_token' && r.outcome === 'ok');
    expect(exchange?.arguments).toEqual({ identifier: 'alice', secret: '[redacted]' });
  });

  it('no result or error text holds a secret but the token its own call created', () => {
    expect(stdioExposures.seen.length).toBeGreaterThan(30);
    expect(leaks(stdioExposures.seen, secrets())).toEqual([]);
  });

  it('each create-token result holds its new token, and only it', () => {
    const all = secrets();
    const [alice, acme, login, pat, oat] = stdioExposures.created;
    for (const jwt of [alice, acme, login]) {
      if (!jwt) throw new Error('a create-token call is missing');
      expectOnlyItsNewToken(jwt, all, JWT);
      // A fresh token of the Hub's, not the one hubgate itself calls with.
      expect(stdio.hub?.state.tokens.has(jwt.token)).toBe(true);
      expect(all.get(jwt.token)).toMatch(/^the token created by/);
    }
    if (!pat || !oat) throw new Error('a create-token call is missing');
    expectOnlyItsNewToken(pat, all, /^dckr_pat_/);
    expectOnlyItsNewToken(oat, all, /^dckr_oat_/);
    expect(JSON.parse(alice?.text ?? '{}')).toEqual({ access_token: alice?.token });
  });
});

const httpExposures = new Exposures();
const http = {
  hub: undefined as FakeHub | undefined,
  logs: [] as string[],
  audit: [] as AuditRecord[],
  auditFile: join(dir, 'http-audit.ndjson'),
  agentKeys: [] as string[],
  calls: 0,
};

describe('the HTTP service in-process, with a trace logger', () => {
  let service: HttpService | undefined;
  let gateway: Gateway | undefined;

  beforeAll(async () => {
    const hub = await startFakeHub();
    http.hub = hub;
    const admin = newAgentKey();
    const orgBot = newAgentKey();
    http.agentKeys.push(admin.key, orgBot.key);
    const config = parseConfig(
      configText(hub.url, { keys: { admin: admin.hash, 'org-bot': orgBot.hash } }),
      'canary-http.yaml',
      ENV,
      toolNames,
    );
    const logger = createLogger('trace', {
      write(line: string) {
        http.logs.push(line);
      },
    });
    const file = fileAuditSink(http.auditFile, logger);
    const served = await serveGateway(config, {
      logger,
      timeoutMs: 3_000,
      cacheTtlMs: 0,
      audit: {
        record(record) {
          http.audit.push(record);
          file.record(record);
        },
        reserve: (record) => file.reserve?.(record),
        close: () => file.close?.(),
      },
    });
    service = served.service;
    gateway = served.gateway;
    const { address } = served;
    const url = `http://127.0.0.1:${address.port}`;
    const headers = (key: string) => ({ Authorization: `Bearer ${key}` });

    const streamable = new Client({ name: 'canary-http', version: '0' });
    await streamable.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: headers(admin.key) },
      }),
    );
    try {
      http.calls += await adminCalls(streamable, hub, httpExposures, 'http');
    } finally {
      await streamable.close();
    }

    const sse = new Client({ name: 'canary-sse', version: '0' });
    await sse.connect(
      new SSEClientTransport(new URL(`${url}/sse`), {
        requestInit: { headers: headers(orgBot.key) },
        eventSourceInit: {
          fetch: (input, init) => {
            const withKey = new Headers(init?.headers);
            withKey.set('Authorization', `Bearer ${orgBot.key}`);
            return fetch(input, { ...init, headers: withKey });
          },
        },
      }),
    );
    try {
      for (const [name, args, expectError] of [
        ['list_org_members', { org: 'acme' }, false],
        ['get_tag', { namespace: 'library', repository: 'nginx', tag: 'latest' }, true],
        ['auth_create_token', { identifier: 'acme', secret: CANARY.oat }, true],
      ] as const) {
        const answer = await callTool(sse, name, args);
        expect(answer.isError, `${name}: ${answer.text}`).toBe(expectError);
        httpExposures.add(`sse org-bot ${name}`, answer.text);
        http.calls += 1;
      }
    } finally {
      await sse.close();
    }

    // Refused at the door: a wrong key, no key; and what /metrics tells anyone on loopback.
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '0' },
      },
    });
    const post = (key?: string) =>
      fetch(`${url}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(key ? headers(key) : {}),
        },
        body: initialize,
      });
    for (const [where, response] of [
      ['wrong key', await post(CANARY.refusedKey)],
      ['no key', await post()],
      ['metrics', await fetch(`${url}/metrics`)],
    ] as const) {
      httpExposures.add(`http ${where} (${response.status})`, await response.text());
    }
  }, 60_000);

  afterAll(async () => {
    await service?.shutdown(0);
    await gateway?.close();
    await http.hub?.close();
  });

  const secrets = () => {
    const all = secretsOf(http.hub as FakeHub, httpExposures);
    for (const [i, key] of http.agentKeys.entries()) all.set(key, `agent key #${i + 1}`);
    return all;
  };

  it('the calls ran: bearers were used, tokens created, the logger and the audit written', () => {
    const names = [...secrets().values()];
    expect(names.filter((name) => /^bearer #\d+$/.test(name)).length).toBeGreaterThanOrEqual(2);
    expect(httpExposures.created).toHaveLength(5);
    expect(http.logs.join('')).toContain('session opened');
    expect(httpExposures.seen.find((e) => e.where.startsWith('http wrong key'))?.where).toContain(
      '(401)',
    );
  });

  it('no canary, agent key, bearer or created token appears in the logs', () => {
    expect(leaks([{ where: 'logs', text: http.logs.join('') }], secrets())).toEqual([]);
  });

  it('nor in the audit, in memory or in the file, which both have every call', () => {
    const file = readFileSync(http.auditFile, 'utf8');
    expect(auditFileRecords(file)).toHaveLength(http.audit.length);
    expect(http.audit.length).toBe(http.calls);
    expect(
      leaks(
        [
          { where: 'audit (memory)', text: JSON.stringify(http.audit) },
          { where: 'audit (file)', text: file },
        ],
        secrets(),
      ),
    ).toEqual([]);
    const unknown = http.audit.find((r) => r.tool === 'no_such_tool');
    expect(unknown?.arguments).toEqual({
      secret: '[redacted]',
      token: '[redacted]',
      scim_token: '[redacted]',
    });
  });

  it('nor in any result, error text or HTTP answer, but the token a create call made', () => {
    expect(leaks(httpExposures.seen, secrets())).toEqual([]);
    const all = secrets();
    for (const created of httpExposures.created) {
      expectOnlyItsNewToken(created, all, /^(?:eyJ|dckr_pat_|dckr_oat_)/);
    }
  });
});

describe('a token answer the Hub garbles', () => {
  /** A session whose first call meets a token answer cut short before its closing brace. */
  async function garbled(bearer: (hub: FakeHub) => string) {
    const h = await startHarness({
      agent: ADMIN_AGENT,
      credential: { username: 'alice', secret: CANARY.pat },
    });
    try {
      const token = bearer(h.hub);
      h.hub.inject({
        method: 'POST',
        path: '/v2/auth/token',
        rawBody: `{"access_token":"${token}"`,
      });
      const result = await h.call('get_tag', {
        namespace: 'library',
        repository: 'nginx',
        tag: 'latest',
      });
      expect(result.isError).toBe(true);
      // Unreadable, not refused: the Hub said 200 but its answer did not parse.
      expect(result.text).toMatch(
        /^Docker Hub answered 200 to POST \/v2\/auth\/token with a body that is not valid JSON/,
      );
      return { token, text: result.text, audit: JSON.stringify(h.audit) };
    } finally {
      await h.close();
    }
  }

  it("never shows the signature of the Hub's JWT in the error", async () => {
    const { token, text, audit } = await garbled((hub) => {
      const alice = hub.state.users.get('alice');
      if (!alice) throw new Error('the seed lost alice');
      return issueToken(hub.state, alice, 'repo:admin', 3_600);
    });
    const signature = token.split('.')[2] as string;
    expect(text).not.toContain(signature);
    expect(audit).not.toContain(signature);
    expect(text).not.toContain(CANARY.pat);
  });

  it('does not quote the token answer at all: a short token would show whole', async () => {
    // An answer of the token exchange is never quoted: a garbled one may hold a token, and a
    // short token would show whole.
    const opaque = 'opaque_CANARY_bearer_Tz4Kp9Wq2Ld7';
    const { text, audit } = await garbled(() => opaque);
    expect(text).not.toContain(opaque);
    expect(audit).not.toContain(opaque);
  });
});
