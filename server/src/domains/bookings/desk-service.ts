import { and, eq, sql } from 'drizzle-orm';
import { customerTags, tags } from '@foyer/schema/tables';
import {
  addDays,
  BOOKING_HORIZON_DAYS,
  instantAt,
  localDateOf,
  toSystemId,
  wallClock,
  type Booking,
  type BookingDay,
  type BookingMove,
  type DayBooking,
  type FieldIssue,
} from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { insertAudit } from '../../platform/audit.ts';
import { findSettings } from '../organizations/settings-repository.ts';
import { tagCap } from '../tags/customer-repository.ts';
import type { CustomerService } from '../customers/service.ts';
import * as repo from './repository.ts';
import { offGridReason, slotGrid } from './slots.ts';
import { toBookingDto } from './service.ts';

type StaffActor = { orgId: string; userId: string | null };

const badField = (name: string, message: string) => invalid(message, [{ field: name, message }] satisfies FieldIssue[]);

/** The built-in tag staff set with a no-show (T1). */
const NO_SHOW_TAG = 'no-show';

/**
 * C8: bookings staff take at the desk or on the phone, move, check in and mark as no-shows, and
 * the day view. Capacity follows the public flow's rules (the slot grid, the service's capacity)
 * under the same per-slot lock, so two staff members and the public flow cannot overbook a slot
 * between them.
 */
export class DeskBookings {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomerService,
  ) {}

  async create(
    actor: StaffActor,
    input: { customer: string; serviceId: string; startsAt: string; partySize: number; channel: 'desk' | 'phone' },
    now = new Date(),
  ) {
    const timezone = await this.timezoneOf(actor.orgId);
    let customerId: string;
    try {
      customerId = await this.customers.idOf(actor.orgId, input.customer);
    } catch {
      throw badField('customer', 'No such customer: choose one from the search');
    }
    const customer = await repo.customerStatusOf(this.db, actor.orgId, customerId);
    if (!customer || customer.erasedAt) throw badField('customer', 'This customer was erased: they cannot be booked');
    const service = await this.bookableService(actor.orgId, input.serviceId);
    const startsAt = new Date(input.startsAt);
    this.checkTime(timezone, service, startsAt, now, 'startsAt');
    this.checkParty(service, input.partySize);
    const row = await this.db.transaction(async (tx) => {
      await repo.lockSlot(tx, service.id, startsAt);
      await this.assertPlaces(tx, service, startsAt, input.partySize);
      const inserted = await repo.insertBooking(tx, {
        orgId: actor.orgId,
        serviceId: service.id,
        customerId,
        startsAt,
        endsAt: new Date(startsAt.getTime() + service.durationMinutes * 60_000),
        partySize: input.partySize,
        priceCents: service.priceCents * input.partySize,
        currency: service.currency,
        source: input.channel,
        createdBy: actor.userId,
      });
      await writeEvent(tx, { orgId: actor.orgId, name: 'booking.confirmed', payload: { bookingId: inserted.id, userId: actor.userId } });
      return inserted;
    });
    return toBookingDto({ ...row, serviceName: service.name }, timezone);
  }

  /**
   * Moves a confirmed booking to another slot (of its service or another), or changes its party:
   * the new slot is locked and counted without this booking's own places, as a new booking would be.
   */
  async move(actor: StaffActor, id: string, input: BookingMove, now = new Date()): Promise<Booking> {
    const timezone = await this.timezoneOf(actor.orgId);
    const current = await repo.findBooking(this.db, actor.orgId, id);
    if (!current) throw notFound('Booking');
    const service =
      input.serviceId && input.serviceId !== current.serviceId
        ? await this.bookableService(actor.orgId, input.serviceId)
        : await repo.findService(this.db, actor.orgId, current.serviceId);
    if (!service) throw notFound('Service');
    const startsAt = new Date(input.startsAt);
    const partySize = input.partySize ?? current.partySize;
    this.checkTime(timezone, service, startsAt, now, 'startsAt');
    this.checkParty(service, partySize);
    return this.db.transaction(async (tx) => {
      const before = await repo.findBooking(tx, actor.orgId, id, true);
      if (!before) throw notFound('Booking');
      if (before.status !== 'confirmed')
        throw new AppError(
          409,
          'booking_not_confirmed',
          `This booking is ${before.status === 'no_show' ? 'a no-show' : 'cancelled'}: only a confirmed booking moves`,
        );
      if (before.serviceId === service.id && before.startsAt.getTime() === startsAt.getTime() && before.partySize === partySize)
        return toBookingDto(before, timezone);
      await repo.lockSlot(tx, service.id, startsAt);
      await this.assertPlaces(tx, service, startsAt, partySize, before.id);
      const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
      await repo.updateBooking(tx, actor.orgId, id, {
        serviceId: service.id,
        startsAt,
        endsAt,
        partySize,
        priceCents: service.priceCents * partySize,
        currency: service.currency,
      });
      await writeEvent(tx, {
        orgId: actor.orgId,
        name: 'booking.moved',
        payload: {
          bookingId: id,
          userId: actor.userId,
          from: { serviceId: before.serviceId, serviceName: before.serviceName, startsAt: before.startsAt.toISOString(), partySize: before.partySize },
        },
      });
      await insertAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        entityType: 'booking',
        entityId: id,
        action: 'updated',
        changes: {
          startsAt: { before: before.startsAt.toISOString(), after: startsAt.toISOString() },
          ...(before.serviceId !== service.id ? { service: { before: before.serviceName, after: service.name } } : {}),
          ...(before.partySize !== partySize ? { partySize: { before: before.partySize, after: partySize } } : {}),
        },
      });
      return toBookingDto(
        { ...before, serviceId: service.id, serviceName: service.name, startsAt, endsAt, partySize, priceCents: service.priceCents * partySize },
        timezone,
      );
    });
  }

  /** The guest is here: checked in at the desk. Twice is once. */
  async checkIn(actor: StaffActor, id: string, now = new Date()): Promise<Booking> {
    const timezone = await this.timezoneOf(actor.orgId);
    return this.db.transaction(async (tx) => {
      const booking = await repo.findBooking(tx, actor.orgId, id, true);
      if (!booking) throw notFound('Booking');
      if (booking.checkedInAt) return toBookingDto(booking, timezone);
      if (booking.status === 'cancelled') throw new AppError(409, 'booking_cancelled', 'This booking was cancelled: book again to check the guest in');
      // A guest marked a no-show who turns up late after all is simply here.
      await repo.updateBooking(tx, actor.orgId, id, { checkedInAt: now, checkedInBy: actor.userId, status: 'confirmed' });
      await writeEvent(tx, { orgId: actor.orgId, name: 'booking.checkedIn', payload: { bookingId: id, userId: actor.userId } });
      await insertAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        entityType: 'booking',
        entityId: id,
        action: 'updated',
        changes: {
          checkedInAt: { before: null, after: now.toISOString() },
          ...(booking.status !== 'confirmed' ? { status: { before: booking.status, after: 'confirmed' } } : {}),
        },
      });
      return toBookingDto({ ...booking, status: 'confirmed', checkedInAt: now }, timezone);
    });
  }

  /**
   * The guest did not come: the booking becomes a no-show (its places free up) and, when asked,
   * the customer gets the built-in No-show tag (unless at the organization's tag cap: `tagged`
   * says whether they got it). Only a booking that has begun can be a no-show.
   */
  async noShow(actor: StaffActor, id: string, input: { tagCustomer: boolean }, now = new Date()): Promise<{ booking: Booking; tagged: boolean }> {
    const timezone = await this.timezoneOf(actor.orgId);
    return this.db.transaction(async (tx) => {
      const booking = await repo.findBooking(tx, actor.orgId, id, true);
      if (!booking) throw notFound('Booking');
      if (booking.status === 'no_show') return { booking: toBookingDto(booking, timezone), tagged: false };
      if (booking.status === 'cancelled') throw new AppError(409, 'booking_cancelled', 'This booking was cancelled: it cannot be a no-show');
      if (booking.checkedInAt) throw new AppError(409, 'booking_checked_in', 'The guest was checked in: they came');
      if (booking.startsAt > now) throw badField('status', 'The booking has not begun yet: mark a no-show once its time has come');
      await repo.updateBooking(tx, actor.orgId, id, { status: 'no_show' });
      const tagged = input.tagCustomer ? await this.tagNoShow(tx, actor, booking.customerId) : false;
      await writeEvent(tx, { orgId: actor.orgId, name: 'booking.noShow', payload: { bookingId: id, userId: actor.userId, tagged } });
      await insertAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        entityType: 'booking',
        entityId: id,
        action: 'updated',
        changes: { status: { before: booking.status, after: 'no_show' } },
      });
      return { booking: toBookingDto({ ...booking, status: 'no_show' }, timezone), tagged };
    });
  }

  /**
   * The day view of a local date (the venue's time zone): every service with its slots that day,
   * the people booked in each against its capacity, and each booking with its customer and
   * whether they arrived (checked in at the desk, or through a door that day).
   */
  async day(orgId: string, date: string | undefined, now = new Date()): Promise<BookingDay> {
    const timezone = await this.timezoneOf(orgId);
    const day = date ?? localDateOf(now, timezone);
    const from = instantAt(day, 0, timezone) ?? new Date(`${day}T00:00:00Z`);
    const to = instantAt(addDays(day, 1), 0, timezone) ?? new Date(`${addDays(day, 1)}T00:00:00Z`);
    const [services, rows] = await Promise.all([repo.listServices(this.db, orgId), repo.bookingsBetween(this.db, orgId, from, to)]);
    const visits = await repo.doorVisitsBetween(this.db, orgId, [...new Set(rows.map((r) => r.customerId))], from, to);
    const summary = { bookings: 0, people: 0, arrived: 0, noShows: 0, cancelled: 0 };
    const dayBookings = rows.map((r): { booking: DayBooking; serviceId: string; startMs: number; endMs: number; confirmed: boolean } => {
      const visit = visits.get(r.customerId);
      const arrival = r.checkedInAt
        ? { how: 'desk' as const, at: r.checkedInAt.toISOString() }
        : visit
          ? { how: 'door' as const, at: visit.toISOString() }
          : null;
      if (r.status === 'cancelled') summary.cancelled++;
      else {
        summary.bookings++;
        summary.people += r.partySize;
        if (r.status === 'no_show') summary.noShows++;
        else if (arrival) summary.arrived++;
      }
      return {
        booking: {
          ...toBookingDto(r, timezone),
          customer: { id: toSystemId(r.customerId), customerNumber: r.customerNumber, name: r.customerName },
          arrival: r.status === 'cancelled' ? null : arrival,
        },
        serviceId: r.serviceId,
        startMs: r.startsAt.getTime(),
        endMs: r.endsAt.getTime(),
        confirmed: r.status === 'confirmed',
      };
    });
    return {
      date: day,
      timezone,
      services: services
        .filter((s) => s.active || dayBookings.some((b) => b.serviceId === s.id))
        .map((s) => {
          const mine = dayBookings.filter((b) => b.serviceId === s.id);
          const grid = new Map(slotGrid(s, day, timezone).map((g) => [g.startsAt.getTime(), { startsAt: g.startsAt, endsAt: g.endsAt, time: g.time }]));
          // A booking off today's grid (the hours changed since) still shows, in a slot of its own.
          for (const b of mine)
            if (!grid.has(b.startMs)) {
              const clock = wallClock(new Date(b.startMs), timezone);
              const time = `${String(clock.hour).padStart(2, '0')}:${String(clock.minute).padStart(2, '0')}`;
              grid.set(b.startMs, { startsAt: new Date(b.startMs), endsAt: new Date(b.endMs), time });
            }
          const slots = [...grid.entries()]
            .sort(([a], [b]) => a - b)
            .map(([ms, g]) => {
              const here = mine.filter((b) => b.startMs === ms);
              return {
                startsAt: g.startsAt.toISOString(),
                endsAt: g.endsAt.toISOString(),
                time: g.time,
                booked: here.filter((b) => b.confirmed).reduce((n, b) => n + b.booking.partySize, 0),
                capacity: s.capacity,
                bookings: here.map((b) => b.booking),
              };
            });
          return { id: s.id, name: s.name, capacity: s.capacity, durationMinutes: s.durationMinutes, active: s.active, slots };
        }),
      summary,
    };
  }

  /** Adds the built-in No-show tag within the tag cap; the history and the timeline say so. */
  private async tagNoShow(tx: DbOrTx, actor: StaffActor, customerId: string): Promise<boolean> {
    const [tag] = await tx
      .select({ id: tags.id, name: tags.name })
      .from(tags)
      .where(and(eq(tags.orgId, actor.orgId), eq(tags.builtin, true), sql`lower(${tags.name}) = ${NO_SHOW_TAG}`));
    if (!tag) return false;
    const have = await tx
      .select({ tagId: customerTags.tagId })
      .from(customerTags)
      .where(and(eq(customerTags.orgId, actor.orgId), eq(customerTags.customerId, customerId)));
    if (have.some((t) => t.tagId === tag.id)) return true;
    if (have.length >= (await tagCap(tx, actor.orgId))) return false;
    await tx.insert(customerTags).values({ orgId: actor.orgId, customerId, tagId: tag.id }).onConflictDoNothing();
    await insertAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      entityType: 'customer',
      entityId: customerId,
      action: 'updated',
      changes: { tags: { before: null, after: `added ${tag.name}` } },
    });
    await writeEvent(tx, { orgId: actor.orgId, name: 'customer.updated', payload: { customerId, actorUserId: actor.userId, fields: ['tags'] } });
    return true;
  }

  private async assertPlaces(tx: DbOrTx, service: repo.ServiceRow, startsAt: Date, partySize: number, exceptId?: string) {
    const booked = await repo.peopleInSlot(tx, service.id, startsAt, exceptId);
    const left = Math.max(0, service.capacity - booked);
    if (partySize > left) {
      const places = left === 1 ? '1 place left' : `${left} places left`;
      throw new AppError(409, 'slot_full', left === 0 ? 'That time is full' : `That time is full for ${partySize}: ${places}`, [
        { field: 'partySize', message: left === 0 ? 'No places left at that time' : `Only ${places} at that time` },
      ]);
    }
  }

  private checkParty(service: repo.ServiceRow, partySize: number) {
    if (partySize > service.capacity)
      throw badField('partySize', `At most ${service.capacity} ${service.capacity === 1 ? 'person' : 'people'} per booking for ${service.name}`);
  }

  /**
   * As the public flow's: a slot of the service's grid, within the horizon. Staff may also book a
   * slot that has begun but not ended (a walk-in joining the 14:00 tea at 14:10).
   */
  private checkTime(timezone: string, service: repo.ServiceRow, startsAt: Date, now: Date, fieldName: string) {
    if (startsAt.getTime() + service.durationMinutes * 60_000 <= now.getTime()) throw badField(fieldName, 'That time has passed: choose a later one');
    const date = localDateOf(startsAt, timezone);
    if (date > addDays(localDateOf(now, timezone), BOOKING_HORIZON_DAYS))
      throw badField(fieldName, `Bookings open ${BOOKING_HORIZON_DAYS} days ahead: choose an earlier date`);
    const clock = wallClock(startsAt, timezone);
    const reason = offGridReason(service, date, timezone, startsAt, clock.hour * 60 + clock.minute);
    if (reason) throw badField(fieldName, reason);
  }

  private async bookableService(orgId: string, serviceId: string) {
    const service = await repo.findService(this.db, orgId, serviceId);
    if (!service) throw badField('serviceId', 'No such service');
    if (!service.active) throw badField('serviceId', 'This service is not offered at the moment');
    return service;
  }

  private async timezoneOf(orgId: string): Promise<string> {
    return (await findSettings(this.db, orgId))?.timezone ?? 'UTC';
  }
}
