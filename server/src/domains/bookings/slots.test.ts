import { describe, expect, it } from 'vitest';
import { instantAt } from '@foyer/schema/validation';
import { offGridReason, slotGrid } from './slots.ts';

const rules = (over: Partial<Parameters<typeof slotGrid>[0]> = {}) => ({
  durationMinutes: 60,
  slotIntervalMinutes: 30,
  openingHours: [
    { weekday: 1, opens: '09:00', closes: '11:00' },
    { weekday: 1, opens: '14:00', closes: '15:30' },
  ],
  ...over,
});

describe('slotGrid', () => {
  it('starts a slot every interval in each period and ends every slot by closing time', () => {
    // 2026-11-23 is a Monday; London is on GMT then.
    const times = slotGrid(rules(), '2026-11-23', 'Europe/London').map((s) => s.time);
    expect(times).toEqual(['09:00', '09:30', '10:00', '14:00', '14:30']);
  });

  it('has no slots on a day without hours', () => {
    expect(slotGrid(rules(), '2026-11-24', 'Europe/London')).toEqual([]);
  });

  it('follows the wall clock across the spring change in New York (02:00–03:00 does not exist)', () => {
    const grid = slotGrid(
      { durationMinutes: 30, slotIntervalMinutes: 30, openingHours: [{ weekday: 0, opens: '01:00', closes: '04:00' }] },
      '2027-03-14',
      'America/New_York',
    );
    expect(grid.map((s) => s.time)).toEqual(['01:00', '01:30', '03:00', '03:30']);
    expect(grid.map((s) => s.startsAt.toISOString())).toEqual([
      '2027-03-14T06:00:00.000Z',
      '2027-03-14T06:30:00.000Z',
      '2027-03-14T07:00:00.000Z',
      '2027-03-14T07:30:00.000Z',
    ]);
  });

  it('reads a 24:00 close as midnight at the end of the day', () => {
    const grid = slotGrid(
      { durationMinutes: 60, slotIntervalMinutes: 60, openingHours: [{ weekday: 1, opens: '22:00', closes: '24:00' }] },
      '2026-11-23',
      'UTC',
    );
    expect(grid.map((s) => [s.time, s.endsAt.toISOString()])).toEqual([
      ['22:00', '2026-11-23T23:00:00.000Z'],
      ['23:00', '2026-11-24T00:00:00.000Z'],
    ]);
  });
});

describe('offGridReason', () => {
  it('tells a start outside the hours from one between two slots', () => {
    const at = (hhmm: string) => instantAt('2026-11-23', Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), 'Europe/London')!;
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    expect(offGridReason(rules(), '2026-11-23', 'Europe/London', at('09:30'), minutes('09:30'))).toBeNull();
    expect(offGridReason(rules(), '2026-11-23', 'Europe/London', at('09:15'), minutes('09:15'))).toMatch(/not one of the service's slots/);
    expect(offGridReason(rules(), '2026-11-23', 'Europe/London', at('10:30'), minutes('10:30'))).toMatch(/outside the opening hours/);
    expect(offGridReason(rules(), '2026-11-23', 'Europe/London', at('12:00'), minutes('12:00'))).toMatch(/outside the opening hours/);
  });
});
