/**
 * The audit file's committed records: those of one turn of the event loop share one write (a
 * write costs far more than its bytes, and 50 calls at once would otherwise pay 100 of them),
 * and still each call waits for its own records before it goes on.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import { AuditWriteError, fileAuditSink } from '../../src/audit/sinks.js';
import { type FakeHub, startFakeHub } from '../fake-hub/index.js';
import { ALICE_READ, configFor, createTestGateway } from '../helpers/harness.js';

/** Writes to the watched file: how many, and whether the next one fails after `room` bytes. */
const watched = {
  inode: -1,
  writes: 0,
  room: Number.POSITIVE_INFINITY,
  onWrite() {
    watched.writes += 1;
  },
};

vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  const { writeSyncOnSmallDisk } = await import('../helpers/small-disk.js');
  const writeSync = writeSyncOnSmallDisk(real, () => watched);
  return { ...real, default: { ...real, writeSync }, writeSync };
});

const folder = fs.mkdtempSync(join(tmpdir(), 'hubgate-audit-commit-'));
let files = 0;

/** A fresh audit file, watched, and its sink. */
function openWatched() {
  files += 1;
  const path = join(folder, `audit-${files}.ndjson`);
  const sink = fileAuditSink(path, pino({ level: 'silent' }));
  watched.inode = fs.statSync(path).ino;
  const lines = () =>
    fs
      .readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditRecord);
  return { path, sink, lines };
}

const made = (session: string): AuditRecord => ({
  time: '2026-12-03T00:00:00.000Z',
  agent: 'bot',
  transport: 'http',
  session,
  tool: 'get_tag',
  resources: ['repo:library/nginx'],
  access: 'read',
  decision: 'allow',
  reason: 'granted by repo:library/* (read)',
  outcome: 'ok',
  hub_status: 200,
  duration_ms: 1,
  arguments: { namespace: 'library', repository: 'nginx', tag: 'latest' },
});

beforeEach(() => {
  watched.writes = 0;
  watched.room = Number.POSITIVE_INFINITY;
});

afterAll(() => {
  watched.inode = -1;
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('records committed to the audit file', () => {
  it('share one write within a turn of the event loop, in the order they were made', async () => {
    const { sink, lines } = openWatched();
    const onDiskWhenSettled: string[][] = [];
    const commits = ['a', 'b', 'c'].map((session) =>
      sink.commit?.(made(session)).then(() => {
        onDiskWhenSettled.push(lines().map((line) => line.session as string));
      }),
    );
    // Not yet written: they wait for the other I/O of this turn.
    expect(lines()).toEqual([]);
    await Promise.all(commits);
    expect(watched.writes).toBe(1);
    expect(lines().map((line) => line.session)).toEqual(['a', 'b', 'c']);
    // Each settled with its line (and its batch) already on disk.
    expect(onDiskWhenSettled).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    sink.close?.();
  });

  it('come before a record written at once after them, and are written by close()', async () => {
    const { sink, lines } = openWatched();
    const first = sink.commit?.(made('committed'));
    sink.record(made('at once'));
    expect(lines().map((line) => line.session)).toEqual(['committed', 'at once']);
    await first;

    const last = sink.commit?.(made('before close'));
    sink.close?.();
    await last;
    expect(lines().map((line) => line.session)).toEqual(['committed', 'at once', 'before close']);
    await expect(sink.commit?.(made('after close'))).rejects.toThrow(/the audit file is closed/);
  });

  it('all fail together when their write cannot be made whole, and leave no part line', async () => {
    const { path, sink, lines } = openWatched();
    await sink.commit?.(made('kept'));
    const before = fs.readFileSync(path, 'utf8');
    // Room for one record and a half: the write is cut short, then refused.
    watched.room = Math.floor(1.5 * `${JSON.stringify(made('x'))}\n`.length);
    const outcomes = await Promise.allSettled(
      ['x', 'y', 'z'].map((session) => sink.commit?.(made(session))),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(AuditWriteError);
    }
    expect(fs.readFileSync(path, 'utf8')).toBe(before);
    expect(sink.healthy?.()).toBe(false);

    watched.room = Number.POSITIVE_INFINITY;
    await sink.commit?.(made('again'));
    expect(lines().map((line) => line.session)).toEqual(['kept', 'again']);
    expect(sink.healthy?.()).toBe(true);
    sink.close?.();
  });
});

describe('calls in flight together', () => {
  let hub: FakeHub;
  beforeAll(async () => {
    hub = await startFakeHub();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('each answer after their own records are on disk, with fewer writes than records', async () => {
    const { sink, lines } = openWatched();
    const gateway = createTestGateway(
      configFor(
        { name: 'bot', grants: [{ resource: 'repo:library/*', access: 'read' }] },
        ALICE_READ,
      ),
      hub,
      { audit: sink },
    );
    const CALLS = 30;
    try {
      hub.clearRequests();
      const seenAtAnswer = await Promise.all(
        Array.from({ length: CALLS }, async (_, i) => {
          const session = `session-${i}`;
          const result = await gateway.call(
            'bot',
            'get_tag',
            { namespace: 'library', repository: 'nginx', tag: 'latest' },
            { transport: 'http', session },
          );
          expect(result.isError, result.content[0].text).toBeUndefined();
          return lines()
            .filter((line) => line.session === session)
            .map((line) => line.outcome);
        }),
      );
      // The intent before the Hub was reached, the outcome before the answer.
      for (const outcomes of seenAtAnswer) expect(outcomes).toEqual(['pending', 'ok']);
      expect(lines()).toHaveLength(2 * CALLS);
      expect(hub.apiRequests().length).toBeGreaterThan(0);
      expect(watched.writes).toBeLessThan(CALLS);
    } finally {
      await gateway.close();
    }
  });
});
