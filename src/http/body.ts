/** Reading a JSON request body with a size cap: over the cap is 413, never buffered whole. */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; message: string };

export async function readJsonBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<BodyResult> {
  const tooLarge = {
    ok: false,
    status: 413,
    message: `the request body is over ${maxBytes} bytes`,
  } as const;
  const declared = Number(request.headers['content-length']);
  // Over the cap, the rest is not read: the answer closes the connection instead.
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge;
  if (declared > 0 && request.readableLength === declared && request.readableFlowing !== true) {
    // The whole body came with the headers (a small POST nearly always does) and waits in the
    // stream: taken at once, with no listener added or promise made.
    return parsed([request.read() as Buffer]);
  }
  // Read with listeners rather than an async iterator: this runs for every POST, and the
  // iterator's promise per chunk costs more than the read.
  const chunks = await new Promise<Buffer[] | 'too large'>((resolve, reject) => {
    const read: Buffer[] = [];
    let size = 0;
    const done = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        done();
        // The rest is not read: the answer closes the connection instead.
        request.pause();
        resolve('too large');
        return;
      }
      read.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(read);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    // Already read to its end, or gone, the stream would emit neither again.
    if (request.readableEnded) return resolve(read);
    if (request.destroyed) return onClose();
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
  return chunks === 'too large' ? tooLarge : parsed(chunks);
}

function parsed(chunks: Buffer[]): BodyResult {
  const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString(
    'utf8',
  );
  if (text.trim() === '') return { ok: false, status: 400, message: 'the request body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: 'the request body is not valid JSON' };
  }
}
