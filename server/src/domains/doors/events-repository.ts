import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { customers, doorEventRejects, doorEvents, doors, edgeDevices } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type NewDoorEvent = Omit<typeof doorEvents.$inferInsert, 'id' | 'receivedAt'>;
export type StoredDoorEvent = { id: number; seq: number; doorId: string; kind: string; result: string; customerId: string | null; occurredAt: Date };

/**
 * Locks the device's row so one device's batches are stored one at a time; returns its name as it
 * is now (activities name their source by it).
 */
export async function lockDevice(tx: DbOrTx, deviceId: string): Promise<{ name: string; storedThrough: number }> {
  const [row] = await tx
    .select({ name: edgeDevices.name, storedThrough: edgeDevices.storedThrough })
    .from(edgeDevices)
    .where(eq(edgeDevices.id, deviceId))
    .for('update');
  return row!;
}

/** Which of these seqs the device was refused for before: a seq is decided once. */
export async function rejectedSeqs(tx: DbOrTx, deviceId: string, seqs: number[]): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  const rows = await tx
    .select({ seq: doorEventRejects.seq })
    .from(doorEventRejects)
    .where(and(eq(doorEventRejects.deviceId, deviceId), inArray(doorEventRejects.seq, seqs)));
  return new Set(rows.map((r) => r.seq));
}

/** Inserts the events it has not stored yet and returns only those (a replay returns nothing). */
export async function insertNewEvents(tx: DbOrTx, events: NewDoorEvent[]): Promise<StoredDoorEvent[]> {
  if (events.length === 0) return [];
  return tx
    .insert(doorEvents)
    .values(events)
    .onConflictDoNothing({ target: [doorEvents.deviceId, doorEvents.seq] })
    .returning({
      id: doorEvents.id,
      seq: doorEvents.seq,
      doorId: doorEvents.doorId,
      kind: doorEvents.kind,
      result: doorEvents.result,
      customerId: doorEvents.customerId,
      occurredAt: doorEvents.occurredAt,
    });
}

/** Remembers seqs that can never be stored; a seq stored already stays stored. */
export type Reject = { seq: number; reason: string; event: unknown; customerId: string | null };

/** Quarantines events that can never be stored, with why; a seq stored already stays stored. */
export async function insertRejects(tx: DbOrTx, device: { id: string; orgId: string }, rejects: Reject[]) {
  if (rejects.length === 0) return;
  await tx.execute(sql`
    insert into door_event_rejects (device_id, org_id, seq, reason, event, customer_id)
    select ${device.id}::uuid, ${device.orgId}::uuid, r.seq, r.reason, r.event, r."customerId"
    from jsonb_to_recordset(${JSON.stringify(rejects)}::jsonb) as r(seq bigint, reason text, event jsonb, "customerId" uuid)
    where not exists (select 1 from door_events e where e.device_id = ${device.id} and e.seq = r.seq)
    on conflict do nothing`);
}

export type QuarantinedRow = { seq: number; reason: string; event: unknown; receivedAt: Date };

/** The device's quarantined events, newest first. */
export async function quarantineOf(db: DbOrTx, deviceId: string, limit: number): Promise<QuarantinedRow[]> {
  return db
    .select({ seq: doorEventRejects.seq, reason: doorEventRejects.reason, event: doorEventRejects.event, receivedAt: doorEventRejects.receivedAt })
    .from(doorEventRejects)
    .where(eq(doorEventRejects.deviceId, deviceId))
    .orderBy(desc(doorEventRejects.receivedAt), desc(doorEventRejects.seq))
    .limit(limit);
}

/**
 * Moves the device's watermark over every seq now decided (stored or refused) without a gap, and
 * returns it. Only seqs above the old watermark are read: those of this batch and earlier ones
 * that arrived out of order.
 */
export async function advanceWatermark(tx: DbOrTx, deviceId: string, from: number): Promise<number> {
  const { rows } = await tx.execute<{ seq: string }>(sql`
    select seq from door_events where device_id = ${deviceId} and seq > ${from}
    union select seq from door_event_rejects where device_id = ${deviceId} and seq > ${from}
    order by seq`);
  let through = from;
  for (const { seq } of rows) {
    if (Number(seq) !== through + 1) break;
    through++;
  }
  if (through !== from) await tx.update(edgeDevices).set({ storedThrough: through }).where(eq(edgeDevices.id, deviceId));
  return through;
}

/** Visits count as activity on the list's "last active" (L2). */
export async function markCustomersActive(tx: DbOrTx, orgId: string, visits: { customerId: string; at: Date }[]) {
  if (visits.length === 0) return;
  const values = visits.map((v) => ({ customer_id: v.customerId, at: v.at.toISOString() }));
  await tx.execute(sql`
    update customers c set last_active_at = greatest(c.last_active_at, v.at)
    from (select customer_id, max(at) as at from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as r(customer_id uuid, at timestamptz) group by customer_id) v
    where c.org_id = ${orgId} and c.id = v.customer_id`);
}

/** Which of `ids` are customers of the organization. */
export async function customersOfOrg(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), inArray(customers.id, ids)));
  return new Set(rows.map((r) => r.id));
}

export type DoorLogRow = {
  id: number;
  occurredAt: Date;
  deviceId: string;
  deviceName: string;
  doorId: string;
  doorName: string | null;
  kind: 'access' | 'door';
  result: 'granted' | 'denied' | 'held_open' | 'forced_open' | 'closed';
  reason: string;
  credentialMasked: string | null;
  customerId: string | null;
  customerNumber: string | null;
  firstName: string | null;
  lastName: string | null;
};

/** The door log with the names staff read: device, door (gone when deleted), customer. */
function selectLog(db: DbOrTx) {
  return db
    .select({
      id: doorEvents.id,
      occurredAt: doorEvents.occurredAt,
      deviceId: doorEvents.deviceId,
      deviceName: edgeDevices.name,
      doorId: doorEvents.doorId,
      doorName: doors.name,
      kind: doorEvents.kind,
      result: doorEvents.result,
      reason: doorEvents.reason,
      credentialMasked: doorEvents.credentialMasked,
      customerId: doorEvents.customerId,
      customerNumber: customers.customerNumber,
      firstName: customers.firstName,
      lastName: customers.lastName,
    })
    .from(doorEvents)
    .innerJoin(edgeDevices, eq(edgeDevices.id, doorEvents.deviceId))
    .leftJoin(doors, eq(doors.id, doorEvents.doorId))
    .leftJoin(customers, eq(customers.id, doorEvents.customerId));
}

/** Whether the entry is one of the organization's log. */
export async function isLogEntryOf(db: DbOrTx, orgId: string, id: number): Promise<boolean> {
  const rows = await db
    .select({ id: doorEvents.id })
    .from(doorEvents)
    .where(and(eq(doorEvents.orgId, orgId), eq(doorEvents.id, id)));
  return rows.length > 0;
}

/**
 * The organization's log, newest first (the time the device decided, then id), after `before` in
 * that order when given; one row more than asked says there is more (the order of
 * door_events_org_occurred_idx).
 */
export async function pageOfLog(db: DbOrTx, orgId: string, before: number | undefined, limit: number): Promise<DoorLogRow[]> {
  // The cursor's own time read in SQL: a round trip through a JS Date would drop its microseconds.
  const after =
    before === undefined
      ? undefined
      : sql`(${doorEvents.occurredAt}, ${doorEvents.id}) < (select c.occurred_at, c.id from door_events c where c.id = ${before} and c.org_id = ${orgId})`;
  return selectLog(db)
    .where(and(eq(doorEvents.orgId, orgId), after))
    .orderBy(sql`${doorEvents.occurredAt} desc`, sql`${doorEvents.id} desc`)
    .limit(limit);
}

/** Log rows of one device's events, in the order it decided them (its seq). */
export async function logRowsByIds(db: DbOrTx, orgId: string, ids: number[]): Promise<DoorLogRow[]> {
  if (ids.length === 0) return [];
  return selectLog(db)
    .where(and(eq(doorEvents.orgId, orgId), inArray(doorEvents.id, ids)))
    .orderBy(doorEvents.deviceId, doorEvents.seq);
}
