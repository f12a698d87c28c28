/**
 * What happened in this process that another part of it reacts to, without the one knowing the
 * other: services say what they changed after their transaction commits; the edge channel listens
 * and tells the doors. In process only: with several nodes each node hears its own changes (a
 * Redis-backed bus would carry them across).
 */
export type DomainEvents = {
  /** A customer was updated, deleted or erased (status, erasure and deletion decide door access). */
  'customer.changed': { orgId: string; customerId: string };
  /**
   * Something that devices hold changed, as of `version` (organizations.edge_version after the
   * change): these customers' entries, these doors' settings, or everything these devices hold.
   */
  'edge.changed': { orgId: string; version: number; customerIds?: string[]; doorIds?: string[]; deviceIds?: string[] };
  /** A device was revoked (told so before it goes) or paired anew: its live connections must go. */
  'edge.device.signedOut': { orgId: string; deviceId: string; revoked?: boolean };
};

type Listener<K extends keyof DomainEvents> = (event: DomainEvents[K]) => void | Promise<void>;

export class EventBus {
  private readonly listeners = new Map<keyof DomainEvents, Set<Listener<never>>>();

  constructor(private readonly onError: (error: unknown, name: keyof DomainEvents) => void = () => {}) {}

  /** Adds a listener; returns what removes it. */
  on<K extends keyof DomainEvents>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(name, set);
    return () => set.delete(listener as Listener<never>);
  }

  /** Calls every listener; a listener's failure is reported, never thrown into the emitter's request. */
  emit<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        void Promise.resolve((listener as Listener<K>)(event)).catch((error) => this.onError(error, name));
      } catch (error) {
        this.onError(error, name);
      }
    }
  }
}

/** The process's bus: services emit on it, realtime listens (see realtime/edge.ts). */
export const domainEvents = new EventBus((error, name) => {
  // Listeners log their own failures with context; this is the last resort.
  console.error(`domain event listener for ${name} failed`, error);
});

/**
 * For `transaction(…).then(customerChanged(orgId, id))`: says the customer changed once the
 * transaction committed, and passes its result through.
 */
export const customerChanged =
  (orgId: string, customerId: string) =>
  <T>(value: T): T => {
    domainEvents.emit('customer.changed', { orgId, customerId });
    return value;
  };
