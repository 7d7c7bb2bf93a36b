/**
 * Reading a request's JSON body: whole at once when it came with the headers, chunk by chunk when
 * it comes later; either way capped, and a connection kept alive serves its next request.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonBody } from '../../src/http/body.js';

const CAP = 100;
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    // As the router does, the body is read after an await (the key check): by then the parser
    // has taken in whatever body came with the headers.
    await Promise.resolve();
    const body = await readJsonBody(request, CAP);
    const text = JSON.stringify(body);
    response.writeHead(200, { 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A raw connection: what is written goes as it is, in the writes the test makes. */
async function rawConnection() {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  /** The body of the next answer once it is all there (each answer has a Content-Length). */
  const answer = async () => {
    for (;;) {
      const head = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received.subarray(0, head).toString());
      if (head !== -1 && length) {
        const start = head + 4;
        const end = start + Number(length[1]);
        if (received.length >= end) {
          const body = received.subarray(start, end).toString('utf8');
          received = received.subarray(end);
          return JSON.parse(body) as unknown;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { socket, answer };
}

const post = (body: string, extra = '') =>
  `POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

const chunked = (parts: string[]) =>
  `POST /mcp HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${parts
    .map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`)
    .join('')}0\r\n\r\n`;

describe('readJsonBody', () => {
  it('reads a body that came with its headers, and the connection serves the next request', async () => {
    const { socket, answer } = await rawConnection();
    socket.write(post('{"a":1}'));
    expect(await answer()).toEqual({ ok: true, value: { a: 1 } });
    for (let i = 0; i < 20; i++) {
      socket.write(post(`{"b":"é${i}"}`));
      expect(await answer()).toEqual({ ok: true, value: { b: `é${i}` } });
    }
    socket.destroy();
  });

  it('reads a body that comes in parts after its headers', async () => {
    const { socket, answer } = await rawConnection();
    const body = '{"tag":"latest","more":[1,2,3]}';
    const request = post(body);
    socket.write(request.slice(0, request.length - 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write(request.slice(request.length - 20));
    expect(await answer()).toEqual({ ok: true, value: JSON.parse(body) });
    socket.destroy();
  });

  it('refuses a chunked body over the cap, whole or in parts', async () => {
    const big = `"${'x'.repeat(CAP)}"`;
    const whole = await rawConnection();
    whole.socket.write(chunked([big]));
    expect(await whole.answer()).toMatchObject({ ok: false, status: 413 });
    whole.socket.destroy();

    const parts = await rawConnection();
    const request = chunked([big.slice(0, 60), big.slice(60)]);
    const cut = request.indexOf(big.slice(60, 70));
    parts.socket.write(request.slice(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 50));
    parts.socket.write(request.slice(cut));
    expect(await parts.answer()).toMatchObject({ ok: false, status: 413 });
    parts.socket.destroy();
  });

  it('refuses a declared length over the cap, an empty body and one that is not JSON', async () => {
    const { socket, answer } = await rawConnection();
    socket.write(post(''));
    expect(await answer()).toEqual({
      ok: false,
      status: 400,
      message: 'the request body is empty',
    });
    socket.write(post('{"a":'));
    expect(await answer()).toEqual({
      ok: false,
      status: 400,
      message: 'the request body is not valid JSON',
    });
    socket.destroy();

    const declared = await rawConnection();
    declared.socket.write(`POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-length: ${CAP + 1}\r\n\r\n`);
    expect(await declared.answer()).toMatchObject({ ok: false, status: 413 });
    declared.socket.destroy();
  });
});
