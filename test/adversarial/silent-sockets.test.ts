/**
 * Sockets that never speak: without a key, enough of them must not cost an honest agent its
 * calls. Connections that make no request are closed after a while, at most a few per address
 * are kept (a new one closes the oldest silent one), and the whole service holds a bounded
 * number of connections.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callTool, type ServiceHarness, startService } from '../http/helpers.js';

let service: ServiceHarness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await service?.close();
  service = undefined;
});

function silentSocket(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => {});
    sockets.push(socket);
  });
}

describe('sockets that never speak', () => {
  it('make room for newcomers once silent a moment, are closed after 10 s, and an honest agent goes on calling', async () => {
    service = await startService({
      agents: { bot: { grants: ['catalog=read'] } },
      options: { maxSilentPerAddress: 10 },
    });
    const running = service;
    const { client } = await running.connectHttp(running.keys.bot);
    const honest = async () =>
      (await callTool(client, 'search_catalog', { query: 'nginx' })).isError === false;
    expect(await honest()).toBe(true);

    const first = await Promise.all(Array.from({ length: 10 }, () => silentSocket(running.port)));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The first ten have been silent a while: ten newcomers close them.
    await Promise.all(Array.from({ length: 10 }, () => silentSocket(running.port)));
    await expect
      .poll(() => first.every((socket) => socket.destroyed), { timeout: 3_000 })
      .toBe(true);
    expect(await honest()).toBe(true);

    // A burst of fresh ones is not cut short, but none outlives the first-request timeout.
    await Promise.all(Array.from({ length: 100 }, () => silentSocket(running.port)));
    expect(await honest()).toBe(true);
    const fresh = await running.connectHttp(running.keys.bot);
    expect((await callTool(fresh.client, 'search_catalog', { query: 'x' })).isError).toBe(false);
    await expect
      .poll(() => sockets.every((socket) => socket.destroyed), { timeout: 13_000, interval: 250 })
      .toBe(true);
    expect(await honest()).toBe(true);
  }, 20_000);

  it('the service holds at most maxConnections connections', async () => {
    service = await startService({
      agents: { bot: { grants: ['catalog=read'] } },
      options: { maxConnections: 5, maxSilentPerAddress: 1_000 },
    });
    const running = service;
    await Promise.all(Array.from({ length: 20 }, () => silentSocket(running.port)));
    const open = () =>
      sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open');
    await expect.poll(() => open().length, { timeout: 5_000 }).toBeLessThanOrEqual(5);
  });
});
