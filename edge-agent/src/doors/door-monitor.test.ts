import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewEvent } from '../access/journal.ts';
import { DoorMonitor } from './door-monitor.ts';

let events: NewEvent[];
let monitor: DoorMonitor;
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  events = [];
  monitor = new DoorMonitor({
    doorId: 'd1',
    settings: () => ({ pulseMs: 3000, heldOpenAlarmSeconds: 30 }),
    forcedOpenGraceMs: 5000,
    report: (e) => events.push(e),
  });
  monitor.contact(false); // closed at start
});
afterEach(() => {
  monitor.stop();
  vi.useRealTimers();
});

describe('door contact alarms', () => {
  it('reports nothing for a granted opening closed in time', () => {
    monitor.granted();
    vi.advanceTimersByTime(1000);
    monitor.contact(true);
    vi.advanceTimersByTime(10_000);
    monitor.contact(false);
    expect(events).toEqual([]);
  });

  it('reports forced open when the door opens with no grant in the pulse plus grace, then closed', () => {
    monitor.granted();
    vi.advanceTimersByTime(8001);
    monitor.contact(true);
    monitor.contact(false);
    expect(events.map((e) => [e.kind, e.result])).toEqual([
      ['door', 'forced_open'],
      ['door', 'closed'],
    ]);
  });

  it('reports held open after heldOpenAlarmSeconds, once', () => {
    monitor.granted();
    monitor.contact(true);
    vi.advanceTimersByTime(29_999);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(events.map((e) => e.result)).toEqual(['held_open']);
    monitor.contact(false);
    expect(events.map((e) => e.result)).toEqual(['held_open', 'closed']);
  });
});
