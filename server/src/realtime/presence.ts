import type { Namespace, Server } from 'socket.io';
import type { StaffClientToServer, StaffServerToClient } from '@foyer/schema/realtime';
import type { Logger } from '../lib/logger.ts';
import type { StaffSocketData } from './io.ts';
import { LEASE_REFRESH_MS, SWEEP_MS, type Lease, type PresenceStore } from './presence-store.ts';

export type StaffNamespace = Namespace<StaffClientToServer, StaffServerToClient, Record<string, never>, StaffSocketData>;

/**
 * C7/P1: customer presence as staff see it. Sockets of this node hold leases (the /flow namespace
 * asks); this keeps them alive, runs the sweep that finds who went offline, and announces every
 * change to the organization's staff room — through the adapter, so staff on every node hear it.
 */
export class CustomerPresence {
  /** The leases this node holds, renewed together. */
  private readonly held = new Map<string, Lease>();
  private readonly timers: ReturnType<typeof setInterval>[];
  private sweeping = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly staff: StaffNamespace,
    private readonly log: Logger,
  ) {
    this.timers = [setInterval(() => void this.refresh(), LEASE_REFRESH_MS), setInterval(() => void this.sweep(), SWEEP_MS)];
    for (const t of this.timers) t.unref();
    staff.on('connection', (socket) => {
      const { organization } = socket.data.auth;
      const send = (reply: (info: { customerIds: string[] }) => void) =>
        store.online(organization.id).then(
          (customerIds) => reply({ customerIds }),
          (err) => log.error({ err }, 'could not read who is online'),
        );
      // After joining the org room (io.ts), so a change from now on is heard either here or as a delta.
      void send((info) => socket.emit('presence:online', info));
      socket.on('presence:sync', (ack: unknown) => {
        if (typeof ack === 'function') void send(ack as (info: { customerIds: string[] }) => void);
      });
    });
  }

  async hold(lease: Lease): Promise<void> {
    this.held.set(lease.id, lease);
    if (await this.store.acquire(lease)) this.announce(lease.orgId, lease.customerId, true);
  }

  async letGo(leaseId: string): Promise<void> {
    const lease = this.held.get(leaseId);
    if (!lease) return;
    this.held.delete(leaseId);
    await this.store.release(lease);
  }

  private announce(orgId: string, customerId: string, online: boolean) {
    this.staff.to(`org:${orgId}`).emit('presence:customer', { customerId, online });
  }

  /** Renewing is acquiring again: a lease a stalled node lost to the sweep comes back, announced. */
  private async refresh() {
    await Promise.all(
      [...this.held.values()].map((lease) =>
        this.store.acquire(lease).then(
          (cameBack) => cameBack && this.held.has(lease.id) && this.announce(lease.orgId, lease.customerId, true),
          (err) => this.log.warn({ err }, 'presence lease not renewed'),
        ),
      ),
    );
  }

  private async sweep() {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const { orgId, customerId } of await this.store.sweep()) this.announce(orgId, customerId, false);
    } catch (err) {
      this.log.warn({ err }, 'presence sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  /** Stops the timers and gives back this node's leases (a clean shutdown: offline after the grace). */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.held.keys()].map((id) => this.letGo(id).catch(() => {})));
    await this.store.close();
  }
}

/** For io.ts: the staff namespace, typed. */
export const staffNamespace = (io: Server) => io.of('/staff') as unknown as StaffNamespace;
