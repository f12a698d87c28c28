import { z } from 'zod';

/**
 * Domain events: what a service says happened, written to the outbox in the transaction that made
 * it happen (server/src/platform/outbox.ts). One zod schema per event name types `writeEvent` and
 * every subscriber; the payload is validated when written.
 *
 * The organization is not part of a payload: every event carries `orgId` beside it.
 *
 * Adding events: a domain declares its own map in `schema/src/<domain>/events.ts`
 * (`export const bookingEvents = { 'booking.confirmed': z.object({ bookingId: z.uuid() }) }`)
 * and spreads it into `eventSchemas` below: one line per domain. Names are `<domain>.<what>`,
 * in the past tense; a payload says what changed, not the whole record (subscribers read the
 * current state when they need it, since an event may arrive late, twice or out of order).
 * Never change an existing event's payload incompatibly: events already in the outbox were
 * written with the old one. Add an optional field, or a new event name.
 */

/**
 * The three events of the first half's in-process bus (server/src/lib/events.ts), until the
 * customers and edge domains own them in their own events.ts.
 */
export const coreEvents = {
  /** A customer was updated, deleted or erased (status, erasure and deletion decide door access). */
  'customer.changed': z.object({ customerId: z.uuid() }),
  /**
   * Something that devices hold changed, as of `version` (organizations.edge_version after the
   * change): these customers' entries, these doors' settings, or everything these devices hold.
   */
  'edge.changed': z.object({
    version: z.number().int().nonnegative(),
    customerIds: z.array(z.uuid()).optional(),
    doorIds: z.array(z.uuid()).optional(),
    deviceIds: z.array(z.uuid()).optional(),
  }),
  /** A device was revoked (told so before it goes) or paired anew: its live connections must go. */
  'edge.device.signedOut': z.object({ deviceId: z.uuid(), revoked: z.boolean().optional() }),
} as const;

/** Every event the outbox carries, by name. */
export const eventSchemas = {
  ...coreEvents,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<N extends EventName> = z.infer<(typeof eventSchemas)[N]>;

export const isEventName = (name: string): name is EventName => Object.hasOwn(eventSchemas, name);
