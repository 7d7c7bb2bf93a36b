/**
 * Rate-limited calls, recorded without letting one key fill the disk. An agent over its limit
 * can send refused calls as fast as the network carries them (twenty to a JSON-RPC batch), and a
 * record each would turn the audit file into the flood's copy. So the first refusal of a burst
 * is recorded as any call is, with its arguments; the ones that follow within the window are
 * counted, and one record at the window's end says how many there were and of which tools.
 * Every refused call is still in the log, counted if not written out.
 */
import { type AuditRecord, auditRecord, type CallFacts } from '../audit/record.js';

/** How long after a recorded refusal the next ones of the same agent are counted, not written. */
export const TALLY_WINDOW_MS = 1_000;

/** Distinct tool names one tally keeps; the rest are counted under "(other)". */
const MAX_TOOLS = 20;

interface Tally {
  facts: CallFacts;
  /** Null once the calls came over more than one session. */
  session: string | null;
  count: number;
  tools: Map<string, number>;
  retryAfterSeconds: number;
}

export class RateLimitTally {
  /** Agents whose window is open: a refusal was recorded, the next ones are counted. */
  private readonly open = new Map<string, Tally | 'recorded'>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly write: (record: AuditRecord) => void,
    private readonly windowMs = TALLY_WINDOW_MS,
  ) {}

  /** One rate-limited call: recorded at once, or counted into its agent's open window. */
  refused(facts: CallFacts, retryAfterSeconds: number): void {
    const state = this.open.get(facts.agent);
    if (state === undefined) {
      this.write(
        auditRecord(facts, {
          decision: 'deny',
          reason: `rate limit: retry in ${retryAfterSeconds} s`,
          outcome: 'denied',
        }),
      );
      this.open.set(facts.agent, 'recorded');
      this.schedule(facts.agent);
      return;
    }
    if (state === 'recorded') {
      const tally: Tally = {
        facts,
        session: facts.session,
        count: 0,
        tools: new Map(),
        retryAfterSeconds,
      };
      this.open.set(facts.agent, tally);
      this.count(tally, facts, retryAfterSeconds);
      return;
    }
    this.count(state, facts, retryAfterSeconds);
  }

  /** Writes every open tally now (at shutdown, before the audit sink closes). */
  flush(): void {
    for (const agent of [...this.open.keys()]) this.close(agent, false);
  }

  private count(tally: Tally, facts: CallFacts, retryAfterSeconds: number): void {
    tally.count += 1;
    tally.retryAfterSeconds = retryAfterSeconds;
    if (tally.session !== facts.session) tally.session = null;
    const tool =
      tally.tools.has(facts.tool) || tally.tools.size < MAX_TOOLS ? facts.tool : '(other)';
    tally.tools.set(tool, (tally.tools.get(tool) ?? 0) + 1);
  }

  private schedule(agent: string): void {
    const timer = setTimeout(() => this.close(agent), this.windowMs);
    timer.unref();
    this.timers.set(agent, timer);
  }

  private close(agent: string, reopen = true): void {
    const state = this.open.get(agent);
    clearTimeout(this.timers.get(agent));
    this.timers.delete(agent);
    this.open.delete(agent);
    if (state === undefined || state === 'recorded') return;
    const tools = Object.fromEntries(tally(state.tools));
    const names = Object.keys(tools);
    const record = auditRecord(
      {
        ...state.facts,
        session: state.session,
        tool: names.length === 1 ? (names[0] as string) : '(several)',
        access: names.length === 1 ? state.facts.access : null,
        rawArgs: {},
      },
      {
        decision: 'deny',
        reason:
          `rate limit: ${state.count} more call${state.count === 1 ? '' : 's'} refused within ` +
          `${this.windowMs} ms of the one recorded before (arguments not kept); retry in ` +
          `${state.retryAfterSeconds} s`,
        outcome: 'denied',
      },
    );
    this.write({ ...record, duration_ms: 0, count: state.count, tools });
    if (!reopen) return;
    // A flood that goes on keeps collapsing: the window reopens as if a refusal was recorded.
    this.open.set(agent, 'recorded');
    this.schedule(agent);
  }
}

/** Most-called first, so that the record reads as the flood's shape. */
function tally(tools: Map<string, number>): [string, number][] {
  return [...tools].sort((a, b) => b[1] - a[1]);
}
