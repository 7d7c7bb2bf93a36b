/**
 * The Gateway owns the call path and everything it needs: the current config (policy, agents,
 * credentials), the Hub connection and one client per identity, the audit sink, the per-agent
 * rate limit and the config's reloading. Transports (stdio, Streamable HTTP, SSE) and commands
 * (`explain`) are adapters over it; none builds these parts itself.
 */
import type { Logger } from 'pino';
import { type Approvals, createApprovals } from '../approval/approvals.js';
import { AuditFileError, type AuditSink, auditSinkFor } from '../audit/sinks.js';
import { ConfigError } from '../config/load.js';
import { createReloader, type Reloader } from '../config/reload.js';
import { ConfigStore } from '../config/store.js';
import type { Config } from '../config/types.js';
import { HubClients } from '../hub/clients.js';
import { DEFAULT_HUB_URL, DEFAULT_TIMEOUT_MS, HubConnection } from '../hub/connection.js';
import type { AgentPolicy } from '../policy/types.js';
import { describeTool, type ToolDescription } from '../tools/describe.js';
import { catalog as fullCatalog } from '../tools/index.js';
import { type PreparedCall, prepareCall } from '../tools/prepare.js';
import type { ToolEntry } from '../tools/types.js';
import { visibleTools } from '../tools/visible.js';
import { VERSION } from '../version.js';
import { bindingsOf, type CallContext, rateLimited, runCall, type ToolResult } from './call.js';
import { createAgentRateLimiter } from './rate-limit.js';
import { RateLimitTally } from './rate-limit-tally.js';
import type { SharedState } from './shared-state.js';

export interface GatewayOptions {
  logger: Logger;
  /** Docker Hub's base URL; else the config's hub.url, else https://hub.docker.com. */
  hubUrl?: string;
  /** The time budget of one Hub call, retries included. */
  timeoutMs?: number;
  /** How long a Hub read is reused per identity; 0 turns the cache off. */
  cacheTtlMs?: number;
  userAgent?: string;
  /** Told of every Hub answer's status (metrics). */
  observeHubStatus?: (status: number | 'error') => void;
  /** Where audit records go; else the config's audit file, else the log. */
  audit?: AuditSink;
  /** Tool calls per minute for agents whose config sets none; without it, no limit (stdio). */
  defaultCallsPerMinute?: number;
  /** What replicas share (Redis): rate-limit counts and Hub blocks. None: this process alone. */
  shared?: SharedState;
  /** The config file to reload on reload() and when it changes, and the environment it reads. */
  configFile?: { path: string; env: NodeJS.ProcessEnv };
  /** Tests: a smaller catalog. */
  catalog?: readonly ToolEntry[];
  /** Tests: Hub clients of their own (a recording connection); not closed with the gateway. */
  clients?: HubClients;
}

/** What `hubgate explain` needs: the decision a real call would get, without calling. */
export type Explanation =
  | { kind: 'unknown tool' }
  | { kind: 'unknown agent' }
  | { kind: 'prepared'; entry: ToolEntry; prepared: PreparedCall };

export interface Gateway {
  readonly store: ConfigStore;
  readonly clients: HubClients;
  readonly audit: AuditSink;
  readonly hubUrl: string;
  /** Sealed 2026-07-28 questions, spent answers and operators' approvals. */
  readonly approvals: Approvals;
  /** The tools this agent is shown: those its grants could ever allow. */
  listTools(agentName: string): ToolDescription[];
  /**
   * One tool call as `agentName`. Refusals of the call itself (malformed, unknown tool, over the
   * rate limit) throw CallRejected; every other outcome is a result (carrying, for a call
   * asked about over 2026-07-28, the `input_required` question). Always one audit record.
   */
  call(agentName: string, name: unknown, args: unknown, context: CallContext): Promise<ToolResult>;
  explain(agentName: string, toolName: string, args: unknown): Explanation;
  /**
   * Any other request an agent makes (tools/list, an unknown method) counts against its rate
   * limit too: answering costs memory and CPU even when nothing reaches the Hub. Throws
   * CallRejected when over it.
   */
  admit(agentName: string, method: string): Promise<void>;
  /** Told after a reload that changed this agent's tool list; returns the unsubscribe. */
  onToolListChanged(agentName: string, listener: () => void): () => void;
  /** Reads the config file again; false when there is none or it is invalid (the old stays). */
  reload(why: string): boolean;
  /**
   * How long a client may keep an agent's tool list (2026-07-28 `ttlMs`): a config file can be
   * reloaded, and with it the list, at any moment; without one the list never changes.
   */
  readonly toolListTtlMs: number;
  /** False while the audit sink cannot write (a full disk): no allowed call can be sent. */
  auditHealthy(): boolean;
  /** Ends every Hub request in flight at once (shutdown, after the grace): their calls fail. */
  abortHubCalls(): Promise<void>;
  /** Stops reloading, closes the Hub connection (unless the caller's) and the audit sink. */
  close(): Promise<void>;
}

/**
 * The config's audit sink, opened now: an audit file that cannot be appended to stops hubgate
 * before it serves any call, with an error that names the field to fix. (Over stdio the front
 * may have answered initialize and tools/list by then: they need no record.)
 */
export function openAuditSink(config: Config, logger: Logger): AuditSink {
  try {
    return auditSinkFor(config.auditFile, logger);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const why =
      error instanceof AuditFileError
        ? error.message
        : code === 'ELOOP'
          ? 'it is a symbolic link, which hubgate does not follow'
          : `it cannot be opened for appending (${code ?? (error as Error).message})`;
    throw new ConfigError(config.source ?? 'configuration', [
      `audit.file: ${config.auditFile}: ${why}`,
    ]);
  }
}

/** A reload reaches 2026-era clients within this, since they are sent no list_changed. */
const TOOL_LIST_TTL_RELOADABLE_MS = 60_000;
const TOOL_LIST_TTL_FIXED_MS = 3_600_000;

export function createGateway(config: Config, options: GatewayOptions): Gateway {
  const { logger } = options;
  const entries = options.catalog ?? fullCatalog;
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const store = new ConfigStore(config);
  const hubUrl = options.hubUrl ?? config.hubUrl ?? DEFAULT_HUB_URL;
  const clients =
    options.clients ??
    new HubClients(
      new HubConnection({
        baseUrl: hubUrl,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        userAgent: options.userAgent ?? `hubgate/${VERSION}`,
        ...(options.observeHubStatus ? { observe: options.observeHubStatus } : {}),
      }),
      {
        ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
        ...(options.shared?.board ? { board: options.shared.board } : {}),
      },
    );
  const audit = options.audit ?? openAuditSink(config, logger);
  const { defaultCallsPerMinute } = options;
  const limiter =
    defaultCallsPerMinute === undefined
      ? undefined
      : createAgentRateLimiter(
          (agent) => store.agent(agent)?.callsPerMinute ?? defaultCallsPerMinute,
          options.shared?.redis,
        );
  const tally = new RateLimitTally((record) => audit.record(record));
  const approvals = createApprovals(store, options.shared?.redis);
  const toolNames = new Set(byName.keys());
  const reloader: Reloader | undefined = options.configFile
    ? createReloader(options.configFile.path, options.configFile.env, store, logger, toolNames)
    : undefined;
  const deps = {
    store,
    clients,
    audit,
    logger,
    limiter,
    tally,
    operatorApprover: approvals.operator,
    findTool: (name: string) => byName.get(name),
  };
  const visibleNames = (agent: AgentPolicy | undefined) =>
    visibleTools(agent, entries)
      .map((entry) => entry.name)
      .join(',');

  return {
    store,
    clients,
    audit,
    hubUrl,
    approvals,
    listTools(agentName) {
      const tools = visibleTools(store.agent(agentName), entries).map(describeTool);
      // A client lists tools before it calls one: load the Hub connection meanwhile.
      setImmediate(() => clients.connection.warm());
      return tools;
    },
    call: (agentName, name, args, context) => runCall(deps, agentName, name, args, context),
    async admit(agentName, method) {
      const admitted = (await limiter?.take(agentName)) ?? { ok: true };
      if (!admitted.ok) throw rateLimited(agentName, admitted.retryAfterSeconds, method);
    },
    explain(agentName, toolName, args) {
      const entry = byName.get(toolName);
      if (!entry) return { kind: 'unknown tool' };
      const agent = store.agent(agentName);
      if (!agent) return { kind: 'unknown agent' };
      return {
        kind: 'prepared',
        entry,
        prepared: prepareCall(agent, entry, args, bindingsOf(store, agent)),
      };
    },
    onToolListChanged(agentName, listener) {
      return store.subscribe((current, previous) => {
        const now = visibleNames(current.agents.get(agentName));
        if (now !== visibleNames(previous.agents.get(agentName))) listener();
      });
    },
    toolListTtlMs: reloader ? TOOL_LIST_TTL_RELOADABLE_MS : TOOL_LIST_TTL_FIXED_MS,
    reload(why) {
      if (!reloader) {
        logger.warn(`${why}: there is no config file to reload`);
        return false;
      }
      return reloader.reload(why);
    },
    auditHealthy: () => audit.healthy?.() ?? true,
    async abortHubCalls() {
      if (!options.clients) await clients.connection.close().catch(() => {});
    },
    async close() {
      reloader?.stop();
      tally.flush();
      if (!options.clients) await clients.connection.close().catch(() => {});
      audit.close?.();
    },
  };
}
