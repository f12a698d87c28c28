import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLog } from '../log.ts';
import { PulsedDoor, type DoorLines } from './door-io.ts';
import { SimulatedLines } from './simulated-lines.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('a pulsed door keeps the relay fail-secure', () => {
  it('starts locked, pulses for the time asked, and a second pulse restarts the time', () => {
    const lines = new SimulatedLines();
    lines.relay = true; // whatever state the line was left in
    const door = new PulsedDoor(lines, 'front', silentLog);
    expect(lines.relay).toBe(false);
    door.pulse(1000);
    vi.advanceTimersByTime(800);
    door.pulse(1000);
    vi.advanceTimersByTime(800);
    expect(lines.relay).toBe(true);
    vi.advanceTimersByTime(200);
    expect(lines.relay).toBe(false);
  });

  it('locks again when energizing the relay fails', () => {
    const written: boolean[] = [];
    const lines: DoorLines = {
      setRelay: (on) => (
        written.push(on),
        on &&
          (() => {
            throw new Error('EIO');
          })()
      ),
      onContact: () => {},
      close: () => {},
    };
    const door = new PulsedDoor(lines, 'front', silentLog);
    expect(door.pulse(1000)).toBe(false);
    expect(written).toEqual([false, true, false]);
    expect(door.unlocked).toBe(false);
  });

  it('after close, locks at once and refuses to open', () => {
    const lines = new SimulatedLines();
    const door = new PulsedDoor(lines, 'front', silentLog);
    door.pulse(60_000);
    door.close();
    expect(lines.relay).toBe(false);
    expect(door.pulse(1000)).toBe(false);
    expect(lines.relay).toBe(false);
  });
});
