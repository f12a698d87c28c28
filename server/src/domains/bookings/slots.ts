import { hhmmOf, instantAt, minutesOf, weekdayOf, type OpeningPeriodInput } from '@foyer/schema/validation';

/** What the slot grid needs of a service. */
export type SlotRules = { durationMinutes: number; slotIntervalMinutes: number; openingHours: OpeningPeriodInput[] };

export type GridSlot = { startsAt: Date; endsAt: Date; time: string };

/**
 * C8: the slots of one local day, in the venue's time zone. Slots follow the wall clock: a venue
 * open 09:00–17:00 has a 09:00 slot in winter and in summer. A start the clocks skip (the hour
 * they go forward) has no slot; a start they show twice (going back) has one, at its first
 * occurrence. A slot lasts its duration in real time and ends within its opening period.
 */
export function slotGrid(rules: SlotRules, date: string, timeZone: string): GridSlot[] {
  const weekday = weekdayOf(date);
  const slots: GridSlot[] = [];
  const periods = rules.openingHours.filter((p) => p.weekday === weekday).sort((a, b) => minutesOf(a.opens) - minutesOf(b.opens));
  for (const period of periods) {
    const closes = minutesOf(period.closes);
    for (let start = minutesOf(period.opens); start + rules.durationMinutes <= closes; start += rules.slotIntervalMinutes) {
      const startsAt = instantAt(date, start, timeZone);
      if (!startsAt) continue;
      slots.push({ startsAt, endsAt: new Date(startsAt.getTime() + rules.durationMinutes * 60_000), time: hhmmOf(start) });
    }
  }
  return slots;
}

/**
 * Why `startsAt` (a slot of `date`'s grid or not) cannot be booked: outside the opening hours, or
 * inside them but between two slot starts. Null when it is a slot.
 */
export function offGridReason(rules: SlotRules, date: string, timeZone: string, startsAt: Date, localMinutes: number): string | null {
  if (slotGrid(rules, date, timeZone).some((s) => s.startsAt.getTime() === startsAt.getTime())) return null;
  const inside = rules.openingHours.some(
    (p) => p.weekday === weekdayOf(date) && localMinutes >= minutesOf(p.opens) && localMinutes + rules.durationMinutes <= minutesOf(p.closes),
  );
  return inside
    ? `That time is not one of the service's slots (they start every ${rules.slotIntervalMinutes} minutes)`
    : 'That time is outside the opening hours';
}
