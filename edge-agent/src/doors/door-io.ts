import type { Log } from '../log.ts';

/**
 * The two GPIO lines of a door as a driver exposes them. `setRelay` is synchronous wherever the
 * hardware allows, because exit handlers (SIGTERM, uncaught errors) must be able to drop the relay
 * before the process ends. Wiring convention (README): the relay energized means unlocked, for both
 * lock types (a fail-safe maglock hangs on the relay's NC contact), so de-energized is locked, and
 * also what the hardware falls back to without the agent.
 */
export interface DoorLines {
  setRelay(energized: boolean): void;
  /** Reports door-contact changes (true = open), and the current state once known. */
  onContact(listener: (open: boolean) => void): void;
  /** Releases the lines, leaving the relay de-energized. Idempotent. */
  close(): void;
}

/** What the rest of the agent uses to open a door. */
export interface DoorIO {
  /** Unlocks for `ms`, then locks again; a new pulse while open restarts the time. False if the relay failed. */
  pulse(ms: number): boolean;
  /** Locks now (the relay's safe state). Synchronous, idempotent, never throws. */
  lock(): void;
  readonly unlocked: boolean;
  onContact(listener: (open: boolean) => void): void;
  /** Locks for good (later pulses are refused) and releases the lines. Synchronous, idempotent. */
  close(): void;
}

/**
 * Puts the pulse timing and the fail-secure rules in one place for every driver: the relay
 * returns to locked after the pulse, when driving it fails, and on close.
 */
export class PulsedDoor implements DoorIO {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  unlocked = false;

  constructor(
    private readonly lines: DoorLines,
    private readonly name: string,
    private readonly log: Log,
  ) {
    this.lock();
  }

  pulse(ms: number): boolean {
    // Closed means the agent is going down: no door opens any more, whatever is still in flight.
    if (this.closed) return false;
    clearTimeout(this.timer);
    try {
      this.lines.setRelay(true);
    } catch (error) {
      this.log(`door ${this.name}: relay failed to open (${(error as Error).message})`);
      this.lock();
      return false;
    }
    this.unlocked = true;
    this.timer = setTimeout(() => this.lock(), ms);
    return true;
  }

  lock() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unlocked = false;
    try {
      this.lines.setRelay(false);
    } catch (error) {
      // Nothing more software can do: de-energized hardware is locked by wiring.
      this.log(`door ${this.name}: relay failed to lock (${(error as Error).message})`);
    }
  }

  onContact(listener: (open: boolean) => void) {
    this.lines.onContact(listener);
  }

  /** Locks for good and releases the lines. Synchronous and idempotent: exit handlers call it. */
  close() {
    this.closed = true;
    this.lock();
    this.lines.close();
  }
}
