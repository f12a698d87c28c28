import { Agent, createServer, type Server as HttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { emitToLocalRoom } from '@foyer/server/platform/realtime/local-fanout.ts';

/**
 * The presence fan-out writes its own WebSocket frames (local-fanout.ts): real socket.io clients
 * must read them as ordinary events, whatever the frame's length encoding, in the order they were
 * sent among the events that go the ordinary way.
 */
let http: HttpServer;
let server: Server;
let url: string;
const clients: Socket[] = [];

beforeAll(async () => {
  http = createServer();
  server = new Server(http, { transports: ['websocket'] });
  server.of('/staff').on('connection', (socket) => void socket.join('org'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await new Promise((resolve) => server.close(resolve));
});

function join(): Promise<Socket> {
  const socket = connect(`${url}/staff`, { transports: ['websocket'], reconnection: false });
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', reject);
  });
}

const received = (socket: Socket, n: number) =>
  new Promise<unknown[][]>((resolve) => {
    const seen: unknown[][] = [];
    socket.onAny((...args) => {
      seen.push(args);
      if (seen.length === n) resolve(seen);
    });
  });

describe('emitToLocalRoom', () => {
  it('reaches every socket of the room with short, 16-bit and 64-bit length frames, in order with ordinary emits', async () => {
    const sockets = await Promise.all([join(), join(), join()]);
    const outsider = await join();
    const staff = server.of('/staff');
    for (const s of staff.sockets.values()) if (s.id === outsider.id) s.leave('org');
    const heard = sockets.map((s) => received(s, 6));
    let outsiderHeard = 0;
    outsider.onAny(() => outsiderHeard++);

    // Events that went the ordinary way (socket.emit), not as a frame this module wrote itself.
    let ordinary = 0;
    for (const s of staff.sockets.values()) {
      const emit = s.emit.bind(s) as (event: string, ...rest: unknown[]) => boolean;
      s.emit = ((event: string, ...rest: unknown[]) => {
        if (event === 'fast') ordinary++;
        return emit(event, ...rest);
      }) as typeof s.emit;
    }

    const text = (n: number) => 'é'.repeat(n);
    // The last is far larger than a socket's send buffer: part of it waits in the socket's queue.
    const payloads = [{ n: 1 }, { t: text(100) }, { t: text(40_000) }, { t: text(2_000_000) }];
    // Right after an ordinary emit engine.io is still writing: the next goes the ordinary way, after it.
    staff.to('org').emit('ordinary', 'first');
    emitToLocalRoom(staff, 'org', 'fast', payloads[0]);
    expect(ordinary).toBe(sockets.length);
    await new Promise((r) => setTimeout(r, 50));
    emitToLocalRoom(staff, 'org', 'fast', payloads[1]);
    emitToLocalRoom(staff, 'org', 'fast', payloads[2]);
    expect(ordinary).toBe(sockets.length);
    emitToLocalRoom(staff, 'org', 'fast', payloads[3]);
    // What follows (the ordinary emit below) must wait behind the queued rest.
    const queued = [...staff.sockets.values()].filter((s) => s.id !== outsider.id && s.conn.request.socket.writableLength > 0);
    expect(queued.length).toBeGreaterThan(0);
    staff.to('org').emit('ordinary', 'last');

    for (const seen of await Promise.all(heard)) expect(seen).toEqual([['ordinary', 'first'], ...payloads.map((p) => ['fast', p]), ['ordinary', 'last']]);
    await new Promise((r) => setTimeout(r, 100));
    expect(outsiderHeard).toBe(0);
  });
});

describe('emitToLocalRoom on a connection upgraded from long-polling', () => {
  it('sends the ordinary way, not down the still open keep-alive connection of its first request', async () => {
    const pollingHttp = createServer();
    const polling = new Server(pollingHttp, { transports: ['polling', 'websocket'] });
    polling.of('/staff').on('connection', (socket) => void socket.join('org'));
    await new Promise<void>((resolve) => pollingHttp.listen(0, '127.0.0.1', resolve));
    const client = connect(`http://127.0.0.1:${(pollingHttp.address() as { port: number }).port}/staff`, {
      transports: ['polling', 'websocket'],
      reconnection: false,
      agent: new Agent({ keepAlive: true }) as unknown as string,
    });
    try {
      await new Promise<void>((resolve) => client.io.engine.on('upgrade', () => resolve()));
      const staff = polling.of('/staff');
      await new Promise((r) => setTimeout(r, 50));
      expect([...staff.sockets.values()].every((s) => s.conn.upgraded)).toBe(true);
      const heard = received(client, 2);
      emitToLocalRoom(staff, 'org', 'fast', { n: 1 });
      emitToLocalRoom(staff, 'org', 'fast', { n: 2 });
      expect(await heard).toEqual([
        ['fast', { n: 1 }],
        ['fast', { n: 2 }],
      ]);
    } finally {
      client.close();
      await new Promise((resolve) => polling.close(resolve));
    }
  });
});
