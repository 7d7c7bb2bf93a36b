/**
 * The unread bound on an answer stream, against a stand-in response whose buffer the test fills
 * and drains: socket buffers on loopback grow by themselves, so a real client cannot make the
 * server hold a chosen number of bytes.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Bounded, boundUnread } from '../../src/http/unread.js';

class StandIn extends EventEmitter {
  writableLength = 0;
  destroyed = false;
  write(chunk: string): boolean {
    this.writableLength += chunk.length;
    return this.writableLength < 16_384;
  }
  end(chunk?: string): this {
    if (chunk) this.writableLength += chunk.length;
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
  /** The client reads everything buffered. */
  taken(): void {
    const needed = this.writableLength >= 16_384;
    this.writableLength = 0;
    if (needed) this.emit('drain');
  }
}

function bounded(limits: { maxBytes?: number; stallMs?: number }) {
  const response = new StandIn();
  const overflow = vi.fn();
  boundUnread(response as unknown as Bounded, limits, overflow);
  return { response, overflow };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the unread bound of an answer stream', () => {
  it('closes the stream once more than maxBytes wait, and refuses further writes', () => {
    const { response, overflow } = bounded({ maxBytes: 1_000, stallMs: 60_000 });
    response.write('x'.repeat(900));
    expect(response.destroyed).toBe(false);
    response.write('x'.repeat(200));
    expect(response.destroyed).toBe(true);
    expect(overflow).toHaveBeenCalledTimes(1);
    expect(response.write('more')).toBe(false);
    expect(response.writableLength).toBe(1_100);
  });

  it('closes a stream whose bytes wait a whole stall period under the budget', () => {
    const { response, overflow } = bounded({ maxBytes: 1_000_000, stallMs: 500 });
    response.write('x'.repeat(100_000));
    vi.advanceTimersByTime(499);
    expect(overflow).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(response.destroyed).toBe(true);
    expect(overflow).toHaveBeenCalledTimes(1);
  });

  it('closes an ended answer its client never takes', () => {
    const { response, overflow } = bounded({ stallMs: 500 });
    response.end('x'.repeat(10_000));
    vi.advanceTimersByTime(500);
    expect(overflow).toHaveBeenCalledTimes(1);
  });

  it('keeps a stream whose client reads, however much passes through it', () => {
    const { response, overflow } = bounded({ maxBytes: 50_000, stallMs: 500 });
    for (let i = 0; i < 100; i += 1) {
      response.write('x'.repeat(40_000));
      vi.advanceTimersByTime(300);
      response.taken();
    }
    vi.advanceTimersByTime(10_000);
    expect(overflow).not.toHaveBeenCalled();
    expect(response.destroyed).toBe(false);
  });

  it('keeps a stream whose small writes were flushed without a drain event', () => {
    const { response, overflow } = bounded({ stallMs: 500 });
    response.write('event: endpoint\n\n');
    // Below the high-water mark nothing emits 'drain': the buffer simply empties.
    response.writableLength = 0;
    vi.advanceTimersByTime(5_000);
    expect(overflow).not.toHaveBeenCalled();
  });
});
