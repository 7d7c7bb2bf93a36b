/**
 * tools/list size: the bytes of the JSON-RPC answer to tools/list over stdio, for an agent granted
 * everything at admin with a SCIM credential (the whole catalog) and for a read-only agent.
 */
import { startFakeHub } from '../test/fake-hub/index.js';
import {
  type AgentSpec,
  type Benchmark,
  CREDENTIAL_ENV,
  childEnv,
  importDist,
  kib,
  RawStdio,
  ratio,
  round,
  workDir,
  writeConfig,
} from './common.js';

const TARGET_BYTES = 48 * 1024;

const AGENTS: Record<string, AgentSpec> = {
  everything: {
    credential: 'alice-admin',
    scim: true,
    grants: [
      'repo:*/*=admin',
      'org:*=admin',
      'scim:*=admin',
      'account=admin',
      'catalog=admin',
      'auth=admin',
    ],
  },
  'read-only': {
    credential: 'alice-read',
    grants: ['repo:*/*=read', 'catalog=read', 'account=read'],
  },
};

async function listTools(config: string, agent: string): Promise<{ bytes: number; tools: number }> {
  const hubgate = new RawStdio(
    ['--config', config, '--agent', agent, '--log-level', 'warn'],
    childEnv(CREDENTIAL_ENV),
  );
  try {
    await hubgate.initialize();
    const answer = await hubgate.request('tools/list');
    return { bytes: answer.bytes, tools: (answer.message.result?.tools ?? []).length };
  } finally {
    await hubgate.close();
  }
}

export const toolsListSize: Benchmark = {
  id: 'tools-list',
  name: 'tools/list size',
  target: `full ≤ ${kib(TARGET_BYTES)}`,
  async run() {
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const dir = workDir('tools-list');
    let full: { bytes: number; tools: number };
    let readOnly: { bytes: number; tools: number };
    try {
      const config = writeConfig(dir.path, hub.url, AGENTS);
      full = await listTools(config, 'everything');
      readOnly = await listTools(config, 'read-only');
    } finally {
      await hub.close();
      dir.remove();
    }
    const { catalog } = await importDist<{ catalog: readonly unknown[] }>('tools/index.js');
    if (full.tools !== catalog.length) {
      throw new Error(`the full agent saw ${full.tools} of the catalog's ${catalog.length} tools`);
    }
    return {
      figure: `full ${kib(full.bytes)}, read-only ${kib(readOnly.bytes)}`,
      met: full.bytes <= TARGET_BYTES,
      note:
        `${full.bytes} B for all ${full.tools} tools (${Math.round(full.bytes / full.tools)} B/tool); ` +
        `read-only ${readOnly.bytes} B for ${readOnly.tools} tools ` +
        `(${ratio(readOnly.bytes / full.bytes)} of full)`,
      data: {
        fullBytes: full.bytes,
        fullTools: full.tools,
        readOnlyBytes: readOnly.bytes,
        readOnlyTools: readOnly.tools,
        readOnlyToFull: round(readOnly.bytes / full.bytes, 3),
        targetBytes: TARGET_BYTES,
      },
    };
  },
};
