import type { DoorLines } from './door-io.ts';

/** Lines with no hardware behind them: for `--simulate`, tests, and trying a config on a laptop. */
export class SimulatedLines implements DoorLines {
  relay = false;
  private readonly contactListeners = new Set<(open: boolean) => void>();
  private readonly relayListeners = new Set<(energized: boolean) => void>();

  setRelay(energized: boolean) {
    if (energized === this.relay) return;
    this.relay = energized;
    for (const listener of this.relayListeners) listener(energized);
  }

  onRelay(listener: (energized: boolean) => void) {
    this.relayListeners.add(listener);
  }

  /** A simulated door starts closed, and says so, as a real contact's first reading does. */
  onContact(listener: (open: boolean) => void) {
    this.contactListeners.add(listener);
    listener(false);
  }

  /** What a door contact would report when someone opens or closes the door. */
  setContact(open: boolean) {
    for (const listener of this.contactListeners) listener(open);
  }

  close() {
    this.setRelay(false);
  }
}
