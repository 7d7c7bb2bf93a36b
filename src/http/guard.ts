/**
 * DNS-rebinding and browser protection. A page on another site can make a browser send requests
 * to a service on loopback; the Origin and Host headers are the tell. Requests whose Origin is
 * present and not allowed, or whose Host is not this service, are refused before anything else.
 */
import type { IncomingMessage } from 'node:http';

export interface GuardOptions {
  /** The host the service binds, and its port. */
  host: string;
  port: number;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_BINDS = ['0.0.0.0', '::', '[::]'];

function hostnameOf(host: string): string {
  const bracketed = /^\[[^\]]+\]/.exec(host);
  if (bracketed) return bracketed[0].toLowerCase();
  return (host.split(':')[0] ?? '').toLowerCase();
}

function bindName(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase();
}

/** Why the request is refused, or undefined when it may go on. */
export function guardRequest(request: IncomingMessage, options: GuardOptions): string | undefined {
  const host = request.headers.host;
  if (!host) return 'the Host header is missing';
  const names = new Set([...LOOPBACK_NAMES, ...options.allowedHosts.map(hostnameOf)]);
  if (!WILDCARD_BINDS.includes(options.host)) names.add(bindName(options.host));
  if (!names.has(hostnameOf(host))) {
    return `Host "${host.slice(0, 100)}" is not this service (allow it with --allowed-hosts)`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = [...LOOPBACK_NAMES, bindName(options.host)].map(
      (name) => `http://${name}:${options.port}`,
    );
    if (!own.includes(origin) && !options.allowedOrigins.includes(origin)) {
      return `Origin "${origin.slice(0, 100)}" is not allowed (allow it with --allowed-origins)`;
    }
  }
  return undefined;
}
