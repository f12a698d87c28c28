import type { Namespace, Server, Socket } from 'socket.io';
import type { FlowClientToServer, FlowServerToClient } from '@foyer/schema/realtime';
import { toSystemId } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/logger.ts';
import { AttemptLimiter } from '../../platform/rate-limit.ts';
import { verifyFlowToken } from '../bookings/flow-tokens.ts';
import type { CustomerPresence } from './realtime.ts';

/**
 * After `flow:done` (booking confirmed) the customer stays online this long, then goes even if the
 * tab stays open: staff see who just booked, but a confirmation page left open all evening does
 * not keep a customer "online" for hours.
 */
export const FLOW_DONE_LINGER_MS = 60_000;

/**
 * The largest flow message accepted (its JSON). The server's frame limit (maxHttpBufferSize) is far
 * higher and closes the connection when passed; below it, this drops the message and keeps it.
 */
export const FLOW_MAX_EVENT_BYTES = 2048;

/** Per address and minute: a venue's guests behind one NAT still fit; a script looping does not. */
export const FLOW_CONNECTIONS_PER_MINUTE = 60;
export const FLOW_IDENTIFY_PER_MINUTE = 30;

const EVENTS = new Set<string>(['flow:identify', 'flow:done']);

type FlowSocketData = { leaseId?: string; customerId?: string; doneTimer?: ReturnType<typeof setTimeout> };
type FlowSocket = Socket<FlowClientToServer, FlowServerToClient, Record<string, never>, FlowSocketData>;

/** The JSON size of a message's arguments (an acknowledgement callback counts for nothing). */
function jsonSize(args: unknown[]): number {
  try {
    return JSON.stringify(args.filter((a) => typeof a !== 'function'))?.length ?? 0;
  } catch {
    return Infinity;
  }
}

/**
 * C7: the public booking flow's socket. Anonymous when it connects; `flow:identify` with a flow
 * token makes it hold that customer's presence until it disconnects, or a while after `flow:done`.
 * It is told nothing but its own acknowledgements.
 */
export function attachFlow(io: Server, deps: { db: DbOrTx; presence: CustomerPresence; doneLingerMs?: number }, logger: Logger) {
  const doneLingerMs = deps.doneLingerMs ?? FLOW_DONE_LINGER_MS;
  const flow = io.of('/flow') as unknown as Namespace<FlowClientToServer, FlowServerToClient, Record<string, never>, FlowSocketData>;
  const log = logger.child({ ns: 'flow' });
  const connections = new AttemptLimiter(FLOW_CONNECTIONS_PER_MINUTE, 60_000);
  const identifies = new AttemptLimiter(FLOW_IDENTIFY_PER_MINUTE, 60_000);

  flow.use((socket, next) => {
    const wait = connections.take(socket.handshake.address);
    if (!wait) return next();
    log.warn({ address: socket.handshake.address }, 'flow connection refused: too many from this address');
    next(Object.assign(new Error('rate limited'), { data: { retryAfter: wait } }));
  });

  const release = (socket: FlowSocket) => {
    clearTimeout(socket.data.doneTimer);
    const leaseId = socket.data.leaseId;
    socket.data.leaseId = socket.data.customerId = socket.data.doneTimer = undefined;
    if (leaseId) deps.presence.letGo(leaseId).catch((err) => log.warn({ err }, 'presence lease not released'));
  };

  flow.on('connection', (socket: FlowSocket) => {
    const address = socket.handshake.address;
    // Every message passes here first: unknown, oversized or malformed ones are dropped (never
    // passed on, never answered), and the connection stays.
    socket.use(([event, ...args], next) => {
      if (!EVENTS.has(event)) return void log.warn({ address, event: String(event).slice(0, 64) }, 'unknown flow message dropped');
      const size = jsonSize(args);
      if (size > FLOW_MAX_EVENT_BYTES) return void log.warn({ address, event, size }, 'oversized flow message dropped');
      next();
    });

    socket.on('flow:identify', async (info: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: { ok: true } | { error: string }) => void) : () => {};
      const token = (info as { token?: unknown } | null)?.token;
      if (typeof token !== 'string') {
        log.warn({ address }, 'malformed flow:identify dropped');
        return reply({ error: 'flow:identify needs { token }' });
      }
      if (identifies.take(address)) {
        log.warn({ address }, 'flow:identify refused: too many from this address');
        return reply({ error: 'Too many attempts; try again in a minute' });
      }
      let identity;
      try {
        identity = await verifyFlowToken(deps.db, token);
      } catch (err) {
        log.error({ err }, 'flow token could not be checked');
        return reply({ error: 'The server could not check the token; try again' });
      }
      if (!identity) {
        log.warn({ address }, 'invalid flow token refused');
        return reply({ error: 'invalid token' });
      }
      if (!socket.connected) return;
      const customerId = toSystemId(identity.customerId);
      // A reconnect presents the same token again: nothing to do. Another customer replaces the first.
      if (socket.data.customerId === customerId && socket.data.leaseId) return reply({ ok: true });
      release(socket);
      socket.data.leaseId = socket.id;
      socket.data.customerId = customerId;
      try {
        await deps.presence.hold({ id: socket.id, orgId: identity.orgId, customerId });
      } catch (err) {
        log.error({ err }, 'presence lease not taken');
        return reply({ error: 'The server could not record presence; try again' });
      }
      // It left while the lease was being taken: give it back.
      if (!socket.connected) release(socket);
      reply({ ok: true });
    });

    socket.on('flow:done', () => {
      if (!socket.data.leaseId || socket.data.doneTimer) return;
      socket.data.doneTimer = setTimeout(() => release(socket), doneLingerMs);
    });

    socket.on('disconnect', () => release(socket));
  });
}
