/**
 * Policy cost: authorize() from dist/policy/authorize.js for an agent with 1,000 grants, where
 * only the last grant covers the call (the whole list is read), against a baseline loop of 1,000
 * string comparisons (a scan of the grants' resources for the last one's). Both are timed in batches sized
 * to take about two milliseconds, interleaved, and the median per call is taken.
 */
import { performance } from 'node:perf_hooks';
import { type Benchmark, importDist, median, ratio, round } from './common.js';

const GRANTS = 1_000;
const RUNS = 301;
const TARGET_US = 5;
const WARMUP_MS = 300;
const BATCH_MS = 2;

type Access = 'read' | 'write' | 'admin';
interface Grant {
  resource: string;
  access: Access;
}
interface Need {
  resource: string;
  access: Access;
}
interface AuthorizeModule {
  authorize(
    agent: { name: string; grants: readonly Grant[] },
    tool: string,
    needs: Need[],
  ): { allowed: boolean };
}

function warm(op: () => void, ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) for (let i = 0; i < 10; i++) op();
}

/** Calls per batch so that one batch takes about `ms`. */
function batchFor(op: () => void, ms: number): number {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) op();
    if (performance.now() - start >= ms || batch >= 1 << 20) return batch;
    batch *= 2;
  }
}

function timeBatch(op: () => void, batch: number): number {
  const start = performance.now();
  for (let i = 0; i < batch; i++) op();
  return ((performance.now() - start) * 1000) / batch;
}

export const policyCost: Benchmark = {
  id: 'policy-cost',
  name: 'policy cost',
  target: `≤ ${TARGET_US} µs median`,
  async run() {
    const { authorize } = await importDist<AuthorizeModule>('policy/authorize.js');
    const grants: Grant[] = Array.from({ length: GRANTS - 1 }, (_, i) => ({
      resource: `repo:team-${i}/app-*`,
      access: 'write' as const,
    }));
    grants.push({ resource: `repo:team-${GRANTS - 1}/app-*`, access: 'read' });
    const agent = { name: 'many-grants', grants };
    const needs: Need[] = [{ resource: `repo:team-${GRANTS - 1}/app-api`, access: 'read' }];
    // The covering grant's resource, as a separate string: a scan that finds it at the end.
    const wanted = ['repo:', `team-${GRANTS - 1}`, '/app-*'].join('');

    let allowed = 0;
    const decide = () => {
      if (authorize(agent, 'get_repository', needs).allowed) allowed += 1;
    };
    let equal = 0;
    const compare = () => {
      for (let i = 0; i < grants.length; i++) {
        if ((grants[i] as Grant).resource === wanted) equal += 1;
      }
    };

    if (!authorize(agent, 'get_repository', needs).allowed) {
      throw new Error('the last grant should allow the call');
    }
    // Warm-up (the JIT), then batch sizes of about two milliseconds each.
    warm(decide, WARMUP_MS);
    warm(compare, WARMUP_MS);
    const decideBatch = batchFor(decide, BATCH_MS);
    const compareBatch = batchFor(compare, BATCH_MS);
    const policy: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      if (run % 2 === 0) {
        policy.push(timeBatch(decide, decideBatch));
        baseline.push(timeBatch(compare, compareBatch));
      } else {
        baseline.push(timeBatch(compare, compareBatch));
        policy.push(timeBatch(decide, decideBatch));
      }
    }
    if (allowed === 0 || equal === 0) throw new Error('the loops did no work');

    const us = median(policy);
    const baseUs = median(baseline);
    return {
      figure: `${us.toFixed(2)} µs (${ratio(us / baseUs)} baseline)`,
      met: us <= TARGET_US,
      note:
        `${GRANTS} grants, the covering one last; median of ${RUNS} batches of ` +
        `${decideBatch} calls; baseline ${GRANTS} string comparisons, batches of ${compareBatch}`,
      data: {
        medianMicroseconds: round(us, 3),
        baselineMedianMicroseconds: round(baseUs, 3),
        ratioToBaseline: round(us / baseUs, 2),
        grants: GRANTS,
        runs: RUNS,
        batch: decideBatch,
        baselineBatch: compareBatch,
      },
    };
  },
};
