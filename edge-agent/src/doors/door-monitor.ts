import type { EdgeReason } from '@foyer/schema';
import type { NewEvent } from '../access/journal.ts';

export type DoorMonitorOptions = {
  doorId: string;
  /** Read at each event, since the server can change a door's settings at any time. */
  settings: () => { pulseMs: number; heldOpenAlarmSeconds: number };
  /** After a grant, the door may be opened during the pulse plus this long without being "forced". */
  forcedOpenGraceMs: number;
  report: (event: NewEvent) => void;
  now?: () => number;
};

/**
 * Watches a door's contact for the two alarms staff must hear about: "forced open" (opened with
 * no grant in the last few seconds: pried, or a lock that failed) and "held open" (left open past
 * the door's heldOpenAlarmSeconds: propped). Once either was raised, closing reports "closed" so
 * the log shows when it ended. An exit button would look like a forced opening: request-to-exit
 * inputs are not wired yet (see README).
 */
export class DoorMonitor {
  private lastGrantAt = -Infinity;
  private open: boolean | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  private alarmRaised = false;
  private readonly now: () => number;

  constructor(private readonly options: DoorMonitorOptions) {
    this.now = options.now ?? Date.now;
  }

  granted() {
    this.lastGrantAt = this.now();
  }

  contact(open: boolean) {
    const first = this.open === undefined;
    if (open === this.open) return;
    this.open = open;
    if (open) {
      const { pulseMs, heldOpenAlarmSeconds } = this.options.settings();
      // A door found open at start is not known to be forced; it can still be held open.
      if (!first && this.now() - this.lastGrantAt > pulseMs + this.options.forcedOpenGraceMs) this.raise('forced_open', 'opened_without_grant');
      this.heldTimer = setTimeout(() => this.raise('held_open', 'held_open_too_long'), heldOpenAlarmSeconds * 1000);
    } else {
      clearTimeout(this.heldTimer);
      if (this.alarmRaised) this.emit('closed', 'closed_after_alarm');
      this.alarmRaised = false;
    }
  }

  private raise(result: 'forced_open' | 'held_open', reason: EdgeReason) {
    this.alarmRaised = true;
    this.emit(result, reason);
  }

  private emit(result: 'forced_open' | 'held_open' | 'closed', reason: EdgeReason) {
    this.options.report({
      at: new Date(this.now()).toISOString(),
      doorId: this.options.doorId,
      kind: 'door',
      result,
      reason,
      credentialHash: null,
      credentialMasked: null,
      customerId: null,
    });
  }

  stop() {
    clearTimeout(this.heldTimer);
  }
}
