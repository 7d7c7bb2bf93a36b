/**
 * Session memory: the RSS growth of a `hubgate http` child per idle Streamable HTTP session, over
 * 1,000 sessions (initialize + notifications/initialized each, then left alone), read from
 * /proc/<pid>/status before and after. A few sessions are opened first so the code paths are
 * loaded before the "before" reading; /metrics confirms the sessions are all open.
 */
import { Pool } from 'undici';
import { startFakeHub } from '../test/fake-hub/index.js';
import {
  type Benchmark,
  CREDENTIAL_ENV,
  childEnv,
  type HttpChild,
  kib,
  newKey,
  RawHttpSession,
  round,
  rssOf,
  sleep,
  startHttpChild,
  workDir,
  writeConfig,
} from './common.js';

const SESSIONS = 1_000;
const WARM_SESSIONS = 20;
const OPENING_CONCURRENCY = 10;
const SETTLE_MS = 1_500;
const TARGET_BYTES = 100 * 1024;

async function openMany(pool: Pool, key: string, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: OPENING_CONCURRENCY }, async () => {
      while (next < count) {
        next += 1;
        await RawHttpSession.open(pool, key);
      }
    }),
  );
}

async function sessionsOpen(pool: Pool): Promise<number> {
  const response = await pool.request({ path: '/metrics', method: 'GET' });
  const text = await response.body.text();
  const match = /^hubgate_sessions_open\{transport="http"\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export const sessionMemory: Benchmark = {
  id: 'session-memory',
  name: 'session memory',
  target: `≤ ${kib(TARGET_BYTES)} per session`,
  async run() {
    const hub = await startFakeHub({ rateLimit: 1_000_000 });
    const dir = workDir('session-memory');
    const key = await newKey();
    const config = writeConfig(dir.path, hub.url, {
      idler: { credential: 'alice-read', keys: [key.hash], grants: ['repo:*/*=read'] },
    });
    let service: HttpChild | undefined;
    let pool: Pool | undefined;
    let before = 0;
    let after = 0;
    let open = 0;
    try {
      service = await startHttpChild(
        config,
        // One agent holds them all here: the per-agent cap (default 100) is not what is measured.
        ['--max-sessions', String(SESSIONS * 2), '--max-sessions-per-agent', String(SESSIONS * 2)],
        childEnv(CREDENTIAL_ENV),
      );
      pool = new Pool(service.origin, { connections: OPENING_CONCURRENCY });
      await openMany(pool, key.key, WARM_SESSIONS);
      await sleep(SETTLE_MS);
      before = rssOf(service.pid);
      await openMany(pool, key.key, SESSIONS);
      await sleep(SETTLE_MS);
      after = rssOf(service.pid);
      open = await sessionsOpen(pool);
    } finally {
      await pool?.close();
      await service?.stop();
      await hub.close();
      dir.remove();
    }
    if (open !== WARM_SESSIONS + SESSIONS) {
      throw new Error(`${open} sessions open, expected ${WARM_SESSIONS + SESSIONS}`);
    }
    const perSession = (after - before) / SESSIONS;
    return {
      figure: `${kib(perSession)} per session`,
      met: perSession <= TARGET_BYTES,
      note:
        `RSS ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MB over ` +
        `${SESSIONS} idle sessions (${open} open at the end, per /metrics)`,
      data: {
        bytesPerSession: Math.round(perSession),
        rssBeforeBytes: before,
        rssAfterBytes: after,
        sessions: SESSIONS,
        sessionsOpenAtEnd: open,
        ratioToTarget: round(perSession / TARGET_BYTES, 3),
      },
    };
  },
};
