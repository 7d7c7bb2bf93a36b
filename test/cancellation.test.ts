import { describe, expect, it } from 'vitest';
import { abortSignalOf, CancelSource } from '../src/cancellation.js';

describe('CancelSource', () => {
  it('tells each listener once, in the order added, and is aborted after', () => {
    const source = new CancelSource();
    const told: string[] = [];
    source.addEventListener('abort', () => told.push('first'));
    source.addEventListener('abort', () => told.push('second'));
    expect(source.aborted).toBe(false);
    source.cancel();
    source.cancel();
    expect(told).toEqual(['first', 'second']);
    expect(source.aborted).toBe(true);
  });

  it('does not tell a listener that was removed, nor one added after it was cancelled', () => {
    const source = new CancelSource();
    const told: string[] = [];
    const removed = () => told.push('removed');
    source.addEventListener('abort', removed);
    source.addEventListener('abort', () => told.push('kept'));
    source.removeEventListener('abort', removed);
    source.cancel();
    source.addEventListener('abort', () => told.push('late'));
    source.cancel();
    expect(told).toEqual(['kept']);
  });

  it('lets a listener remove another while it is being told', () => {
    const source = new CancelSource();
    const told: string[] = [];
    const second = () => told.push('second');
    source.addEventListener('abort', () => {
      told.push('first');
      source.removeEventListener('abort', second);
    });
    source.addEventListener('abort', second);
    source.cancel();
    // Every listener present when it was cancelled is told, as an AbortSignal's are.
    expect(told).toEqual(['first', 'second']);
  });
});

describe('abortSignalOf', () => {
  it('gives an AbortSignal that aborts when the source is cancelled', () => {
    const source = new CancelSource();
    const signal = abortSignalOf(source);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    source.cancel();
    expect(signal.aborted).toBe(true);
  });

  it('gives an aborted signal for a source already cancelled, and a real signal as it is', () => {
    const source = new CancelSource();
    source.cancel();
    expect(abortSignalOf(source).aborted).toBe(true);
    const controller = new AbortController();
    expect(abortSignalOf(controller.signal)).toBe(controller.signal);
  });
});
