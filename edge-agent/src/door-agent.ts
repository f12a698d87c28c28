import { DoorCreateSchema, maskCredential, type EdgeDoor, type EdgeEvent } from '@foyer/schema';
import type { Decision } from './access/decide.ts';
import { decide } from './access/decide.ts';
import type { Journal } from './access/journal.ts';
import type { PermissionStore } from './access/permission-store.ts';
import type { DoorIO } from './doors/door-io.ts';
import { DoorMonitor } from './doors/door-monitor.ts';
import type { ReadCredential } from './readers/frame-parser.ts';

/** A door's settings before the server has sent any: the server's own defaults. */
const DEFAULT_DOOR = DoorCreateSchema.parse({ name: 'door' });

export type TapOutcome = { door: EdgeDoor; decision: Decision; event: EdgeEvent; relayOpened: boolean; decidedInMs: number };

export type DoorAgentOptions = {
  store: PermissionStore;
  journal: Journal;
  doors: Map<string, DoorIO>;
  hash: (normalized: string) => string;
  forcedOpenGraceMs: number;
  /** A cache not synced for longer than this denies everything (cache_stale); see maxOfflineHours. */
  maxCacheAgeMs?: number;
  now?: () => number;
};

/**
 * The path from a tap to the relay and the journal, and the door alarms. Kept free of hardware
 * and network so it reads as the rules: decide from the cache, open, then record.
 */
export class DoorAgent {
  private readonly monitors = new Map<string, DoorMonitor>();
  private readonly tapListeners = new Set<(outcome: TapOutcome) => void>();
  private readonly doorEventListeners = new Set<(event: EdgeEvent, door: EdgeDoor) => void>();
  private readonly now: () => number;

  constructor(private readonly options: DoorAgentOptions) {
    this.now = options.now ?? Date.now;
    for (const [doorId, io] of options.doors) {
      const monitor = new DoorMonitor({
        doorId,
        settings: () => this.door(doorId),
        forcedOpenGraceMs: options.forcedOpenGraceMs,
        report: (alarm) => {
          const event = options.journal.append(alarm);
          for (const listener of this.doorEventListeners) listener(event, this.door(doorId));
        },
        now: this.now,
      });
      this.monitors.set(doorId, monitor);
      io.onContact((open) => monitor.contact(open));
    }
  }

  /** The server's settings for a door, or defaults (named by its id) until the first sync. */
  door(doorId: string): EdgeDoor {
    return this.options.store.current.doors.get(doorId) ?? { ...DEFAULT_DOOR, id: doorId, name: doorId };
  }

  onTap(listener: (outcome: TapOutcome) => void) {
    this.tapListeners.add(listener);
  }

  onDoorEvent(listener: (event: EdgeEvent, door: EdgeDoor) => void) {
    this.doorEventListeners.add(listener);
  }

  /** Da2: one presentation of a credential at a door. `receivedAt` is performance.now() when its bytes arrived. */
  tap(credential: ReadCredential, doorId: string, receivedAt = performance.now()): TapOutcome {
    const credentialHash = this.options.hash(credential.normalized);
    const nowMs = this.now();
    const { store, maxCacheAgeMs } = this.options;
    const decision = decide(
      store.current,
      credentialHash,
      doorId,
      nowMs,
      maxCacheAgeMs === undefined ? undefined : { syncedAtMs: store.syncedAtMs, maxAgeMs: maxCacheAgeMs },
    );
    const door = this.door(doorId);
    let relayOpened = false;
    if (decision.granted) {
      const io = this.options.doors.get(doorId);
      relayOpened = io?.pulse(door.pulseMs) ?? false;
      this.monitors.get(doorId)?.granted();
    }
    const decidedInMs = performance.now() - receivedAt;
    // Journal after the relay: see the note on Journal.
    const event = this.options.journal.append({
      at: new Date(nowMs).toISOString(),
      doorId,
      kind: 'access',
      result: decision.granted ? 'granted' : 'denied',
      reason: decision.granted && !relayOpened ? 'relay_failed' : decision.reason,
      credentialHash,
      credentialMasked: maskCredential(credential.normalized),
      customerId: decision.customerId,
    });
    const outcome: TapOutcome = { door, decision, event, relayOpened, decidedInMs };
    for (const listener of this.tapListeners) listener(outcome);
    return outcome;
  }

  stop() {
    for (const monitor of this.monitors.values()) monitor.stop();
  }
}
