/**
 * `npm run demo`: hubgate's main job, offline. It starts the Docker Hub stand-in from
 * test/fake-hub, writes a policy with three agents (a read-only assistant, a CI bot allowed to
 * write one repository, and a release bot whose writes a person approves first), runs the built
 * hubgate over stdio once per agent through the MCP SDK's own client, and shows what each agent
 * sees, what it may do, what it may not and why, the approval asked and answered (one yes, one
 * no), and the audit records left behind. Exits 0 when every call was decided as the policy says.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { SEED, startFakeHub } from '../test/fake-hub/index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

interface Step {
  tool: string;
  args: Record<string, unknown>;
  /** What the policy must decide. */
  expect: 'allowed' | 'refused';
  /** For a call a person must approve: what the person (played by the demo) answers. */
  answer?: boolean;
}

const PLAN: Record<string, { about: string; steps: Step[] }> = {
  assistant: {
    about: 'a read-only assistant: reads any repository, searches the catalog, changes nothing',
    steps: [
      { tool: 'search_catalog', args: { query: 'nginx', page_size: 2 }, expect: 'allowed' },
      {
        tool: 'get_tag',
        args: { namespace: 'library', repository: 'nginx', tag: 'latest' },
        expect: 'allowed',
      },
      { tool: 'create_repository', args: { namespace: 'acme', name: 'sneaky' }, expect: 'refused' },
      {
        tool: 'update_repository',
        args: { namespace: 'acme', repository: 'app', description: 'x' },
        expect: 'refused',
      },
    ],
  },
  'ci-bot': {
    about: 'a CI bot: may write acme/app and read library/*, nothing else',
    steps: [
      {
        tool: 'update_repository',
        args: { namespace: 'acme', repository: 'app', description: 'Built by CI' },
        expect: 'allowed',
      },
      {
        tool: 'list_tags',
        args: { namespace: 'acme', repository: 'app', page_size: 3 },
        expect: 'allowed',
      },
      {
        tool: 'update_repository',
        args: { namespace: 'acme', repository: 'web', description: 'x' },
        expect: 'refused',
      },
      {
        tool: 'get_tag',
        args: { namespace: 'bob', repository: 'secret', tag: 'latest' },
        expect: 'refused',
      },
    ],
  },
  'release-bot': {
    about: 'a release bot: may write acme/app, but a person approves each call first',
    steps: [
      {
        tool: 'update_repository',
        args: { namespace: 'acme', repository: 'app', description: 'Release 1.2' },
        answer: true,
        expect: 'allowed',
      },
      {
        tool: 'update_repository',
        args: { namespace: 'acme', repository: 'app', description: 'Deprecated' },
        answer: false,
        expect: 'refused',
      },
    ],
  },
};

const line = (text = '') => process.stdout.write(`${text}\n`);
const short = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…` : text);

async function main(): Promise<number> {
  const hub = await startFakeHub();
  const dir = mkdtempSync(join(tmpdir(), 'hubgate-demo-'));
  const config = join(dir, 'hubgate.yaml');
  const audit = join(dir, 'audit.ndjson');
  writeFileSync(
    config,
    `# The demo's policy. The secrets are the stand-in Hub's, passed in from the environment.
hub: { url: "${hub.url}" }
credentials:
  alice-read: { username: alice, secret: "\${DEMO_READ_TOKEN}" }
  alice-ci: { username: alice, secret: "\${DEMO_WRITE_TOKEN}" }
agents:
  assistant:
    credential: alice-read
    grants:
      - { resource: "repo:*/*", access: read }
      - { resource: catalog, access: read }
  ci-bot:
    credential: alice-ci
    grants:
      - { resource: "repo:acme/app", access: write }
      - { resource: "repo:library/*", access: read }
  release-bot:
    credential: alice-ci
    grants:
      - { resource: "repo:acme/app", access: write, approve: always }
audit: { file: "${audit}" }
`,
  );
  line('hubgate demo: three agents, one Docker Hub (a local stand-in), one policy');
  line(`policy: ${config}`);

  let surprises = 0;
  try {
    for (const [agent, { about, steps }] of Object.entries(PLAN)) {
      line();
      line(`━━ agent ${agent}: ${about}`);
      // The demo's client can ask its user to approve a call (form elicitation); the user's
      // answers are the plan's.
      const client = new Client(
        { name: 'hubgate-demo', version: '1' },
        { capabilities: { elicitation: { form: {} } } },
      );
      const answers = steps.flatMap((step) => (step.answer === undefined ? [] : [step.answer]));
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        const approve = answers.shift() ?? false;
        const asked = String(request.params.message).split('\n')[0];
        line(
          `      ? hubgate asks the user: ${asked} → the user answers ${approve ? 'yes' : 'no'}`,
        );
        return { action: 'accept', content: { approve } };
      });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [cli, '--config', config, '--agent', agent, '--log-level', 'warn'],
          env: {
            PATH: process.env.PATH ?? '',
            DEMO_READ_TOKEN: SEED.pats.aliceRead,
            DEMO_WRITE_TOKEN: SEED.pats.aliceWrite,
          },
          stderr: 'ignore',
        }),
      );
      try {
        const { tools } = await client.listTools();
        line(`sees ${tools.length} tools: ${tools.map((tool) => tool.name).join(', ')}`);
        for (const step of steps) {
          const result = await client.callTool({ name: step.tool, arguments: step.args });
          const text = (result.content as { text?: string }[])[0]?.text ?? '';
          const refused = result.isError === true && text.startsWith('Refused by hubgate');
          const outcome = refused ? 'refused' : result.isError ? 'error' : 'allowed';
          const mark = outcome === step.expect ? '✓' : '✗ UNEXPECTED';
          if (outcome !== step.expect) surprises += 1;
          line(`  ${mark} ${outcome.padEnd(7)} ${step.tool} ${JSON.stringify(step.args)}`);
          line(`      → ${short(text)}`);
        }
      } finally {
        await client.close();
      }
    }

    line();
    line(`━━ audit records (${audit})`);
    // An allowed call has its intent record (written before anything is sent) and its outcome.
    const lines = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    const records = lines.filter((record) => record.outcome !== 'pending');
    for (const record of records) {
      const approval = record.approval ? ` [approval: ${record.approval.decision}]` : '';
      line(
        `  ${record.agent.padEnd(11)} ${record.decision.padEnd(5)} ${record.tool.padEnd(17)} ` +
          `${(record.resources as string[]).join(',').padEnd(22)} ${short(record.reason, 90)}${approval}`,
      );
    }
    const expected = Object.values(PLAN).reduce((n, plan) => n + plan.steps.length, 0);
    if (records.length !== expected) {
      line(`✗ UNEXPECTED: ${records.length} audit records for ${expected} calls`);
      surprises += 1;
    }
    line();
    line(
      `Hub requests the stand-in received: ${hub.apiRequests().length} (refused calls sent none)`,
    );
  } finally {
    await hub.close();
  }
  line(
    surprises === 0
      ? 'demo: every call was decided as the policy says'
      : `demo: ${surprises} surprise(s)`,
  );
  return surprises === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
