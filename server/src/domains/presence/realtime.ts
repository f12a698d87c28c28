import type { PresenceChange } from '@foyer/schema/realtime';
import type { Logger } from '../../platform/logger.ts';
import type { StaffNamespace } from '../../platform/realtime/io.ts';
import { emitToLocalRoom, reachesOtherNodes } from '../../platform/realtime/local-fanout.ts';
import { onPermitted } from '../../platform/permissions.ts';
import { LEASE_REFRESH_MS, SWEEP_MS, type Lease, type PresenceStore } from './store.ts';

/**
 * An organization's staff get at most one presence message per this many ms: a change after a
 * quiet spell goes out at once (next tick), changes during a rush wait for the next slot and
 * travel together. Short against the second staff may wait; long enough that a rush (hundreds of
 * customers a second × every staff tab) costs each socket a few dozen messages a second, not one
 * per change — that fan-out, not the logic, is what a busy night spends its CPU on.
 */
export const PRESENCE_BATCH_MS = 25;

/** A batch of one organization's changes, as the node that made it tells the other nodes. */
export type PresenceBatch = { orgId: string; changes: PresenceChange[] };

/**
 * C7/P1: customer presence as staff see it. Sockets of this node hold leases (the /flow namespace
 * asks); this keeps them alive, runs the sweep that finds who went offline, and announces every
 * change to the organization's staff room: this node's sockets directly (local-fanout.ts), and
 * with several nodes the others by `serverSideEmit`, each to its own sockets.
 */
export class CustomerPresence {
  /** The leases this node holds, renewed together. */
  private readonly held = new Map<string, Lease>();
  private readonly timers: ReturnType<typeof setInterval>[];
  private sweeping = false;
  /** Per organization, the changes waiting for the next batch (the latest per customer). */
  private readonly pending = new Map<string, Map<string, PresenceChange>>();
  /** Per organization, when its last batch went out. */
  private readonly lastFlush = new Map<string, number>();

  constructor(
    private readonly store: PresenceStore,
    private readonly staff: StaffNamespace,
    private readonly log: Logger,
  ) {
    this.timers = [setInterval(() => void this.refresh(), LEASE_REFRESH_MS), setInterval(() => void this.sweep(), SWEEP_MS)];
    for (const t of this.timers) t.unref();
    staff.on('presence:batch', (batch) => {
      if (typeof batch?.orgId === 'string' && Array.isArray(batch.changes)) this.deliver(batch);
    });
    staff.on('connection', (socket) => {
      const { organization } = socket.data.auth;
      const send = (reply: (info: { customerIds: string[] }) => void) =>
        store.online(organization.id).then(
          (customerIds) => reply({ customerIds }),
          (err) => log.error({ err }, 'could not read who is online'),
        );
      // After joining the org room (platform/realtime/io.ts), so a change from now on is heard either here or as a delta.
      void send((info) => socket.emit('presence:online', info));
      onPermitted(socket, 'presence:sync', 'customers.view', (ack: unknown) => {
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
    let batch = this.pending.get(orgId);
    if (!batch) {
      batch = new Map();
      this.pending.set(orgId, batch);
      const wait = (this.lastFlush.get(orgId) ?? -Infinity) + PRESENCE_BATCH_MS - performance.now();
      setTimeout(() => this.flush(orgId), Math.max(0, wait));
    }
    batch.set(customerId, { customerId, online });
  }

  private flush(orgId: string) {
    const batch = this.pending.get(orgId);
    this.pending.delete(orgId);
    this.lastFlush.set(orgId, performance.now());
    if (!batch?.size) return;
    const changes = [...batch.values()];
    this.deliver({ orgId, changes });
    if (reachesOtherNodes(this.staff)) this.staff.serverSideEmit('presence:batch', { orgId, changes });
  }

  /** To the organization's staff sockets on this node. */
  private deliver({ orgId, changes }: PresenceBatch) {
    emitToLocalRoom(this.staff, `org:${orgId}`, 'presence:changes', { changes });
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
    for (const orgId of [...this.pending.keys()]) this.flush(orgId);
    await Promise.all([...this.held.keys()].map((id) => this.letGo(id).catch(() => {})));
    await this.store.close();
  }
}
