/**
 * `npm run bench`: every benchmark in turn against the built hubgate (dist/) and the fake Hub on
 * loopback. Prints a row as each finishes, then the whole table (Markdown, as in BENCHMARKS.md),
 * and writes bench/results.json. `node build/bench/run.js ID...` runs only those benchmarks.
 *
 * Exit status: 0 when every benchmark measured (targets met or not: a miss is a result), 1 when
 * one could not measure, 2 on bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { coldStart } from './cold-start.js';
import { type Benchmark, cpuTicks, killChildren, liveChildren, ROOT, type Row } from './common.js';
import { httpReplicas } from './http-replicas.js';
import { httpThroughput } from './http-throughput.js';
import { policyCost } from './policy-cost.js';
import { resultSize } from './result-size.js';
import { sessionMemory } from './session-memory.js';
import { singleFlight } from './single-flight.js';
import { stdioCall } from './stdio-call.js';
import { toolsListSize } from './tools-list.js';

const BENCHMARKS: Benchmark[] = [
  coldStart,
  stdioCall,
  httpThroughput,
  httpReplicas,
  singleFlight,
  toolsListSize,
  resultSize,
  sessionMemory,
  policyCost,
];

const RESULTS = join(ROOT, 'bench', 'results.json');

function machine() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const met = (row: Row) => (row.met === null ? 'error' : row.met ? 'yes' : '**no**');
const cell = (text: string) => text.replaceAll('|', '\\|');

function markdownTable(rows: readonly Row[]): string {
  return [
    '| benchmark | figure | target | met | other load | notes |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${cell(row.figure)} | ${cell(row.target)} | ${met(row)} | ` +
        `${row.data.backgroundCores ?? '?'} | ${cell(row.note)} |`,
    ),
  ].join('\n');
}

/**
 * Cores kept busy by everything else on the machine while a benchmark ran: the machine's busy
 * time less this process's and its children's. Other work competes for the same two cores.
 */
function backgroundLoad(before: ReturnType<typeof cpuTicks>, seconds: number): number {
  const after = cpuTicks();
  const others = after.machine - before.machine - (after.ours - before.ours);
  return Number(Math.max(0, others / 100 / seconds).toFixed(2));
}

async function runOne(benchmark: Benchmark): Promise<Row> {
  const start = performance.now();
  const ticks = cpuTicks();
  try {
    const measured = await benchmark.run();
    const seconds = (performance.now() - start) / 1000;
    return {
      id: benchmark.id,
      name: benchmark.name,
      target: benchmark.target,
      ...measured,
      data: {
        ...measured.data,
        seconds: Number(seconds.toFixed(1)),
        backgroundCores: backgroundLoad(ticks, seconds),
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      id: benchmark.id,
      name: benchmark.name,
      target: benchmark.target,
      figure: 'not measured',
      met: null,
      note: message.replace(/\s+/g, ' ').slice(0, 300),
      data: { error: message, stack: error instanceof Error ? error.stack : undefined },
    };
  }
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((id) => !BENCHMARKS.some((benchmark) => benchmark.id === id));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}\n`,
    );
    return 2;
  }
  const chosen =
    argv.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => argv.includes(benchmark.id));
  const started = new Date();
  const start = performance.now();
  const host = machine();
  process.stdout.write(
    `hubgate benchmarks: ${host.cpus} × ${host.cpuModel}, ${host.memoryGiB} GiB, Node ${host.node}\n\n`,
  );

  const rows: Row[] = [];
  for (const benchmark of chosen) {
    process.stdout.write(`… ${benchmark.name}\n`);
    const row = await runOne(benchmark);
    rows.push(row);
    const mark = row.met === null ? '!' : row.met ? '✓' : '✗';
    process.stdout.write(
      `${mark} ${row.name}: ${row.figure} (target ${row.target}; ${row.data.seconds ?? '?'} s, ` +
        `other load ${row.data.backgroundCores ?? '?'} cores) — ${row.note}\n`,
    );
  }

  const seconds = Number(((performance.now() - start) / 1000).toFixed(1));
  const leftover = liveChildren();
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        date: started.toISOString(),
        command: argv.length === 0 ? 'npm run bench' : `node build/bench/run.js ${argv.join(' ')}`,
        machine: host,
        seconds,
        partial: argv.length > 0,
        rows,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\n${markdownTable(rows)}\n\n`);
  process.stdout.write(
    `${rows.filter((row) => row.met).length} of ${rows.length} targets met; ` +
      `benchmarks took ${seconds} s; results in bench/results.json\n` +
      '"other load": cores kept busy by other processes on the machine meanwhile (0 = quiet)\n',
  );
  if (leftover.length > 0) {
    process.stderr.write(`child processes still running, killed: ${leftover.join(', ')}\n`);
    killChildren();
    return 1;
  }
  return rows.some((row) => row.met === null) ? 1 : 0;
}

// Whatever happens, no child outlives the run.
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    killChildren();
    process.exit(1);
  },
);
