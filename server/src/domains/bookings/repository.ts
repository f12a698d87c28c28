import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { bookings, customerEmails, customerPhones, customers, doorEvents, services } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type ServiceRow = typeof services.$inferSelect;
export type ServiceColumns = Partial<Omit<typeof services.$inferInsert, 'id' | 'orgId' | 'createdAt'>>;
export type BookingRow = typeof bookings.$inferSelect;
export type BookingWithService = BookingRow & { serviceName: string };

const serviceById = (orgId: string, id: string) => and(eq(services.orgId, orgId), eq(services.id, id));

// ————— Services —————

/** The organization's services by name; only the active ones when `activeOnly`. */
export async function listServices(db: DbOrTx, orgId: string, activeOnly = false): Promise<ServiceRow[]> {
  return db
    .select()
    .from(services)
    .where(and(eq(services.orgId, orgId), activeOnly ? eq(services.active, true) : undefined))
    .orderBy(sql`lower(${services.name})`);
}

/** One service; `lock` holds its row for the transaction (concurrent edits queue). */
export async function findService(db: DbOrTx, orgId: string, id: string, lock = false): Promise<ServiceRow | undefined> {
  const query = db.select().from(services).where(serviceById(orgId, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function insertService(db: DbOrTx, orgId: string, values: ServiceColumns & Pick<ServiceRow, 'name' | 'durationMinutes' | 'slotIntervalMinutes'>) {
  const [row] = await db
    .insert(services)
    .values({ orgId, ...values })
    .returning();
  return row!;
}

export async function updateService(db: DbOrTx, orgId: string, id: string, values: ServiceColumns): Promise<ServiceRow | undefined> {
  const [row] = await db.update(services).set(values).where(serviceById(orgId, id)).returning();
  return row;
}

export async function deleteService(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await db.delete(services).where(serviceById(orgId, id)).returning({ id: services.id });
  return rows.length > 0;
}

export async function countBookingsOf(db: DbOrTx, orgId: string, serviceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(bookings)
    .where(and(eq(bookings.orgId, orgId), eq(bookings.serviceId, serviceId)));
  return row!.n;
}

// ————— Bookings —————

/** People booked (confirmed) into each start of a service between two instants, by start in ms. */
export async function bookedBySlot(db: DbOrTx, serviceId: string, from: Date, to: Date): Promise<Map<number, number>> {
  const rows = await db
    .select({ startsAt: bookings.startsAt, people: sql<number>`sum(${bookings.partySize})::int` })
    .from(bookings)
    .where(and(eq(bookings.serviceId, serviceId), eq(bookings.status, 'confirmed'), gte(bookings.startsAt, from), lt(bookings.startsAt, to)))
    .groupBy(bookings.startsAt);
  return new Map(rows.map((r) => [r.startsAt.getTime(), r.people]));
}

/**
 * Holds the slot (service, start) for the rest of the transaction: a concurrent confirmation of
 * the same slot waits here until this one commits, then counts what this one booked. Other slots
 * of the service are not held up.
 */
export async function lockSlot(tx: DbOrTx, serviceId: string, startsAt: Date) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${serviceId}), hashtext(${startsAt.toISOString()}))`);
}

export async function findBookingByKey(db: DbOrTx, orgId: string, idempotencyKey: string): Promise<BookingRow | undefined> {
  const [row] = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.orgId, orgId), eq(bookings.idempotencyKey, idempotencyKey)));
  return row;
}

export async function insertBooking(tx: DbOrTx, values: Omit<typeof bookings.$inferInsert, 'id' | 'createdAt'>): Promise<BookingRow> {
  const [row] = await tx.insert(bookings).values(values).returning();
  return row!;
}

const withService = { booking: bookings, serviceName: services.name };
const flatten = (rows: { booking: BookingRow; serviceName: string }[]): BookingWithService[] => rows.map((r) => ({ ...r.booking, serviceName: r.serviceName }));

export async function findBooking(db: DbOrTx, orgId: string, id: string, lock = false): Promise<BookingWithService | undefined> {
  const query = db
    .select(withService)
    .from(bookings)
    .innerJoin(services, eq(services.id, bookings.serviceId))
    .where(and(eq(bookings.orgId, orgId), eq(bookings.id, id)));
  const [row] = lock ? await query.for('update', { of: bookings }) : await query;
  return row && flatten([row])[0];
}

/** A customer's bookings that end after `now` (soonest first), and those before (latest first, at most `pastLimit`). */
export async function bookingsOfCustomer(db: DbOrTx, orgId: string, customerId: string, now: Date, pastLimit: number) {
  const base = () => db.select(withService).from(bookings).innerJoin(services, eq(services.id, bookings.serviceId));
  const mine = and(eq(bookings.orgId, orgId), eq(bookings.customerId, customerId));
  const [upcoming, past] = [
    await base()
      .where(and(mine, gte(bookings.endsAt, now)))
      .orderBy(asc(bookings.startsAt))
      .limit(200),
    await base()
      .where(and(mine, lt(bookings.endsAt, now)))
      .orderBy(desc(bookings.startsAt))
      .limit(pastLimit),
  ];
  return { upcoming: flatten(upcoming), past: flatten(past) };
}

/** People holding places (confirmed) in one slot of a service, leaving out `exceptId` (a booking being moved). */
export async function peopleInSlot(db: DbOrTx, serviceId: string, startsAt: Date, exceptId?: string): Promise<number> {
  const [row] = await db
    .select({ people: sql<number>`coalesce(sum(${bookings.partySize}), 0)::int` })
    .from(bookings)
    .where(
      and(
        eq(bookings.serviceId, serviceId),
        eq(bookings.status, 'confirmed'),
        eq(bookings.startsAt, startsAt),
        exceptId ? sql`${bookings.id} <> ${exceptId}` : undefined,
      ),
    );
  return row?.people ?? 0;
}

export async function updateBooking(tx: DbOrTx, orgId: string, id: string, values: Partial<Omit<typeof bookings.$inferInsert, 'id' | 'orgId'>>) {
  await tx
    .update(bookings)
    .set(values)
    .where(and(eq(bookings.orgId, orgId), eq(bookings.id, id)));
}

/** The name staff read for a customer: their full name, else their email, else their number. */
export const customerDisplayName = sql<string>`coalesce(nullif(trim(concat_ws(' ', ${customers.firstName}, ${customers.lastName})), ''), ${customers.primaryEmail}, ${customers.customerNumber})`;

/** An organization's bookings starting in [from, to), with their service and customer, by start. */
export async function bookingsBetween(db: DbOrTx, orgId: string, from: Date, to: Date) {
  const rows = await db
    .select({ ...withService, customerNumber: customers.customerNumber, customerName: customerDisplayName })
    .from(bookings)
    .innerJoin(services, eq(services.id, bookings.serviceId))
    .innerJoin(customers, eq(customers.id, bookings.customerId))
    .where(and(eq(bookings.orgId, orgId), gte(bookings.startsAt, from), lt(bookings.startsAt, to)))
    .orderBy(asc(bookings.startsAt), asc(bookings.createdAt));
  return rows.map((r) => ({ ...r.booking, serviceName: r.serviceName, customerNumber: r.customerNumber, customerName: r.customerName }));
}

/** Each customer's first granted door visit in [from, to). */
export async function doorVisitsBetween(db: DbOrTx, orgId: string, customerIds: string[], from: Date, to: Date): Promise<Map<string, Date>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .select({ customerId: doorEvents.customerId, at: sql<Date>`min(${doorEvents.occurredAt})`.mapWith((v: string | Date) => new Date(v)) })
    .from(doorEvents)
    .where(
      and(
        eq(doorEvents.orgId, orgId),
        sql`${doorEvents.customerId} = any(${`{${customerIds.join(',')}}`}::uuid[])`,
        eq(doorEvents.kind, 'access'),
        eq(doorEvents.result, 'granted'),
        gte(doorEvents.occurredAt, from),
        lt(doorEvents.occurredAt, to),
      ),
    )
    .groupBy(doorEvents.customerId);
  return new Map(rows.map((r) => [r.customerId!, r.at]));
}

export async function cancelBooking(tx: DbOrTx, orgId: string, id: string, at: Date) {
  await tx
    .update(bookings)
    .set({ status: 'cancelled', cancelledAt: at })
    .where(and(eq(bookings.orgId, orgId), eq(bookings.id, id)));
}

// ————— Who is booking (C8) —————

/**
 * The customer an email (any of their addresses, any case) or a phone number (E.164, current or
 * earlier) belongs to. The email wins when both match different people; erased customers keep
 * no contacts, so they never match.
 */
export async function matchCustomer(db: DbOrTx, orgId: string, email: string | undefined, phoneE164: string | undefined): Promise<string | undefined> {
  const [byEmail] = email
    ? await db
        .select({ id: customerEmails.customerId })
        .from(customerEmails)
        .where(and(eq(customerEmails.orgId, orgId), eq(sql`lower(${customerEmails.address})`, email.toLowerCase())))
        .limit(1)
    : [];
  if (byEmail) return byEmail.id;
  if (!phoneE164) return undefined;
  // Several people may share a number (a household): the most recently active current holder.
  const [byPhone] = await db
    .select({ id: customerPhones.customerId })
    .from(customerPhones)
    .innerJoin(customers, eq(customers.id, customerPhones.customerId))
    .where(and(eq(customerPhones.orgId, orgId), eq(customerPhones.e164, phoneE164), sql`${customers.erasedAt} is null`))
    .orderBy(sql`${customerPhones.position} is null`, desc(customers.updatedAt))
    .limit(1);
  return byPhone?.id;
}

/**
 * The customer the flow made before for someone who gave `knownId`'s email or phone under these
 * names: the same stranger coming back gets the same record, not a new one each time.
 */
export async function findPossibleDuplicate(db: DbOrTx, orgId: string, knownId: string, firstName: string, lastName: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.orgId, orgId),
        eq(customers.possibleDuplicateOf, knownId),
        sql`lower(coalesce(${customers.firstName}, '')) = lower(${firstName}) and lower(coalesce(${customers.lastName}, '')) = lower(${lastName})`,
        sql`${customers.erasedAt} is null`,
      ),
    )
    .limit(1);
  return row?.id;
}

/** Flags a customer the flow just made as maybe `knownId`, with `knownId`'s status (a ban follows the person). */
export async function flagPossibleDuplicate(db: DbOrTx, orgId: string, id: string, knownId: string) {
  await db.execute(sql`
    update customers c set possible_duplicate_of = k.id, status = k.status
    from customers k where c.org_id = ${orgId} and c.id = ${id} and k.org_id = ${orgId} and k.id = ${knownId}`);
}

/** How many confirmed bookings the customer holds that have not started yet. */
export async function countActiveBookings(db: DbOrTx, orgId: string, customerId: string, now: Date): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from bookings
    where org_id = ${orgId} and customer_id = ${customerId} and status = 'confirmed' and starts_at > ${now.toISOString()}::timestamptz`);
  return rows[0]?.n ?? 0;
}

export async function customerStatusOf(db: DbOrTx, orgId: string, id: string) {
  const [row] = await db
    .select({ status: customers.status, erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, id)));
  return row;
}
