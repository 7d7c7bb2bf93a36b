/**
 * The audit guarantee on a disk that really fills: the audit file lives on a tmpfs of a few pages
 * that the test fills itself, so writes fail the way they do in production (ENOSPC, and short
 * writes when a record only partly fits). Where the machine does not allow a mount, the same
 * steps run against an injected write error with the same capacity rules (`writeSync` on the
 * audit file takes what room is left, then fails with ENOSPC).
 *
 * Whatever happens, nothing reaches the Hub without its intent record on disk, and the file
 * stays one whole JSON record a line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { fileAuditSink } from '../../src/audit/sinks.js';
import type { CallContext } from '../../src/gateway/call.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_ADMIN, configFor, createTestGateway } from '../helpers/harness.js';

const PAGE = 4096;

/** The injected disk: bytes left on it for the audit file's inode, and writes it cut short. */
const injected = {
  inode: -1,
  room: Number.POSITIVE_INFINITY,
  shortWrites: 0,
  onWrite(wanted: number, written: number) {
    if (written > 0 && written < wanted) injected.shortWrites += 1;
  },
};

vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  const { writeSyncOnSmallDisk } = await import('../helpers/small-disk.js');
  const writeSync = writeSyncOnSmallDisk(real, () => injected);
  return { ...real, default: { ...real, writeSync }, writeSync };
});

/** A small disk: a real tmpfs, or the injected one. */
interface SmallDisk {
  kind: 'tmpfs' | 'injected';
  dir: string;
  /** Leaves no room at all. */
  fill(): void;
  /** Makes room for `pages` pages more. */
  free(pages: number): void;
  close(): void;
}

/** A tmpfs of 16 pages, where the machine lets the test mount one. */
function tmpfsDisk(): SmallDisk | undefined {
  const dir = fs.mkdtempSync(join(tmpdir(), 'hubgate-disk-full-'));
  const filler = join(dir, 'filler');
  try {
    if (process.getuid?.() !== 0) throw new Error('not root');
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${16 * PAGE}`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    kind: 'tmpfs',
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      const page = Buffer.alloc(PAGE, 0x2e);
      try {
        for (;;) fs.writeSync(fd, page);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
    },
    free(pages) {
      const size = fs.statSync(filler).size;
      fs.truncateSync(filler, Math.max(0, size - pages * PAGE));
    },
    close() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function injectedDisk(): SmallDisk {
  const dir = fs.mkdtempSync(join(tmpdir(), 'hubgate-disk-full-'));
  injected.room = Number.POSITIVE_INFINITY;
  injected.shortWrites = 0;
  return {
    kind: 'injected',
    dir,
    fill() {
      injected.room = 0;
    },
    free(pages) {
      injected.room += pages * PAGE;
    },
    close() {
      injected.inode = -1;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const AGENT = {
  name: 'bot',
  grants: [
    { resource: 'repo:library/*', access: 'read' as const },
    { resource: 'org:acme', access: 'write' as const },
  ],
};
const context: CallContext = { transport: 'stdio', session: null };

const tmpfs = tmpfsDisk();
/** The injected disk always runs; the tmpfs too where the machine allows a mount. */
const disks: [string, () => SmallDisk][] = [
  ...(tmpfs ? [['a tmpfs of 16 pages', () => tmpfs] as [string, () => SmallDisk]] : []),
  ['an injected write error', injectedDisk],
];

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub?.close();
  tmpfs?.close();
});

const onDisk = (path: string): AuditRecord[] =>
  fs
    .readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditRecord);

const groupName = (request: { rawBody: string }) =>
  (JSON.parse(request.rawBody) as { name: string }).name;

describe.each(disks)('the audit guarantee on a full disk: %s', (_name, makeDisk) => {
  it('sends nothing whose intent record is not on disk, and keeps the file whole', async () => {
    const disk = makeDisk();
    const auditPath = join(disk.dir, 'audit.ndjson');
    const sink = fileAuditSink(auditPath, pino({ level: 'silent' }));
    if (disk.kind === 'injected') injected.inode = fs.statSync(auditPath).ino;
    const gateway = createTestGateway(configFor(AGENT, ALICE_ADMIN), hub, { audit: sink });
    try {
      await fullDisk(disk, gateway, auditPath);
    } finally {
      await gateway.close();
      if (disk.kind === 'injected') disk.close();
    }
  });
});

async function fullDisk(disk: SmallDisk, gateway: Gateway, auditPath: string): Promise<void> {
  disk.fill();
  hub.clearRequests();

  // Full: the allowed call is refused with nothing sent, and the gateway says it is unhealthy.
  const refused = await gateway.call(
    'bot',
    'create_org_group',
    { org: 'acme', name: `${disk.kind}-full` },
    context,
  );
  expect(refused.isError).toBe(true);
  expect(refused.content[0].text).toMatch(/its audit record could not be written/);
  expect(hub.apiRequests()).toEqual([]);
  expect(gateway.auditHealthy()).toBe(false);

  // One page of room: calls go through until a record no longer fits; the one that does not
  // fit whole is taken back, so every line on disk parses.
  disk.free(1);
  let sent = 0;
  let refusedAt = -1;
  for (let i = 1; i <= 30 && refusedAt === -1; i += 1) {
    const result = await gateway.call(
      'bot',
      'create_org_group',
      { org: 'acme', name: `${disk.kind}-page-${i}` },
      context,
    );
    if (result.isError) {
      if (/audit record could not be written/.test(result.content[0].text)) refusedAt = i;
      else throw new Error(result.content[0].text);
    } else sent += 1;
  }
  expect(sent).toBeGreaterThan(0);
  expect(refusedAt).toBeGreaterThan(0);

  const records = onDisk(auditPath); // throws on a partly written line
  const intents = records.filter((record) => record.outcome === 'pending');
  const requests = hub.apiRequests().filter((request) => request.method === 'POST');
  // Every call the Hub received has its intent on disk; no intent without its call.
  expect(requests.map(groupName).sort()).toEqual(
    intents.map((record) => (record.arguments as { name: string }).name).sort(),
  );
  expect(requests.map(groupName)).not.toContain(`${disk.kind}-page-${refusedAt}`);
  expect(fs.statSync(auditPath).size).toBeLessThanOrEqual(PAGE);
  // The page filled at some record: the outcome of the last call sent may be the one lost.
  expect(records.filter((record) => record.outcome === 'ok').length).toBeGreaterThanOrEqual(
    sent - 1,
  );

  // Room again: the next call is recorded before and after, and the gateway is healthy.
  disk.free(8);
  hub.clearRequests();
  const ok = await gateway.call(
    'bot',
    'create_org_group',
    { org: 'acme', name: `${disk.kind}-after` },
    context,
  );
  expect(ok.isError, ok.content[0].text).toBeUndefined();
  expect(gateway.auditHealthy()).toBe(true);
  expect(
    onDisk(auditPath)
      .filter((record) => (record.arguments as { name?: string }).name === `${disk.kind}-after`)
      .map((record) => record.outcome),
  ).toEqual(['pending', 'ok']);
  expect(hub.apiRequests().map(groupName)).toEqual([`${disk.kind}-after`]);
  if (disk.kind === 'injected') expect(injected.shortWrites).toBeGreaterThan(0);
}
