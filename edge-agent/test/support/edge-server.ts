import { EDGE_REFUSED, type EdgeClientToServer, type EdgeDoor, type EdgeEntry, type EdgeEvent, type EdgeServerToClient } from '@foyer/schema';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';

/**
 * A small server that keeps the /edge contract of @foyer/schema's realtime.ts, as the real one
 * must: device auth in the handshake, `hello` answered with a chunked snapshot when the device is
 * behind, deltas pushed, and `events` stored once per (device, seq) and acknowledged with the
 * highest seq stored without a gap. A legitimate peer for the agent's link, not a copy of it.
 */
export class ContractEdgeServer {
  readonly stored = new Map<number, EdgeEvent>();
  readonly batches: number[][] = [];
  version = 1;
  doors: EdgeDoor[] = [];
  entries: EdgeEntry[] = [];
  chunkSize = 500;
  /** Test hooks: drop the next N acks (the agent must resend), cut the snapshot after a chunk. */
  dropAcks = 0;
  cutSnapshotAfterChunk = false;
  refused = 0;
  /** Staff revoked the device: the handshake refuses it with EDGE_REFUSED.revoked. */
  revokedDevice = false;
  private http: HttpServer | undefined;
  private io: Server | undefined;
  private edge: Namespace<EdgeClientToServer, EdgeServerToClient> | undefined;
  port = 0;

  constructor(private readonly device: { deviceId: string; secret: string }) {}

  get storedThrough() {
    let seq = 0;
    while (this.stored.has(seq + 1)) seq++;
    return seq;
  }

  async start(port = 0) {
    this.http = createServer();
    this.io = new Server(this.http, { transports: ['websocket'] });
    const edge = this.io.of('/edge') as unknown as Namespace<EdgeClientToServer, EdgeServerToClient>;
    this.edge = edge;
    edge.use((socket, next) => {
      const { deviceId, secret } = socket.handshake.auth as { deviceId?: string; secret?: string };
      if (deviceId === this.device.deviceId && secret === this.device.secret) next(this.revokedDevice ? new Error(EDGE_REFUSED.revoked) : undefined);
      else {
        this.refused++;
        next(new Error('unknown device'));
      }
    });
    edge.on('connection', (socket) => {
      socket.on('hello', ({ version }, ack) => {
        const upToDate = version >= this.version;
        ack({ upToDate, version: this.version, storedThrough: this.storedThrough });
        if (upToDate) return;
        socket.emit('snapshot:begin', { version: this.version, doors: this.doors, total: this.entries.length });
        for (let i = 0; i < this.entries.length; i += this.chunkSize) {
          socket.emit('snapshot:chunk', { version: this.version, entries: this.entries.slice(i, i + this.chunkSize) });
          if (this.cutSnapshotAfterChunk) {
            this.cutSnapshotAfterChunk = false;
            socket.disconnect(true);
            return;
          }
        }
        socket.emit('snapshot:end', { version: this.version });
      });
      socket.on('events', (batch, ack) => {
        this.batches.push(batch.map((e) => e.seq));
        for (const event of batch) if (!this.stored.has(event.seq)) this.stored.set(event.seq, event);
        if (this.dropAcks > 0) {
          this.dropAcks--;
          return;
        }
        ack({ storedThrough: this.storedThrough });
      });
    });
    await new Promise<void>((resolve) => this.http!.listen(port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** As the real server revokes: tell the connected device, hang up, refuse it from now on. */
  revoke() {
    this.revokedDevice = true;
    this.edge?.emit('revoked');
    this.edge?.disconnectSockets(true);
  }

  pushDelta(delta: Parameters<EdgeServerToClient['delta']>[0]) {
    this.version = delta.version;
    this.edge?.emit('delta', delta);
  }

  async stop() {
    this.io?.disconnectSockets(true);
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    this.io = undefined;
    this.http = undefined;
  }
}
