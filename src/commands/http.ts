/**
 * `hubgate http`: the shared service. It fails closed (no keys, no anonymous agent: no start),
 * warns when bound beyond loopback, and on SIGTERM/SIGINT stops accepting, lets calls finish,
 * closes sessions and the audit log, and exits 0.
 */

import { ConfigError } from '../config/load.js';
import { resolveConfig } from '../config/resolve.js';
import { createGateway, openAuditSink } from '../gateway/gateway.js';
import { NOTHING_SHARED, openSharedState, redactedUrl } from '../gateway/shared-state.js';
import { anyAgentHasKeys, weakKeysIn } from '../http/keys.js';
import { HubgateMetrics } from '../http/metrics.js';
import { createHttpService } from '../http/service.js';
import { createLogger } from '../log.js';
import type { HttpOptions } from '../options.js';
import { toolNames } from '../tools/index.js';
import { VERSION } from '../version.js';
import { gatewayOptionsOf } from './gateway-options.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1', '[::1]'];

export async function serveHttp(options: HttpOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const config = resolveConfig(options, env, toolNames);
  const where = config.source ?? 'configuration';
  if (options.allowAnonymous !== undefined && !config.agents.has(options.allowAnonymous)) {
    throw new ConfigError(where, [
      `--allow-anonymous names agent "${options.allowAnonymous}", which the config does not define`,
    ]);
  }
  if (!anyAgentHasKeys(config) && !config.oauth && options.allowAnonymous === undefined) {
    throw new ConfigError(where, [
      'agents: no agent has a key, so nobody could use the service. Give agents keys ' +
        '(hubgate key makes one), map OAuth tokens to agents under oauth:, or name the agent ' +
        'that requests without a key act as with --allow-anonymous AGENT',
    ]);
  }

  const logger = createLogger(options.logLevel);
  // Replicas share their rate-limit counts and Hub blocks through it; it must be there at start.
  const shared = options.redisUrl
    ? await openSharedState(options.redisUrl, logger)
    : NOTHING_SHARED;
  // The gauges are read on a scrape, after the service and the gateway below exist.
  const metrics = new HubgateMetrics({
    sessions: (transport) => service.sessions.count(transport),
    hubRateLimits: () => gateway.clients.rateLimits(),
  });
  const gateway = createGateway(config, {
    logger,
    ...gatewayOptionsOf(options, env),
    observeHubStatus: (status) => metrics.hubResponse(status),
    audit: metrics.countingSink(openAuditSink(config, logger)),
    defaultCallsPerMinute: options.defaultCallsPerMinute,
    shared,
  });
  const service = createHttpService(options, { gateway, metrics, logger });

  const address = await service.listen().catch(async (error: NodeJS.ErrnoException) => {
    await gateway.close();
    await shared.close();
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
      throw new Error(
        `cannot listen on ${options.host} port ${options.port}: ${
          error.code === 'EADDRINUSE' ? 'it is in use' : 'permission denied'
        }. Stop what listens there, or choose another with --port (0 picks a free one) or --host.`,
      );
    }
    throw error;
  });
  if (!LOOPBACK.includes(options.host)) {
    logger.warn(
      { host: options.host },
      'hubgate http is bound beyond loopback: put TLS in front of it (a reverse proxy), or agent keys and tool results cross the network in clear text',
    );
  }
  for (const { agent, index } of weakKeysIn(config)) {
    logger.warn(
      { agent, keyIndex: index },
      'an agent key is a well-known weak key that anyone can guess: make a new one with hubgate key',
    );
  }
  if (options.allowAnonymous !== undefined) {
    logger.warn({ agent: options.allowAnonymous }, 'requests without a key act as this agent');
  }
  const approving = [...config.agents.values()].some((agent) =>
    agent.grants.some((grant) => grant.approve),
  );
  if (approving && options.redisUrl && !config.approvals?.key) {
    logger.warn(
      'approvals.key is not set: each replica seals its 2026-07-28 approval questions with a key of its own, so an answer that reaches another replica is refused; give every replica the same approvals.key',
    );
  }
  logger.info(
    {
      version: VERSION,
      url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/mcp`,
      config: config.source ?? 'built-in default',
      agents: [...config.agents.keys()],
      hub: gateway.hubUrl,
      audit: config.auditFile ?? 'stderr',
      shared: options.redisUrl ? redactedUrl(options.redisUrl) : 'none (this process alone)',
    },
    'hubgate http listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: options.shutdownMs }, 'hubgate http stopping');
    await service.shutdown(options.shutdownMs);
    await gateway.close();
    await shared.close();
    logger.info('hubgate http stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => gateway.reload('SIGHUP'));
}
