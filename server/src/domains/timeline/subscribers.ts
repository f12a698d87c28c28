import { sql } from 'drizzle-orm';
import {
  fromSystemId as fromSystemIdOf,
  NOTE_SESSION_MINUTES,
  TIMELINE_SOURCES,
  TimelineEntrySchema,
  type StaffRef,
  type TimelineEntry,
  type TimelineSource,
} from '@foyer/schema/validation';
import type { Services } from '../../platform/domain.ts';
import { localSubscriber, subscriber, writeEvent, type OutboxEvent, type Subscriber, type Tx } from '../../platform/outbox.ts';
import { findBooking, type BookingWithService } from '../bookings/repository.ts';
import { logRowsByIds } from '../doors/events-repository.ts';
import { findAttachment } from '../notes/repository.ts';
import { findEnquiry } from '../enquiries/repository.ts';
import { findSettings } from '../organizations/settings-repository.ts';
import { loadOrders, paymentsByIds } from '../orders/repository.ts';
import { customerState, insertEntry, lockFor, openSession, setEntryData, staffRefs, toRow, type NewEntry } from './repository.ts';

/**
 * Ac1: the timeline is written here and only here, from the events other domains write to the
 * outbox. Each durable subscriber runs in a transaction with its delivery mark (once per event),
 * and each entry carries its event's id under a unique index, so an event delivered again (a
 * node died after the commit, a mark lost) finds its entry instead of adding another.
 *
 * Handlers read the current state (the booking, the door log entry, the attachment) rather than
 * trusting the payload alone: an event may arrive late, after a merge moved the row to another
 * customer (the entry follows it) or after a delete took it (no entry).
 *
 * Subscriber ids are stable (deliveries are keyed by them): never rename one.
 */
export function timelineSubscribers(services: Services): Subscriber[] {
  return [
    subscriber({ id: 'timeline.doors', on: ['door.visited'], handle: doorVisited }),
    subscriber({ id: 'timeline.bookings', on: ['booking.confirmed', 'booking.cancelled'], handle: bookingChanged }),
    subscriber({ id: 'timeline.bookings-desk', on: ['booking.moved', 'booking.checkedIn', 'booking.noShow'], handle: bookingWorked }),
    subscriber({ id: 'timeline.enquiries', on: ['enquiry.received', 'enquiry.updated'], handle: enquiryChanged }),
    subscriber({ id: 'timeline.profile', on: ['customer.created', 'customer.updated', 'customer.erased', 'customer.merged'], handle: profileChanged }),
    subscriber({ id: 'timeline.notes', on: ['note.edited', 'note.attachment.added'], handle: noteChanged }),
    subscriber({ id: 'timeline.orders', on: ['order.placed', 'order.cancelled', 'payment.received', 'refund.issued'], handle: moneyChanged }),
    subscriber({ id: 'timeline.imports', on: ['customers.imported'], handle: customersImported }),
    // On every node: staff here with the profile open see the entry at once.
    localSubscriber({
      id: 'timeline.live',
      on: ['timeline.recorded'],
      handle: (event) => services.activities.push(event.orgId, event.payload.customerId, event.payload.entryId),
    }),
  ];
}

/**
 * Writes one entry for the event, checked against the union, unless the event wrote it before;
 * then says so on the outbox (`timeline.recorded`) for the live push.
 */
async function record(tx: Tx, event: OutboxEvent, customerId: string, entry: NewEntry) {
  const customer = await customerState(tx, event.orgId, customerId);
  // Deleted since; or erased, and the notes (what note entries are about) went with the erasure.
  if (!customer || (customer.erased && entry.category === 'note')) return;
  // Checked (and stripped to the kind's fields) before it is stored: what the API reads back parses.
  const checked: Partial<TimelineEntry> = TimelineEntrySchema.parse({ ...entry, id: 0 });
  delete checked.id;
  const id = await insertEntry(tx, toRow(event.orgId, customerId, event.id, checked as NewEntry));
  if (id !== undefined) await writeEvent(tx, { orgId: event.orgId, name: 'timeline.recorded', payload: { customerId, entryId: id } });
}

async function actorOf(tx: Tx, orgId: string, userId: string | null): Promise<StaffRef | null> {
  return userId ? ((await staffRefs(tx, orgId, [userId])).get(userId) ?? null) : null;
}

const iso = (d: Date) => d.toISOString();

async function doorVisited(event: OutboxEvent<'door.visited'>, tx: Tx) {
  const [visit] = await logRowsByIds(tx, event.orgId, [event.payload.doorEventId]);
  // The customer as the log has them now (a merge moves visits along).
  if (!visit?.customerId || visit.kind !== 'access' || visit.result !== 'granted') return;
  await record(tx, event, visit.customerId, {
    type: 'door_entry',
    category: 'visit',
    source: 'edge',
    occurredAt: iso(visit.occurredAt),
    actor: null,
    door: { id: visit.doorId, name: visit.doorName ?? 'Deleted door' },
    device: { id: visit.deviceId, name: visit.deviceName },
    doorEventId: visit.id,
  });
}

const bookingOf = (b: BookingWithService, timezone: string) => ({
  id: b.id,
  service: { id: b.serviceId, name: b.serviceName },
  startsAt: iso(b.startsAt),
  timezone,
  partySize: b.partySize,
});

async function bookingChanged(event: OutboxEvent<'booking.confirmed' | 'booking.cancelled'>, tx: Tx) {
  const booking = await findBooking(tx, event.orgId, event.payload.bookingId);
  if (!booking) return;
  const timezone = (await findSettings(tx, event.orgId))?.timezone ?? 'UTC';
  if (event.name === 'booking.confirmed') {
    const userId = (event as OutboxEvent<'booking.confirmed'>).payload.userId ?? null;
    // Staff took it at the desk or on the phone: the dashboard, whoever it was.
    const source: TimelineSource =
      userId || STAFF_CHANNELS.includes(booking.source)
        ? 'dashboard'
        : (TIMELINE_SOURCES as readonly string[]).includes(booking.source)
          ? (booking.source as TimelineSource)
          : 'online';
    await record(tx, event, booking.customerId, {
      type: 'booking_confirmed',
      category: 'booking',
      source,
      occurredAt: iso(booking.createdAt),
      actor: await actorOf(tx, event.orgId, userId),
      booking: bookingOf(booking, timezone),
    });
  } else {
    const { by, userId } = event.payload;
    await record(tx, event, booking.customerId, {
      type: 'booking_cancelled',
      category: 'booking',
      source: by === 'staff' ? 'dashboard' : 'online',
      occurredAt: iso(booking.cancelledAt ?? event.createdAt),
      actor: await actorOf(tx, event.orgId, userId),
      booking: bookingOf(booking, timezone),
      cancelledBy: by,
    });
  }
}

const STAFF_CHANNELS: readonly string[] = ['desk', 'phone', 'dashboard'];

async function bookingWorked(event: OutboxEvent<'booking.moved' | 'booking.checkedIn' | 'booking.noShow'>, tx: Tx) {
  const booking = await findBooking(tx, event.orgId, event.payload.bookingId);
  if (!booking) return;
  const timezone = (await findSettings(tx, event.orgId))?.timezone ?? 'UTC';
  const base = {
    category: 'booking',
    source: 'dashboard',
    occurredAt: iso(event.createdAt),
    actor: await actorOf(tx, event.orgId, event.payload.userId),
    booking: bookingOf(booking, timezone),
  } as const;
  switch (event.name) {
    case 'booking.moved': {
      const { from } = (event as OutboxEvent<'booking.moved'>).payload;
      return record(tx, event, booking.customerId, {
        ...base,
        type: 'booking_moved',
        from: { service: { id: from.serviceId, name: from.serviceName }, startsAt: from.startsAt, partySize: from.partySize },
      });
    }
    case 'booking.checkedIn':
      return record(tx, event, booking.customerId, { ...base, type: 'booking_checked_in' });
    case 'booking.noShow':
      return record(tx, event, booking.customerId, { ...base, type: 'booking_no_show', tagged: (event as OutboxEvent<'booking.noShow'>).payload.tagged });
  }
}

async function enquiryChanged(event: OutboxEvent<'enquiry.received' | 'enquiry.updated'>, tx: Tx) {
  const enquiry = await findEnquiry(tx, event.orgId, event.payload.enquiryId);
  if (!enquiry) return;
  const ref = { id: enquiry.id, preferredDate: enquiry.preferredDate, partySize: enquiry.partySize };
  if (event.name === 'enquiry.received') {
    return record(tx, event, enquiry.customerId, {
      type: 'enquiry_received',
      category: 'enquiry',
      source: enquiry.source === 'online' ? 'online' : 'dashboard',
      occurredAt: iso(enquiry.createdAt),
      actor: null,
      enquiry: ref,
    });
  }
  const { status, userId } = (event as OutboxEvent<'enquiry.updated'>).payload;
  // An assignment alone is the inbox's business, not the customer's story.
  if (!status) return;
  return record(tx, event, enquiry.customerId, {
    type: 'enquiry_status_changed',
    category: 'enquiry',
    source: 'dashboard',
    occurredAt: iso(event.createdAt),
    actor: await actorOf(tx, event.orgId, userId),
    enquiry: ref,
    from: status.before,
    to: status.after,
  });
}

async function profileChanged(event: OutboxEvent<'customer.created' | 'customer.updated' | 'customer.erased' | 'customer.merged'>, tx: Tx) {
  const actor = await actorOf(tx, event.orgId, event.payload.actorUserId);
  const base = { category: 'profile', source: actor ? 'dashboard' : 'system', occurredAt: iso(event.createdAt), actor } as const;
  switch (event.name) {
    case 'customer.created':
      return record(tx, event, event.payload.customerId, { ...base, type: 'profile_created', source: event.payload.source });
    case 'customer.updated':
      return record(tx, event, event.payload.customerId, { ...base, type: 'profile_updated', fields: event.payload.fields });
    case 'customer.erased':
      return record(tx, event, event.payload.customerId, { ...base, type: 'profile_erased' });
    case 'customer.merged':
      return record(tx, event, event.payload.intoId, { ...base, type: 'profile_merged', from: { customerNumber: event.payload.fromCustomerNumber } });
  }
}

/**
 * I1: a batch of an import committed: each customer it created gets its profile_created entry
 * (source import), the batch's entries in one statement. Exactly once per event through the
 * delivery mark (these entries carry no event id: one event writes thousands).
 */
async function customersImported(event: OutboxEvent<'customers.imported'>, tx: Tx) {
  const { importId, fromLine, toLine, actorUserId } = event.payload;
  const data = TimelineEntrySchema.parse({
    id: 0,
    type: 'profile_created',
    category: 'profile',
    source: 'import',
    occurredAt: iso(event.createdAt),
    actor: await actorOf(tx, event.orgId, actorUserId),
  });
  await tx.execute(sql`
    insert into activities (org_id, customer_id, category, type, source, occurred_at, data)
    select f.org_id, f.customer_id, 'profile', 'profile_created', 'import', f.created_at, ${JSON.stringify({ actor: data.actor })}::jsonb
      from customer_import_effects f
     where f.import_id = ${importId} and f.org_id = ${event.orgId} and f.action = 'created' and f.line between ${fromLine} and ${toLine}`);
}

async function noteChanged(event: OutboxEvent<'note.edited' | 'note.attachment.added'>, tx: Tx) {
  if (event.name === 'note.attachment.added') {
    const file = await findAttachment(tx, event.orgId, event.payload.attachmentId);
    if (!file) return; // removed before we got to it
    return record(tx, event, file.customerId, {
      type: 'attachment_added',
      category: 'note',
      source: 'dashboard',
      occurredAt: iso(file.createdAt),
      actor: file.uploadedBy ? { userId: file.uploadedBy, name: file.uploaderName ?? 'A colleague' } : null,
      attachment: { id: file.id, fileName: file.fileName, contentType: file.contentType, byteSize: file.byteSize },
    });
  }
  return noteEdited(event as OutboxEvent<'note.edited'>, tx);
}

/**
 * One entry per editing session: an edit within NOTE_SESSION_MINUTES of the session's last one
 * joins it (its editors, its last edit), anything later opens a new entry. The customer's note
 * events are taken one at a time across nodes (an advisory lock), so two deliveries at once
 * cannot both open a session.
 */
async function noteEdited(event: OutboxEvent<'note.edited'>, tx: Tx) {
  const { customerId, editorIds, wasEmpty } = event.payload;
  await lockFor(tx, `timeline:note:${event.orgId}:${customerId}`);
  const customer = await customerState(tx, event.orgId, customerId);
  if (!customer || customer.erased) return;
  const byId = await staffRefs(tx, event.orgId, editorIds);
  const editors = editorIds.flatMap((id) => byId.get(id) ?? []);
  const at = event.createdAt;
  const open = await openSession(tx, event.orgId, customerId, ['note_added', 'note_edited'], new Date(at.getTime() - NOTE_SESSION_MINUTES * 60_000));
  if (!open) {
    return record(tx, event, customerId, {
      type: wasEmpty ? 'note_added' : 'note_edited',
      category: 'note',
      source: 'dashboard',
      occurredAt: iso(at),
      actor: editors[0] ?? null,
      editors,
      lastEditedAt: iso(at),
    });
  }
  const data = open.data as { editors: StaffRef[]; lastEditedAt: string };
  const known = new Set(data.editors.map((e) => e.userId));
  const joined = [...data.editors, ...editors.filter((e) => !known.has(e.userId))];
  const last = new Date(Math.max(Date.parse(data.lastEditedAt), at.getTime()));
  // Delivered again, or an earlier edit arriving late: nothing new to say.
  if (joined.length === data.editors.length && last.getTime() === Date.parse(data.lastEditedAt)) return;
  await setEntryData(tx, open.id, { ...data, editors: joined, lastEditedAt: iso(last) });
  await writeEvent(tx, { orgId: event.orgId, name: 'timeline.recorded', payload: { customerId, entryId: open.id } });
}

/** How an order's channel shows as an entry's source: the desk is staff in the app; tills and integrators are the system. */
const sourceOfChannel = (channel: string): TimelineSource =>
  channel === 'desk' ? 'dashboard' : channel === 'online' ? 'online' : channel === 'import' ? 'import' : 'system';

async function moneyChanged(event: OutboxEvent<'order.placed' | 'order.cancelled' | 'payment.received' | 'refund.issued'>, tx: Tx) {
  const actor = await actorOf(tx, event.orgId, event.payload.userId);
  if (event.name === 'order.placed' || event.name === 'order.cancelled') {
    const [order] = await loadOrders(tx, event.orgId, [event.payload.orderId]);
    if (!order) return; // deleted with its customer since
    const summary = order.lines
      .slice(0, 3)
      .map((l) => (l.quantity > 1 ? `${l.name} ×${l.quantity}` : l.name))
      .join(', ');
    const base = {
      category: 'order',
      source: sourceOfChannel(order.channel),
      actor,
      order: {
        id: order.id,
        channel: order.channel,
        totalCents: order.totalCents,
        currency: order.currency,
        summary: order.lines.length > 3 ? `${summary} and ${order.lines.length - 3} more` : summary,
        lineCount: order.lines.length,
      },
    } as const;
    const customerId = fromSystemIdOf(order.customer.id);
    if (event.name === 'order.placed') return record(tx, event, customerId, { ...base, type: 'order_placed', occurredAt: order.placedAt });
    return record(tx, event, customerId, { ...base, type: 'order_cancelled', occurredAt: order.cancelledAt ?? iso(event.createdAt) });
  }
  const [payment] = await paymentsByIds(tx, event.orgId, [event.payload.paymentId]);
  if (!payment) return;
  const { rows } = await tx.execute<{ customer_id: string }>(sql`select customer_id from payments where id = ${payment.id}`);
  const customerId = rows[0]?.customer_id;
  if (!customerId) return;
  const base = {
    category: 'payment',
    source: actor ? 'dashboard' : 'system',
    occurredAt: payment.createdAt,
    actor,
    payment: {
      id: payment.id,
      method: payment.method,
      amountCents: payment.amountCents,
      currency: payment.currency,
      orderId: payment.orderId,
      bookingId: payment.bookingId,
    },
  } as const;
  if (event.name === 'payment.received') return record(tx, event, customerId, { ...base, type: 'payment_received' });
  return record(tx, event, customerId, { ...base, type: 'refund_issued', reason: payment.reason });
}
