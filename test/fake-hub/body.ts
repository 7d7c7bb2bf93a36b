import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ReadBody {
  text: string;
  tooLarge: boolean;
  /** The client went away before the body ended. */
  aborted: boolean;
}

/** Reads the whole body; past the cap it keeps draining so the 413 reaches a client still sending. */
export async function readBody(req: IncomingMessage, cap = MAX_BODY_BYTES): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of req) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > cap) tooLarge = true;
      else chunks.push(buf);
    }
  } catch {
    return { text: Buffer.concat(chunks).toString('utf8'), tooLarge, aborted: true };
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge, aborted: false };
}

export interface ParsedBody {
  body: unknown;
  invalidJson: boolean;
}

/** Any non-empty body is tried as JSON: clients do not always label it. */
export function parseBody(text: string): ParsedBody {
  if (text === '') return { body: undefined, invalidJson: false };
  try {
    return { body: JSON.parse(text), invalidJson: false };
  } catch {
    return { body: text, invalidJson: true };
  }
}
