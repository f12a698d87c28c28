import type { Namespace, Server, Socket } from 'socket.io';
import { EDGE_REFUSED, type EdgeClientToServer, type EdgeServerToClient, type StaffClientToServer, type StaffServerToClient } from '@foyer/schema/realtime';
import { toSystemId, type EdgeEntry, type EventPayload } from '@foyer/schema/validation';
import type { Logger } from '../../platform/logger.ts';
import { MAX_EVENT_BATCH, type DoorEventService } from '../doors/events-service.ts';
import type { EdgeDeviceService } from './service.ts';
import type { EdgeDevice, EdgeState, EdgeSyncService } from './sync-service.ts';

export type EdgeDeps = { edgeDevices: EdgeDeviceService; edgeSync: EdgeSyncService; doorEvents: DoorEventService };

type EdgeSocketData = {
  device: EdgeDevice;
  /** The hash of the secret it signed in with: a device paired anew since has another one. */
  secretHash: string;
  /** False until `hello` was answered: until then the device's state is unknown and deltas wait for it. */
  synced: boolean;
  /** The version this connection last gave the device; never goes down. */
  version: number;
  /** Customers (32-hex) and doors the device holds as far as this connection told it: whom an empty list must reach. */
  customers: Set<string>;
  doors: Set<string>;
  /** Snapshot and deltas of one socket run one after another, so they reach the device in the order they were read. */
  queue: Promise<void>;
};

type EdgeSocket = Socket<EdgeClientToServer, EdgeServerToClient, Record<string, never>, EdgeSocketData>;
/** `edge.changed` as it came out of the outbox: its organization and payload. */
type Change = EventPayload<'edge.changed'> & { orgId: string };
type Pending = { version: number; customerIds: Set<string>; doorIds: Set<string>; deviceIds: Set<string> };

/** Changes arriving this close together go out as one delta (a bulk edit is one push, not hundreds). */
const COALESCE_MS = 25;
const SNAPSHOT_CHUNK = 5000;

const byCustomer = (entries: EdgeEntry[]) => {
  const map = new Map<string, EdgeEntry[]>();
  for (const e of entries) map.set(e.customerId, [...(map.get(e.customerId) ?? []), e]);
  return map;
};

const isHello = (info: unknown): info is { version: number; agentVersion: string } => {
  const i = info as { version?: unknown; agentVersion?: unknown } | null;
  return (
    typeof i?.version === 'number' && Number.isSafeInteger(i.version) && i.version >= 0 && (i.agentVersion === undefined || typeof i.agentVersion === 'string')
  );
};

/** What this node's /edge namespace does when the outbox tells it an event (edge/index.ts's local subscribers). */
export type EdgeChannel = {
  /** `edge.changed`: pushes the delta to the devices of the organization connected to this node. */
  changed: (change: Change) => void;
  /**
   * `edge.device.signedOut`: closes the device's connections to this node (after telling it when
   * revoked); when it was paired anew, those signed in with its old secret only.
   */
  signedOut: (event: EventPayload<'edge.device.signedOut'>) => Promise<void>;
};

/**
 * This node's /edge channel as the outbox's local subscribers reach it. Services (and with them
 * the subscribers) are built before the sockets are attached, so the channel plugs in later; an
 * event heard while none is attached (starting, stopping) has no socket here to tell anyway.
 */
export class EdgeConnections {
  private channel: EdgeChannel | undefined;

  attach(channel: EdgeChannel): () => void {
    this.channel = channel;
    return () => {
      if (this.channel === channel) this.channel = undefined;
    };
  }

  changed(change: Change): void {
    this.channel?.changed(change);
  }

  async signedOut(event: EventPayload<'edge.device.signedOut'>): Promise<void> {
    await this.channel?.signedOut(event);
  }
}

/**
 * Da2, O1: the /edge namespace. A device signs in with its id and secret, says hello with the
 * version it holds, gets a snapshot of its doors' permissions when that is not the current one,
 * then deltas as staff change things (through whichever node: every node hears `edge.changed`
 * from the outbox and tells the devices connected to it); it reports its decisions as events,
 * acknowledged by seq. Returns what it does on the outbox's events.
 */
export function attachEdge(io: Server, deps: EdgeDeps, logger: Logger): EdgeChannel {
  const edge = io.of('/edge') as unknown as Namespace<EdgeClientToServer, EdgeServerToClient, Record<string, never>, EdgeSocketData>;
  const staff = io.of('/staff') as unknown as Namespace<StaffClientToServer, StaffServerToClient>;
  const log = logger.child({ ns: 'edge' });
  /** Each device's current socket: a replaced socket's disconnect must not mark the device offline. */
  const current = new Map<string, string>();
  const pending = new Map<string, Pending>();

  const socketsIn = (room: string) => [...(edge.adapter.rooms.get(room) ?? [])].map((id) => edge.sockets.get(id)).filter((s): s is EdgeSocket => !!s);

  const enqueue = (socket: EdgeSocket, task: () => Promise<void>) => {
    socket.data.queue = socket.data.queue.then(task).catch((err) => log.error({ err, deviceId: socket.data.device.id }, 'edge sync failed'));
  };

  /** Notes what the device holds after `customers` were sent with these entries (none: dropped). */
  const remember = (socket: EdgeSocket, state: EdgeState, customers: Iterable<string>, entries: Map<string, EdgeEntry[]>) => {
    for (const id of customers) {
      if (entries.has(id)) socket.data.customers.add(id);
      else socket.data.customers.delete(id);
    }
    socket.data.doors = new Set(state.doors.map((d) => d.id));
  };

  const sendSnapshot = (socket: EdgeSocket, state: EdgeState) => {
    const { version, doors, entries } = state;
    socket.emit('snapshot:begin', { version, doors, total: entries.length });
    for (let i = 0; i < entries.length; i += SNAPSHOT_CHUNK) socket.emit('snapshot:chunk', { version, entries: entries.slice(i, i + SNAPSHOT_CHUNK) });
    socket.emit('snapshot:end', { version });
  };

  /** Tells one device what a change means for it: the changed customers it holds or now may hold, its doors when they changed. */
  const sendDelta = async (socket: EdgeSocket, change: Pending) => {
    const data = socket.data;
    if (!data.synced) return;
    const everything = change.deviceIds.has(data.device.id);
    const state = await deps.edgeSync.read(data.device, everything ? undefined : [...change.customerIds]);
    const entries = byCustomer(state.entries);
    const changed = everything
      ? new Set([...data.customers, ...entries.keys()])
      : [...change.customerIds].map(toSystemId).filter((id) => data.customers.has(id) || entries.has(id));
    const doorsChanged = everything || state.doors.some((d) => change.doorIds.has(d.id)) || [...data.doors].some((id) => change.doorIds.has(id));
    // Even a delta with nothing in it moves the device's version on, so a reconnect needs no snapshot.
    data.version = Math.max(data.version, change.version);
    socket.emit('delta', {
      version: data.version,
      customers: [...changed].map((customerId) => ({ customerId, entries: entries.get(customerId) ?? [] })),
      ...(doorsChanged && { doors: state.doors }),
    });
    remember(socket, state, changed, entries);
  };

  const flush = (orgId: string) => {
    const change = pending.get(orgId)!;
    pending.delete(orgId);
    for (const socket of socketsIn(`org:${orgId}`)) enqueue(socket, () => sendDelta(socket, change));
  };

  const schedule = (change: Change) => {
    let batch = pending.get(change.orgId);
    if (!batch) {
      batch = { version: 0, customerIds: new Set(), doorIds: new Set(), deviceIds: new Set() };
      pending.set(change.orgId, batch);
      setTimeout(() => flush(change.orgId), COALESCE_MS);
    }
    batch.version = Math.max(batch.version, change.version);
    for (const id of change.customerIds ?? []) batch.customerIds.add(id);
    for (const id of change.doorIds ?? []) batch.doorIds.add(id);
    for (const id of change.deviceIds ?? []) batch.deviceIds.add(id);
  };

  edge.use(async (socket, next) => {
    try {
      const { deviceId, secret } = (socket.handshake.auth ?? {}) as { deviceId?: unknown; secret?: unknown };
      const device = await deps.edgeDevices.authenticate(deviceId, secret);
      if (device === 'revoked') return next(new Error(EDGE_REFUSED.revoked));
      if (!device) return next(new Error(EDGE_REFUSED.unauthorized));
      const { secretHash, ...signedIn } = device;
      socket.data.device = signedIn;
      socket.data.secretHash = secretHash;
      next();
    } catch (err) {
      log.error({ err }, 'device authentication failed');
      next(new Error(EDGE_REFUSED.unavailable));
    }
  });

  edge.on('connection', (socket: EdgeSocket) => {
    const { device } = socket.data;
    Object.assign(socket.data, { synced: false, version: 0, customers: new Set(), doors: new Set(), queue: Promise.resolve() });
    // One live connection per device: a second one is the agent restarted (or a copied secret);
    // two would both hold the doors. The newest wins; the old one is told to stay away.
    for (const old of socketsIn(`device:${device.id}`)) old.disconnect(true);
    void socket.join([`device:${device.id}`, `org:${device.orgId}`]);
    current.set(device.id, socket.id);
    deps.edgeDevices.online(device.id, true);
    const seen = () => void deps.edgeDevices.seen(device.id).catch((err) => log.warn({ err }, 'could not record last seen'));
    seen();
    // Staff's device list follows this live instead of asking again every few seconds.
    const status = (online: boolean) =>
      staff.to(`org:${device.orgId}`).emit('device:status', { deviceId: device.id, online, lastSeenAt: new Date().toISOString() });
    status(true);

    socket.on('hello', (info: unknown, ack: unknown) => {
      if (!isHello(info) || typeof ack !== 'function') return void log.warn({ deviceId: device.id }, 'malformed hello dropped');
      enqueue(socket, async () => {
        const state = await deps.edgeSync.read(device);
        const upToDate = info.version === state.version;
        ack({ upToDate, version: state.version, storedThrough: await deps.edgeDevices.storedThrough(device.id) });
        if (!upToDate) sendSnapshot(socket, state);
        // Up to date or just sent, the device now holds exactly this state.
        const entries = byCustomer(state.entries);
        socket.data.customers = new Set();
        remember(socket, state, entries.keys(), entries);
        socket.data.version = state.version;
        socket.data.synced = true;
        seen();
      });
    });

    socket.on('events', async (batch: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return void log.warn({ deviceId: device.id }, 'events without an acknowledgement dropped');
      if (!Array.isArray(batch) || batch.length > MAX_EVENT_BATCH) {
        log.warn({ deviceId: device.id, size: Array.isArray(batch) ? batch.length : typeof batch }, 'events batch refused');
        return ack({ error: `events is a list of at most ${MAX_EVENT_BATCH} events` });
      }
      try {
        const outcome = await deps.doorEvents.record(device, batch);
        if (outcome.refused.length) log.warn({ deviceId: device.id, refused: outcome.refused }, 'door events refused');
        for (const entry of outcome.stored) staff.to(`org:${device.orgId}`).emit('door:event', entry);
        ack({ storedThrough: outcome.storedThrough });
        seen();
      } catch (err) {
        log.error({ err, deviceId: device.id }, 'storing door events failed');
        ack({ error: 'The server could not store these events; send them again' });
      }
    });

    socket.on('disconnect', () => {
      if (current.get(device.id) === socket.id) {
        current.delete(device.id);
        deps.edgeDevices.online(device.id, false);
        status(false);
      }
      seen();
    });
  });

  return {
    changed: schedule,
    signedOut: async ({ deviceId, revoked }) => {
      if (!socketsIn(`device:${deviceId}`).length) return;
      // Paired anew: the event arrives after the commit, by when the agent may already be back
      // with its new secret; only what signed in with an older one goes.
      const current = revoked ? undefined : await deps.edgeDevices.secretHashOf(deviceId);
      for (const socket of socketsIn(`device:${deviceId}`)) {
        if (!revoked && socket.data.secretHash === current) continue;
        // Told first, so that it wipes its cache now rather than at its next (refused) reconnect.
        if (revoked) socket.emit('revoked');
        socket.disconnect(true);
      }
    },
  };
}
