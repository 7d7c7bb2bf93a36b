/**
 * The stdio wire: newline-delimited JSON-RPC over the session's streams, read and written as the
 * SDK's StdioServerTransport does (a line that is not JSON is skipped, one that is JSON but not a
 * JSON-RPC message is reported and dropped, a line over 10 MiB ends the session), with one
 * addition: `take` sees each message first and may answer it itself (the call lane, lane.ts).
 *
 * `take` is offered a message twice: as JSON.parse gave it, and, when it did not take it then,
 * once the SDK's JSON-RPC schema has checked it. The lane takes the plainest tools/call at the
 * first offer and checks its shape itself, so the common call skips the schema's zod parse.
 */

import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  type JSONRPCMessage,
  parseJSONRPCMessage,
  STDIO_DEFAULT_MAX_BUFFER_SIZE,
  serializeMessage,
  type Transport,
} from '@modelcontextprotocol/server';

/** True when it took the message (and answers it); `checked`: the JSON-RPC schema passed it. */
export type Taker = (message: unknown, checked: boolean) => boolean;

export class StdioWire implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  take?: Taker;

  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private started = false;
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('the stdio wire is already started');
    this.started = true;
    if (this.input.readableEnded || this.input.destroyed) setImmediate(this.onInputEnd);
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
    this.input.on('end', this.onInputEnd);
    this.input.on('close', this.onInputEnd);
    this.output.on('error', this.onOutputError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the stdio wire is closed'));
    return new Promise((resolve, reject) => {
      // Resolves once the line is handed to the pipe, or once the pipe has drained.
      if (this.output.write(serializeMessage(message))) resolve();
      else {
        const settle = (error?: Error) => {
          this.output.off('drain', settle);
          this.output.off('error', settle);
          if (error) reject(error);
          else resolve();
        };
        this.output.once('drain', settle);
        this.output.once('error', settle);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    this.input.off('end', this.onInputEnd);
    this.input.off('close', this.onInputEnd);
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.pending = '';
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer | string) => {
    // Each read is searched once: a line that spans many reads is not searched again from its
    // start for every one of them.
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let cut = text.indexOf('\n');
    if (cut !== -1) {
      let line = this.pending + text.slice(0, cut);
      let start = cut + 1;
      for (;;) {
        this.read(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (this.closed) return;
        cut = text.indexOf('\n', start);
        if (cut === -1) break;
        line = text.slice(start, cut);
        start = cut + 1;
      }
      this.pending = text.slice(start);
    } else {
      this.pending += text;
    }
    // A UTF-16 unit is at most 3 bytes of UTF-8: count the bytes only near the limit.
    const over =
      this.pending.length * 3 > STDIO_DEFAULT_MAX_BUFFER_SIZE &&
      Buffer.byteLength(this.pending) > STDIO_DEFAULT_MAX_BUFFER_SIZE;
    if (over) {
      this.onerror?.(
        new Error(`ReadBuffer exceeded maximum size of ${STDIO_DEFAULT_MAX_BUFFER_SIZE} bytes`),
      );
      void this.close();
    }
  };

  private read(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    try {
      if (this.take?.(value, false)) return;
      const message = parseJSONRPCMessage(value);
      if (this.take?.(message, true)) return;
      this.onmessage?.(message);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  private readonly onInputError = (error: Error) => this.onerror?.(error);
  private readonly onInputEnd = () => void this.close();
  private readonly onOutputError = (error: Error) => {
    if (this.closed) return;
    this.onerror?.(error);
    void this.close();
  };
}
