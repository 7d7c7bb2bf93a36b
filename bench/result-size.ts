/**
 * Result size: list_tags for 100 tags (a repository seeded with 120, half of them multi-arch,
 * page_size 100), the compact default against detail "full". The figure is the bytes of the
 * result's text, what the model reads; the JSON-RPC answer's bytes are recorded too.
 */
import { AMD64, ARM64, addRepo, addTag, seedTime, startFakeHub } from '../test/fake-hub/index.js';
import {
  type Benchmark,
  CREDENTIAL_ENV,
  childEnv,
  kib,
  RawStdio,
  ratio,
  round,
  workDir,
  writeConfig,
} from './common.js';

const TAGS = 120;
const PAGE = 100;
const TARGET = 0.25;

export const resultSize: Benchmark = {
  id: 'result-size',
  name: 'result size',
  target: `compact ≤ ${TARGET}× full`,
  async run() {
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const repo = addRepo(hub.state, {
      namespace: 'library',
      name: 'bench-tags',
      description: 'A repository with many tags, for the result-size benchmark',
      createdAt: seedTime(0),
    });
    for (let i = 0; i < TAGS; i++) {
      addTag(hub.state, repo, {
        name: tagName(i),
        pushedAt: seedTime(i + 1),
        platforms: i % 2 === 0 ? [AMD64, ARM64] : [AMD64],
      });
    }
    const dir = workDir('result-size');
    const config = writeConfig(dir.path, hub.url, {
      reader: { credential: 'alice-read', grants: ['repo:*/*=read'] },
    });
    const hubgate = new RawStdio(
      ['--config', config, '--agent', 'reader', '--log-level', 'warn'],
      childEnv(CREDENTIAL_ENV),
    );
    const args = { namespace: 'library', repository: 'bench-tags', page_size: PAGE };
    let compact: Awaited<ReturnType<RawStdio['callTool']>>;
    let full: Awaited<ReturnType<RawStdio['callTool']>>;
    try {
      await hubgate.initialize();
      compact = await hubgate.callTool('list_tags', args);
      full = await hubgate.callTool('list_tags', { ...args, detail: 'full' });
    } finally {
      await hubgate.close();
      await hub.close();
      dir.remove();
    }
    for (const [which, result] of [
      ['compact', compact],
      ['full', full],
    ] as const) {
      if (result.isError) throw new Error(`list_tags (${which}) failed: ${result.text}`);
      // Newest first: the first page holds the last PAGE tags pushed, and only those.
      const listed = Array.from({ length: TAGS }, (_, i) => i).filter((i) =>
        result.text.includes(tagName(i)),
      );
      if (listed.length !== PAGE || listed[0] !== TAGS - PAGE) {
        throw new Error(`list_tags (${which}) answered ${listed.length} of the expected tags`);
      }
    }
    const figure = compact.textBytes / full.textBytes;
    return {
      figure: ratio(figure),
      met: figure <= TARGET,
      note:
        `${PAGE} tags: compact ${kib(compact.textBytes)}, full ${kib(full.textBytes)} of text; ` +
        `on the wire ${ratio(compact.wireBytes / full.wireBytes)}`,
      data: {
        ratio: round(figure, 3),
        compactTextBytes: compact.textBytes,
        fullTextBytes: full.textBytes,
        compactWireBytes: compact.wireBytes,
        fullWireBytes: full.wireBytes,
        wireRatio: round(compact.wireBytes / full.wireBytes, 3),
        tags: PAGE,
      },
    };
  },
};

/** Distinct, none a substring of another: `build-007`. */
function tagName(i: number): string {
  return `build-${String(i).padStart(3, '0')}`;
}
