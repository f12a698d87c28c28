import type { Demand } from '../../platform/permissions.ts';
import {
  addDays,
  BOOKING_HORIZON_DAYS,
  fromSystemId,
  localDateOf,
  normalizePhone,
  wallClock,
  type Booking,
  type BookingConfirmation,
  type BookingCreate,
  type CustomerBookings,
  type FieldIssue,
  type PublicVenue,
  type Slots,
} from '@foyer/schema/validation';
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound, uniqueViolation } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { insertAudit } from '../../platform/audit.ts';
import * as repo from './repository.ts';
import { findOrganizationBySlug, type Organization } from '../organizations/repository.ts';
import { findSettings } from '../organizations/settings-repository.ts';
import { customerIdOf } from '../doors/customer-access.ts';
import type { Actor, CustomerService } from '../customers/service.ts';
import { issueFlowToken, verifyFlowToken } from './flow-tokens.ts';
import { offGridReason, slotGrid } from './slots.ts';

const field = (name: string, message: string): FieldIssue[] => [{ field: name, message }];
const badField = (name: string, message: string) => invalid(message, field(name, message));

export function toBookingDto(b: repo.BookingWithService, timezone: string): Booking {
  return {
    id: b.id,
    service: { id: b.serviceId, name: b.serviceName },
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    timezone,
    partySize: b.partySize,
    status: b.status,
    priceCents: b.priceCents,
    currency: b.currency,
    source: b.source,
    createdAt: b.createdAt.toISOString(),
    cancelledAt: b.cancelledAt?.toISOString() ?? null,
    checkedInAt: b.checkedInAt?.toISOString() ?? null,
  };
}

export type BookingResult = { booking: BookingConfirmation; replayed: boolean };

/**
 * C8: the public booking flow (no staff session: a venue is named by its slug, a customer by the
 * flow token `identify` hands out) and the staff's view of a customer's bookings.
 */
export class BookingService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomerService,
  ) {}

  async venue(slug: string): Promise<PublicVenue> {
    const org = await this.org(slug);
    const services = await repo.listServices(this.db, org.id, true);
    return {
      name: org.name,
      slug: org.slug,
      timezone: org.timezone,
      services: services.map((s) => ({
        id: s.id,
        name: s.name,
        description: s.description,
        durationMinutes: s.durationMinutes,
        priceCents: s.priceCents,
        currency: s.currency,
        capacity: s.capacity,
      })),
    };
  }

  /** The slots of a local day with the places left in each; slots already begun are left out. */
  async slots(slug: string, serviceId: string, date: string, now = new Date()): Promise<Slots> {
    const org = await this.org(slug);
    const service = await this.activeService(org.id, serviceId);
    const today = localDateOf(now, org.timezone);
    if (date > addDays(today, BOOKING_HORIZON_DAYS))
      throw badField('date', `Bookings open ${BOOKING_HORIZON_DAYS} days ahead: choose a date until ${addDays(today, BOOKING_HORIZON_DAYS)}`);
    const grid = date < today ? [] : slotGrid(service, date, org.timezone).filter((s) => s.startsAt > now);
    const booked = grid.length ? await repo.bookedBySlot(this.db, service.id, grid[0]!.startsAt, new Date(grid.at(-1)!.startsAt.getTime() + 1)) : new Map();
    return {
      date,
      timezone: org.timezone,
      slots: grid.map((s) => ({
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        time: s.time,
        placesLeft: Math.max(0, service.capacity - (booked.get(s.startsAt.getTime()) ?? 0)),
      })),
    };
  }

  /**
   * Who is booking: a new customer with source `online`. An email or phone already on file proves
   * nothing (anyone can type it), so it does not open that customer's profile to the flow: the
   * flow makes (or, the same names again, reuses) a customer flagged as a possible duplicate of
   * the one on file, for staff to merge; that customer carries the known one's status, so a ban
   * follows the person. The answer is a flow token either way, and nothing else: the flow cannot
   * learn whether someone is on file, or banned. The record on file is not changed.
   */
  async identify(slug: string, input: { firstName: string; lastName: string; email: string; phone?: string }): Promise<{ flowToken: string }> {
    const org = await this.org(slug);
    const phone = input.phone === undefined ? undefined : normalizePhone(input.phone, org.defaultCountry);
    if (phone === null) throw badField('phone', `"${input.phone}" is not a valid phone number: include the country code, e.g. +44 20 7946 0958`);
    const actor: Actor = { orgId: org.id, userId: null, defaultCountry: org.defaultCountry };
    let known = await repo.matchCustomer(this.db, org.id, input.email, phone?.e164);
    if (!known) {
      try {
        // Through the customer service: validation, company-domain links and the audit row apply.
        const created = await this.customers.create(actor, {
          firstName: input.firstName,
          lastName: input.lastName,
          emails: [input.email],
          phones: phone ? [phone.raw] : undefined,
          source: 'online',
        });
        return { flowToken: await issueFlowToken(this.db, org.id, fromSystemId(created.id)) };
      } catch (error) {
        // Another request took the email meanwhile: it is on file now, so this is as for one on file.
        if (!(error instanceof AppError && error.code === 'email_taken')) throw error;
        known = await repo.matchCustomer(this.db, org.id, input.email, phone?.e164);
        if (!known) throw error;
      }
    }
    const again = await repo.findPossibleDuplicate(this.db, org.id, known, input.firstName, input.lastName);
    if (again) return { flowToken: await issueFlowToken(this.db, org.id, again) };
    // The email and phone are the known customer's (they are unique): the new record has the names.
    const created = await this.customers.create(actor, { firstName: input.firstName, lastName: input.lastName, source: 'online' });
    const id = fromSystemId(created.id);
    await repo.flagPossibleDuplicate(this.db, org.id, id, known);
    return { flowToken: await issueFlowToken(this.db, org.id, id) };
  }

  /**
   * Confirms a booking. Capacity holds under concurrent confirmations: the slot is locked inside
   * the transaction (see lockSlot), then the people already booked are counted and the booking is
   * written, so two confirmations of the last place are decided one after the other.
   */
  async book(slug: string, input: BookingCreate, now = new Date()): Promise<BookingResult> {
    const org = await this.org(slug);
    const who = await verifyFlowToken(this.db, input.flowToken);
    if (!who || who.orgId !== org.id)
      throw new AppError(401, 'flow_token_invalid', 'Your details have expired: enter them again', field('flowToken', 'Enter your details again'));

    const replay = await repo.findBookingByKey(this.db, org.id, input.idempotencyKey);
    if (replay) return this.replayed(org, replay, who.customerId, input);

    const service = await repo.findService(this.db, org.id, input.serviceId);
    if (!service) throw notFound('Service');
    if (!service.active) throw badField('serviceId', 'This service is not offered at the moment');
    const startsAt = new Date(input.startsAt);
    this.checkTime(org, service, startsAt, now);
    if (input.partySize > service.capacity)
      throw badField('partySize', `At most ${service.capacity} ${service.capacity === 1 ? 'person' : 'people'} per booking for ${service.name}`);

    const customer = await repo.customerStatusOf(this.db, org.id, who.customerId);
    if (!customer || customer.erasedAt)
      throw new AppError(401, 'flow_token_invalid', 'Your details have expired: enter them again', field('flowToken', 'Enter your details again'));
    if (customer.status === 'banned') throw new AppError(403, 'booking_refused', 'Online booking is not available: please contact the venue');
    const limit = (await findSettings(this.db, org.id))?.maxActiveBookingsPerCustomer ?? 5;

    try {
      const booking = await this.db.transaction(async (tx) => {
        // One customer's bookings are decided one at a time, so that two at once cannot pass the cap together.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`bookings-of:${who.customerId}`}, 0))`);
        await repo.lockSlot(tx, service.id, startsAt);
        // A retry that waited on the lock behind its first attempt sees that attempt now.
        const first = await repo.findBookingByKey(tx, org.id, input.idempotencyKey);
        if (first) return { row: first, fresh: false };
        if ((await repo.countActiveBookings(tx, org.id, who.customerId, now)) >= limit)
          throw new AppError(
            409,
            'booking_limit',
            `You already have ${limit} upcoming ${limit === 1 ? 'booking' : 'bookings'}, the most this venue takes online`,
            [{ field: 'startsAt', message: `At most ${limit} upcoming ${limit === 1 ? 'booking' : 'bookings'} at a time: cancel one or contact the venue` }],
          );
        const booked = (await repo.bookedBySlot(tx, service.id, startsAt, new Date(startsAt.getTime() + 1))).get(startsAt.getTime()) ?? 0;
        const left = Math.max(0, service.capacity - booked);
        if (input.partySize > left) {
          const places = left === 1 ? '1 place left' : `${left} places left`;
          throw new AppError(409, 'slot_full', left === 0 ? 'That time is full' : `That time is full for ${input.partySize}: ${places}`, [
            { field: 'partySize', message: left === 0 ? 'No places left at that time' : `Only ${places} at that time` },
          ]);
        }
        const row = await repo.insertBooking(tx, {
          orgId: org.id,
          serviceId: service.id,
          customerId: who.customerId,
          startsAt,
          endsAt: new Date(startsAt.getTime() + service.durationMinutes * 60_000),
          partySize: input.partySize,
          priceCents: service.priceCents * input.partySize,
          currency: service.currency,
          source: 'online',
          idempotencyKey: input.idempotencyKey,
        });
        await writeEvent(tx, { orgId: org.id, name: 'booking.confirmed', payload: { bookingId: row.id } });
        return { row, fresh: true };
      });
      if (!booking.fresh) return this.replayed(org, booking.row, who.customerId, input);
      return { booking: this.confirmation(org, { ...booking.row, serviceName: service.name }), replayed: false };
    } catch (error) {
      if (uniqueViolation(error) !== 'bookings_idempotency_idx') throw error;
      // The same key confirmed at once for another slot: the first one stands.
      const first = await repo.findBookingByKey(this.db, org.id, input.idempotencyKey);
      if (!first) throw error;
      return this.replayed(org, first, who.customerId, input);
    }
  }

  /** A customer's bookings, upcoming (soonest first) and past (latest first), in the venue's zone. */
  async ofCustomer(orgId: string, ref: string, now = new Date()): Promise<CustomerBookings> {
    const customerId = await customerIdOf(this.db, orgId, ref);
    const timezone = await this.timezoneOf(orgId);
    const { upcoming, past } = await repo.bookingsOfCustomer(this.db, orgId, customerId, now, 50);
    return { upcoming: upcoming.map((b) => toBookingDto(b, timezone)), past: past.map((b) => toBookingDto(b, timezone)) };
  }

  /** Staff cancel a booking: its places free up; the customer's timeline and the audit log say who. Twice is once. */
  async cancel(actor: Pick<Actor, 'orgId' | 'userId'>, id: string, demand: Demand = () => {}, now = new Date()): Promise<Booking> {
    const timezone = await this.timezoneOf(actor.orgId);
    return this.db.transaction(async (tx) => {
      const booking = await repo.findBooking(tx, actor.orgId, id, true);
      if (!booking) throw notFound('Booking');
      if (booking.createdBy !== actor.userId) demand('bookings.manage', "cancel a booking someone else took (online bookings are nobody's)");
      if (booking.status === 'cancelled') return toBookingDto(booking, timezone);
      await repo.cancelBooking(tx, actor.orgId, id, now);
      const after = { ...booking, status: 'cancelled' as const, cancelledAt: now };
      await writeEvent(tx, { orgId: actor.orgId, name: 'booking.cancelled', payload: { bookingId: id, by: 'staff', userId: actor.userId } });
      await insertAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        entityType: 'booking',
        entityId: id,
        action: 'updated',
        changes: { status: { before: booking.status, after: 'cancelled' } },
      });
      return toBookingDto(after, timezone);
    });
  }

  private confirmation(org: Organization, booking: repo.BookingWithService): BookingConfirmation {
    return { ...toBookingDto(booking, org.timezone), venue: { name: org.name } };
  }

  /** A key seen before: the same request gets the first booking back; another request with it is refused. */
  private async replayed(org: Organization, first: repo.BookingRow, customerId: string, input: BookingCreate): Promise<BookingResult> {
    const same =
      first.customerId === customerId &&
      first.serviceId === input.serviceId &&
      first.startsAt.getTime() === new Date(input.startsAt).getTime() &&
      first.partySize === input.partySize;
    if (!same) {
      const message = 'This idempotency key was used for another booking: send a new key for a new booking';
      throw new AppError(409, 'idempotency_key_reused', message, field('idempotencyKey', message));
    }
    const booking = await repo.findBooking(this.db, org.id, first.id);
    return { booking: this.confirmation(org, booking!), replayed: true };
  }

  /** The start must be a slot of its local day, not begun, and within the booking horizon. */
  private checkTime(org: Organization, service: repo.ServiceRow, startsAt: Date, now: Date) {
    if (startsAt <= now) throw badField('startsAt', 'That time has passed: choose a later one');
    const date = localDateOf(startsAt, org.timezone);
    if (date > addDays(localDateOf(now, org.timezone), BOOKING_HORIZON_DAYS))
      throw badField('startsAt', `Bookings open ${BOOKING_HORIZON_DAYS} days ahead: choose an earlier date`);
    const clock = wallClock(startsAt, org.timezone);
    const reason = offGridReason(service, date, org.timezone, startsAt, clock.hour * 60 + clock.minute);
    if (reason) throw badField('startsAt', reason);
  }

  private async activeService(orgId: string, serviceId: string) {
    const service = await repo.findService(this.db, orgId, serviceId);
    if (!service || !service.active) throw notFound('Service');
    return service;
  }

  private async org(slug: string): Promise<Organization> {
    const org = await findOrganizationBySlug(this.db, slug);
    if (!org) throw notFound('Venue');
    return org;
  }

  private async timezoneOf(orgId: string): Promise<string> {
    return (await findSettings(this.db, orgId))?.timezone ?? 'UTC';
  }
}
