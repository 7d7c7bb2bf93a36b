/** From a serving command's options to the Gateway's: the Hub, its budget, the cache, reloads. */
import type { GatewayOptions } from '../gateway/gateway.js';
import type { HttpOptions, ServeOptions } from '../options.js';

export function gatewayOptionsOf(
  options: ServeOptions | HttpOptions,
  env: NodeJS.ProcessEnv,
): Pick<GatewayOptions, 'hubUrl' | 'timeoutMs' | 'cacheTtlMs' | 'configFile'> {
  return {
    ...(options.hubUrl ? { hubUrl: options.hubUrl } : {}),
    timeoutMs: options.timeoutMs,
    cacheTtlMs: options.cacheTtlMs,
    ...(options.configFile ? { configFile: { path: options.configFile, env } } : {}),
  };
}
