/**
 * Rate-limited calls collapse: a flood leaves one record per window with a count, not one per
 * call, so that a key over its limit cannot fill the audit disk; every call is still counted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditRecord, CallFacts } from '../../src/audit/record.js';
import { RateLimitTally, TALLY_WINDOW_MS } from '../../src/gateway/rate-limit-tally.js';
import { REDACTED } from '../../src/secrets.js';

const facts = (tool: string, session: string | null = 's1', agent = 'bot'): CallFacts => ({
  agent,
  transport: 'http',
  session,
  tool,
  access: 'read',
  started: performance.now(),
  rawArgs: { namespace: 'acme', repository: 'web', token: 'hunter2' },
});

let records: AuditRecord[];
let tally: RateLimitTally;
beforeEach(() => {
  vi.useFakeTimers();
  records = [];
  tally = new RateLimitTally((record) => records.push(record));
});
afterEach(() => {
  vi.useRealTimers();
});

const covered = () => records.reduce((sum, record) => sum + (record.count ?? 1), 0);

describe('the rate-limit tally', () => {
  it('records the first refusal whole, and the rest of its window as one record with a count', () => {
    for (let i = 0; i < 19; i += 1) tally.refused(facts(i % 3 === 0 ? 'list_tags' : 'get_tag'), 7);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      tool: 'list_tags',
      reason: 'rate limit: retry in 7 s',
      arguments: { namespace: 'acme', repository: 'web', token: REDACTED },
    });
    expect(records[0]).not.toHaveProperty('count');
    vi.advanceTimersByTime(TALLY_WINDOW_MS);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      agent: 'bot',
      tool: '(several)',
      access: null,
      session: 's1',
      decision: 'deny',
      outcome: 'denied',
      count: 18,
      tools: { get_tag: 12, list_tags: 6 },
      arguments: {},
    });
    expect(Object.keys(records[1]?.tools ?? {})).toEqual(['get_tag', 'list_tags']);
    expect(covered()).toBe(19);
  });

  it('keeps a flood that goes on to one record a window', () => {
    // 10 s of 1,000 refused calls a second.
    for (let ms = 0; ms < 10_000; ms += 1) {
      tally.refused(facts('get_tag', ms % 2 ? 's1' : 's2'), 1);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(TALLY_WINDOW_MS * 2);
    expect(records.length).toBeLessThanOrEqual(12);
    expect(covered()).toBe(10_000);
    // Two sessions: the tally cannot name one.
    expect(records.filter((record) => record.count).every((r) => r.session === null)).toBe(true);
  });

  it('records the next refusal whole once a quiet window has passed', () => {
    tally.refused(facts('get_tag'), 1);
    vi.advanceTimersByTime(TALLY_WINDOW_MS);
    tally.refused(facts('list_tags'), 1);
    expect(records.map((record) => [record.tool, record.count])).toEqual([
      ['get_tag', undefined],
      ['list_tags', undefined],
    ]);
  });

  it('tallies each agent on its own', () => {
    tally.refused(facts('get_tag', 's1', 'a'), 1);
    tally.refused(facts('get_tag', 's1', 'b'), 1);
    tally.refused(facts('get_tag', 's1', 'a'), 1);
    expect(records.map((record) => record.agent)).toEqual(['a', 'b']);
    vi.advanceTimersByTime(TALLY_WINDOW_MS);
    expect(records.map((record) => [record.agent, record.count])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['a', 1],
    ]);
  });

  it('writes what is open when flushed (at shutdown), and nothing later', () => {
    for (let i = 0; i < 5; i += 1) tally.refused(facts('get_tag'), 1);
    tally.flush();
    expect(records.map((record) => record.count)).toEqual([undefined, 4]);
    vi.advanceTimersByTime(TALLY_WINDOW_MS * 5);
    expect(records).toHaveLength(2);
  });

  it('keeps at most 20 tool names, the rest under "(other)"', () => {
    for (let i = 0; i < 31; i += 1) tally.refused(facts(`tool_${i}`), 1);
    vi.advanceTimersByTime(TALLY_WINDOW_MS);
    const tools = records[1]?.tools ?? {};
    expect(Object.keys(tools)).toHaveLength(21);
    expect(tools['(other)']).toBe(10);
  });
});
