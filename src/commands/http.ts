/**
 * `hubgate http`: the shared service. It fails closed (no keys, no anonymous agent: no start),
 * warns when bound beyond loopback, and on SIGTERM/SIGINT stops accepting, lets calls finish,
 * closes sessions and the audit log, and exits 0.
 */
import { ConfigError } from '../config/load.js';
import { createReloader } from '../config/reload.js';
import { resolveConfig } from '../config/resolve.js';
import { anyAgentHasKeys } from '../http/keys.js';
import { HubgateMetrics } from '../http/metrics.js';
import { createHttpService, type HttpService } from '../http/service.js';
import { HubClients } from '../hub/clients.js';
import { DEFAULT_HUB_URL, HubConnection } from '../hub/connection.js';
import { createLogger } from '../log.js';
import type { HttpOptions } from '../options.js';
import { PolicyStore } from '../policy/store.js';
import { VERSION } from '../version.js';
import { auditSinkFor } from './serve.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1', '[::1]'];

export async function serveHttp(options: HttpOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const config = resolveConfig(options, env);
  const where = config.source ?? 'configuration';
  if (options.allowAnonymous !== undefined && !config.agents.has(options.allowAnonymous)) {
    throw new ConfigError(where, [
      `--allow-anonymous names agent "${options.allowAnonymous}", which the config does not define`,
    ]);
  }
  if (!anyAgentHasKeys(config) && options.allowAnonymous === undefined) {
    throw new ConfigError(where, [
      'agents: no agent has a key, so nobody could use the service. Give agents keys ' +
        '(hubgate key makes one), or name the agent that requests without a key act as with ' +
        '--allow-anonymous AGENT',
    ]);
  }

  const logger = createLogger(options.logLevel);
  const store = new PolicyStore(config);
  let service: HttpService | undefined;
  let clients: HubClients | undefined;
  const metrics = new HubgateMetrics({
    sessions: (transport) => service?.sessions.count(transport) ?? 0,
    hubRateLimits: () => clients?.rateLimits() ?? [],
  });
  const hubUrl = options.hubUrl ?? config.hubUrl ?? DEFAULT_HUB_URL;
  const connection = new HubConnection({
    baseUrl: hubUrl,
    timeoutMs: options.timeoutMs,
    userAgent: `hubgate/${VERSION}`,
    observe: (status) => metrics.hubResponse(status),
  });
  clients = new HubClients(connection, { cacheTtlMs: options.cacheTtlMs });
  const audit = metrics.countingSink(auditSinkFor(config, logger));
  service = createHttpService(options, {
    store,
    clients,
    audit,
    metrics,
    logger,
    version: VERSION,
  });
  const reloader = options.configFile
    ? createReloader(options.configFile, env, store, logger)
    : undefined;

  const address = await service.listen();
  if (!LOOPBACK.includes(options.host)) {
    logger.warn(
      { host: options.host },
      'hubgate http is bound beyond loopback: put TLS in front of it (a reverse proxy), or agent keys and tool results cross the network in clear text',
    );
  }
  if (options.allowAnonymous !== undefined) {
    logger.warn({ agent: options.allowAnonymous }, 'requests without a key act as this agent');
  }
  logger.info(
    {
      version: VERSION,
      url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/mcp`,
      config: config.source ?? 'built-in default',
      agents: [...config.agents.keys()],
      hub: hubUrl,
      audit: config.auditFile ?? 'stderr',
    },
    'hubgate http listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: options.shutdownMs }, 'hubgate http stopping');
    reloader?.stop();
    await service?.shutdown(options.shutdownMs);
    await connection.close().catch(() => {});
    audit.close?.();
    logger.info('hubgate http stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (reloader) reloader.reload('SIGHUP');
    else logger.warn('SIGHUP: there is no config file to reload');
  });
}
