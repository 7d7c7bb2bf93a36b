import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Caller, rateLimitKey, resolveCredential } from './auth.js';
import { parseBody, readBody } from './body.js';
import { type FaultQueue, faultPayload, faultReply, isBodyFault, sleep } from './faults.js';
import { type RateLimiter, rateLimitHeaders } from './rate-limit.js';
import { badRequest, type Reply, ReplyError, unauthorized } from './reply.js';
import type { Router } from './router.js';
import type { HubState } from './state.js';
import type { Fault, RecordedRequest } from './types.js';

export interface HubServerDeps {
  state: HubState;
  requests: RecordedRequest[];
  faults: FaultQueue;
  limiter: RateLimiter;
  router: Router;
  tokenTtlSeconds: number;
  /** Known only once the server listens. */
  baseUrl: () => string;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function payloadOf(reply: Reply): string {
  if (reply.status === 204) return '';
  if (reply.text !== undefined) return reply.text;
  return reply.body === undefined ? '' : JSON.stringify(reply.body);
}

function write(
  res: ServerResponse,
  method: string,
  reply: Reply,
  rateHeaders: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = payloadOf(reply);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    ...rateHeaders,
    ...reply.headers,
    // HEAD reports the length GET would send, and sends nothing.
    'Content-Length': String(Buffer.byteLength(payload)),
  });
  res.end(method === 'HEAD' ? undefined : payload);
}

/** Resolves true once the response can take more, false when the client left. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * An answer whose bytes are the fault: raw or padded payloads, chunked, trickled, or cut off by a
 * reset or a stall after some bytes. Writing stops as soon as the client leaves.
 */
async function writeBodyFault(
  res: ServerResponse,
  method: string,
  fault: Fault,
  rateHeaders: Record<string, string>,
  left: AbortSignal,
): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  const status = fault.status ?? 200;
  const payload = method === 'HEAD' ? Buffer.alloc(0) : faultPayload(fault);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...rateHeaders,
    ...faultReply({ ...fault, status }).headers,
  };
  if (!fault.chunked) headers['Content-Length'] = String(payload.length);
  res.writeHead(status, headers);
  const cut = fault.resetAfterBytes ?? fault.stallAfterBytes;
  const end = cut === undefined ? payload.length : Math.min(cut, payload.length);
  const size = Math.max(1, fault.chunkBytes ?? 64 * 1024);
  let flushed = Promise.resolve();
  for (let at = 0; at < end; at += size) {
    if (at > 0 && fault.chunkDelayMs) {
      if (!(await sleep(fault.chunkDelayMs, left))) return;
    }
    if (res.destroyed) return;
    let more = true;
    flushed = new Promise<void>((resolve) => {
      more = res.write(payload.subarray(at, Math.min(end, at + size)), () => resolve());
    });
    if (!more && !(await drained(res))) return;
  }
  if (fault.resetAfterBytes !== undefined) {
    // Once what was written is flushed, the connection goes: the client has a part of the body.
    await flushed;
    res.socket?.destroy();
    return;
  }
  // A stall: the headers and some bytes are out, the rest never comes (until the client leaves).
  if (fault.stallAfterBytes !== undefined) return;
  res.end();
}

function runHandler(run: () => Reply): Reply {
  try {
    return run();
  } catch (error) {
    if (error instanceof ReplyError) return error.reply;
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, body: { detail: 'Internal Server Error', message } };
  }
}

async function handle(deps: HubServerDeps, req: IncomingMessage, res: ServerResponse) {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = req.url ?? '/';
  const cut = url.indexOf('?');
  const path = cut === -1 ? url : url.slice(0, cut);
  const query = new URLSearchParams(cut === -1 ? '' : url.slice(cut + 1));
  const record: RecordedRequest = {
    method,
    path,
    query: Object.fromEntries(query),
    headers: { ...req.headers },
    body: undefined,
    rawBody: '',
    aborted: false,
    receivedAtMs: Date.now(),
  };
  // Recorded on arrival so the log keeps arrival order even when bodies arrive at different speeds.
  deps.requests.push(record);
  const disconnect = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) {
      record.aborted = true;
      disconnect.abort();
    }
  });

  const read = await readBody(req);
  const parsed = read.tooLarge ? { body: undefined, invalidJson: false } : parseBody(read.text);
  record.rawBody = read.text;
  record.body = parsed.body;
  if (read.aborted || disconnect.signal.aborted) {
    record.aborted = true;
    return;
  }

  const authorization = req.headers.authorization;
  const credential = resolveCredential(deps.state, authorization);
  const rate = deps.limiter.take(rateLimitKey(credential));
  const send = (reply: Reply) => write(res, method, reply, rateLimitHeaders(rate));

  if (read.tooLarge) return send({ status: 413, body: { detail: 'Request body too large' } });

  const fault = deps.faults.take(method, path);
  if (fault?.delayMs !== undefined && fault.delayMs > 0) {
    if (!(await sleep(fault.delayMs, disconnect.signal))) return;
  }
  if (fault?.reset) {
    req.socket.destroy();
    return;
  }
  if (fault && isBodyFault(fault)) {
    return writeBodyFault(res, method, fault, rateLimitHeaders(rate), disconnect.signal);
  }
  if (fault?.status !== undefined) {
    const echo = { headers: req.headers, body: read.text };
    return send(faultReply({ ...fault, status: fault.status }, Date.now(), echo));
  }

  if (rate.exceeded) {
    return send({
      status: 429,
      body: { detail: 'Rate limit exceeded' },
      headers: {
        'Retry-After': String(rate.retryAfterSeconds),
        'X-Retry-After': String(rate.resetUnix),
      },
    });
  }

  const match = deps.router.match(method, path);
  if (match.kind === 'not-found') return send({ status: 404, body: { detail: 'Not Found' } });
  if (match.kind === 'method-not-allowed') {
    return send({
      status: 405,
      body: { detail: `Method "${method}" not allowed.` },
      headers: { Allow: match.allow.join(', ') },
    });
  }

  let caller: Caller = { kind: 'anonymous' };
  if (credential.kind === 'invalid') {
    if (!match.route.skipBearerCheck) return send(unauthorized('Invalid or expired token').reply);
  } else {
    caller = credential;
  }
  if (BODY_METHODS.has(method) && parsed.invalidJson) {
    return send(badRequest('body', 'body is not valid JSON').reply);
  }

  send(
    runHandler(() =>
      match.route.handler({
        method,
        path,
        params: match.params,
        query,
        headers: record.headers,
        body: parsed.body,
        caller,
        state: deps.state,
        baseUrl: deps.baseUrl(),
        tokenTtlSeconds: deps.tokenTtlSeconds,
      }),
    ),
  );
}

export function createHubServer(deps: HubServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch(() => {
      // Nothing sensible can be answered once handling itself broke; drop the connection.
      res.destroy();
    });
  });
}
