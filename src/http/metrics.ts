/**
 * Prometheus metrics. Tool-call figures come from the audit records themselves (a sink that counts
 * as it passes records on), so a call cannot be counted without being recorded or the reverse.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditRecord } from '../audit/record.js';
import type { AuditSink } from '../audit/sinks.js';
import { findTool } from '../tools/index.js';

export class HubgateMetrics {
  readonly registry = new Registry();

  private readonly toolCalls = new Counter({
    name: 'hubgate_tool_calls_total',
    help: 'Tool calls by agent, tool and outcome (ok, error, denied).',
    labelNames: ['agent', 'tool', 'outcome'],
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: 'hubgate_policy_refusals_total',
    help: 'Calls refused by hubgate before reaching Docker Hub, by agent and tool.',
    labelNames: ['agent', 'tool'],
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'hubgate_tool_call_duration_seconds',
    help: 'Latency of tool calls that reached Docker Hub, from arguments received to answer.',
    labelNames: ['tool'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly hubRequests = new Counter({
    name: 'hubgate_hub_requests_total',
    help: 'Requests sent to Docker Hub, by HTTP status (or "error" when none came back).',
    labelNames: ['status'],
    registers: [this.registry],
  });

  constructor(sources: {
    sessions: (transport: 'http' | 'sse') => number;
    hubRateLimits: () => { credential: string; remaining: number }[];
  }) {
    new Gauge({
      name: 'hubgate_sessions_open',
      help: 'Open MCP sessions by transport.',
      labelNames: ['transport'],
      registers: [this.registry],
      collect() {
        this.set({ transport: 'http' }, sources.sessions('http'));
        this.set({ transport: 'sse' }, sources.sessions('sse'));
      },
    });
    new Gauge({
      name: 'hubgate_hub_ratelimit_remaining',
      help: "Docker Hub's last X-RateLimit-Remaining, per credential.",
      labelNames: ['credential'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { credential, remaining } of sources.hubRateLimits()) {
          this.set({ credential }, remaining);
        }
      },
    });
  }

  /** Counts each record, then hands it on. */
  countingSink(inner: AuditSink): AuditSink {
    const counted = (record: AuditRecord) => {
      // Tool names come from clients: unknown ones share one label, so they cannot blow up
      // the number of series.
      const tool = findTool(record.tool) ? record.tool : 'unknown';
      // A record of a burst of rate-limited calls stands for `count` calls, of `tools`.
      const calls = record.tools ? Object.entries(record.tools) : [[tool, 1] as const];
      for (const [name, count] of calls) {
        const label = findTool(name) ? name : 'unknown';
        this.toolCalls.inc({ agent: record.agent, tool: label, outcome: record.outcome }, count);
        if (record.decision === 'deny')
          this.refusals.inc({ agent: record.agent, tool: label }, count);
      }
      // Refusals answer at once and would drag the latency figures towards zero.
      if (record.outcome !== 'denied') this.latency.observe({ tool }, record.duration_ms / 1000);
    };
    const commit = inner.commit?.bind(inner);
    return {
      record: (record) => {
        counted(record);
        inner.record(record);
      },
      ...(commit
        ? {
            commit: (record) => {
              counted(record);
              return commit(record);
            },
          }
        : {}),
      ...(inner.reserve ? { reserve: (record) => inner.reserve?.(record) } : {}),
      ...(inner.healthy ? { healthy: () => inner.healthy?.() ?? true } : {}),
      close: () => inner.close?.(),
    };
  }

  hubResponse(status: number | 'error'): void {
    this.hubRequests.inc({ status: String(status) });
  }
}
