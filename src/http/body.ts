/** Reading a JSON request body with a size cap: over the cap is 413, never buffered whole. */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; message: string };

export async function readJsonBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  // Over the cap, the rest is not read: the answer closes the connection instead.
  if (Number.isFinite(declared) && declared > maxBytes) {
    return { ok: false, status: 413, message: `the request body is over ${maxBytes} bytes` };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      return { ok: false, status: 413, message: `the request body is over ${maxBytes} bytes` };
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: false, status: 400, message: 'the request body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: 'the request body is not valid JSON' };
  }
}
