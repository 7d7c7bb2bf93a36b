import { setTimeout as sleepFor } from 'node:timers/promises';
import { retryAfterHeaders } from './rate-limit.js';
import type { Reply } from './reply.js';
import type { Fault } from './types.js';

export interface FaultQueue {
  inject(fault: Fault): void;
  clear(): void;
  /** The first queued fault that matches, with one use spent; undefined when none does. */
  take(method: string, path: string): Fault | undefined;
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return true;
  if (typeof fault.path === 'string') return fault.path === path;
  // A /g or /y RegExp carries lastIndex between calls; reset it so every test starts fresh.
  fault.path.lastIndex = 0;
  return fault.path.test(path);
}

export function createFaultQueue(): FaultQueue {
  let queue: Array<{ fault: Fault; left: number }> = [];
  return {
    inject(fault) {
      queue.push({ fault, left: fault.times ?? 1 });
    },
    clear() {
      queue = [];
    },
    take(method, path) {
      const entry = queue.find((e) => e.left > 0 && matches(e.fault, method, path));
      if (!entry) return undefined;
      entry.left--;
      queue = queue.filter((e) => e.left > 0);
      return entry.fault;
    },
  };
}

/** What an echoing upstream quotes back: the request as it came. */
export interface Echo {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function faultReply(
  fault: Fault & { status: number },
  nowMs = Date.now(),
  echo?: Echo,
): Reply {
  const headers: Record<string, string> = {};
  if (fault.status === 429 && fault.retryAfterSeconds !== undefined) {
    Object.assign(headers, retryAfterHeaders(fault.retryAfterSeconds, nowMs, fault.retryAfterForm));
  }
  Object.assign(headers, fault.headers);
  if (fault.echo && echo) {
    const quoted = JSON.stringify(echo.headers);
    return {
      status: fault.status,
      body: {
        detail: `bad request: headers were ${quoted}`,
        message: `body was ${echo.body}`,
        errinfo: { authorization: String(echo.headers.authorization ?? '') },
      },
      headers,
    };
  }
  return {
    status: fault.status,
    body: fault.body === undefined ? { detail: 'injected fault' } : fault.body,
    headers,
  };
}

/** Resolves true when the wait ran its course, false when the client left first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleepFor(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Does the fault shape the answer's bytes (raw text, a size, a cut, a stall, a trickle)? */
export function isBodyFault(fault: Fault): boolean {
  return (
    fault.rawBody !== undefined ||
    fault.bodyBytes !== undefined ||
    fault.resetAfterBytes !== undefined ||
    fault.stallAfterBytes !== undefined ||
    fault.chunked === true ||
    fault.chunkDelayMs !== undefined
  );
}

/** The bytes a body fault answers: its raw text, a padded JSON object, or its JSON body. */
export function faultPayload(fault: Fault): Buffer {
  if (fault.rawBody !== undefined) return Buffer.from(fault.rawBody, 'utf8');
  if (fault.bodyBytes !== undefined) return paddedJson(fault.bodyBytes);
  return Buffer.from(
    JSON.stringify(fault.body === undefined ? { detail: 'injected fault' } : fault.body),
  );
}

/** `{"padding":"xxx…"}` of exactly `bytes` bytes (at least its 14-byte frame). */
function paddedJson(bytes: number): Buffer {
  const open = '{"padding":"';
  const buffer = Buffer.alloc(Math.max(bytes, open.length + 2), 'x');
  buffer.write(open, 0);
  buffer.write('"}', buffer.length - 2);
  return buffer;
}
