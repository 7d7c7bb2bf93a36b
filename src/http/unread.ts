/**
 * The bound on what an answer stream may hold for a client that does not read. Node buffers
 * whatever a response is given; a client that asks and never reads would make the server hold
 * its answers for as long as the connection stays open.
 */
import type { ServerResponse } from 'node:http';

/**
 * Bytes an answer stream (SSE, or a POST answered as a stream) may hold buffered for a client
 * that does not read: past it, the stream is closed, and its session with it.
 */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

/**
 * How long an answer stream may hold bytes its client does not take. The byte budget alone would
 * let a key park just under it on each of many streams, for as long as the connections stay open.
 */
export const MAX_STALL_MS = 15_000;

/** The part of a ServerResponse the bound uses (tests give a stand-in). */
export type Bounded = Pick<ServerResponse, 'write' | 'end' | 'destroy' | 'on' | 'writableLength'>;

/**
 * Closes `response` (and calls `onOverflow`) once more than `maxBytes` wait in its buffer, or
 * once bytes have waited there `stallMs` without all being taken. A stream with nothing buffered
 * (an idle SSE stream waiting for its next event) is never cut, however long it waits.
 */
export function boundUnread(
  response: Bounded,
  limits: { maxBytes?: number; stallMs?: number },
  onOverflow: () => void,
): void {
  const maxBytes = limits.maxBytes ?? MAX_UNREAD_BYTES;
  const stallMs = limits.stallMs ?? MAX_STALL_MS;
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => unknown;
  let closed = false;
  let stall: NodeJS.Timeout | undefined;
  const settle = () => {
    clearTimeout(stall);
    stall = undefined;
  };
  const overflow = () => {
    if (closed) return;
    closed = true;
    settle();
    response.destroy();
    onOverflow();
  };
  const watch = () => {
    if (response.writableLength > maxBytes) return overflow();
    if (response.writableLength > 0 && !stall) {
      stall = setTimeout(() => {
        stall = undefined;
        // Bytes still waiting after a whole stall period: the client has stopped reading.
        // (Nothing tells a stream that a write below its high-water mark was flushed, hence
        // the check here rather than a 'drain' that may never come.)
        if (response.writableLength > 0) overflow();
      }, stallMs);
      stall.unref();
    }
  };
  response.on('drain', settle);
  response.on('close', settle);
  response.write = ((...args: unknown[]) => {
    if (closed) return false;
    const written = write(...args);
    watch();
    return written;
  }) as ServerResponse['write'];
  response.end = ((...args: unknown[]) => {
    if (closed) return response;
    end(...args);
    // An answer ended but not yet taken by the client still waits in the buffer.
    watch();
    return response;
  }) as ServerResponse['end'];
}
