import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { credentialHasher } from './access/credential-hash.ts';
import { Journal } from './access/journal.ts';
import { PermissionCache } from './access/permission-cache.ts';
import { PermissionStore } from './access/permission-store.ts';
import { DoorAgent } from './door-agent.ts';
import { PulsedDoor, type DoorLines } from './doors/door-io.ts';
import { SimulatedLines } from './doors/simulated-lines.ts';
import { silentLog } from './log.ts';
import { describeDoorEvent, describeTap } from './simulation-console.ts';

const hash = credentialHasher(Buffer.from('k').toString('base64'));
let dir: string;
let journal: Journal;
let lines: SimulatedLines;
let agent: DoorAgent;

function setUp(doorLines: DoorLines) {
  const store = new PermissionStore(join(dir, 'permissions.json'), silentLog);
  store.current = PermissionCache.from({
    version: 2,
    doors: [{ id: 'front', name: 'Front', pulseMs: 2000, lockType: 'fail_secure', heldOpenAlarmSeconds: 10 }],
    entries: [{ credentialHash: hash('0A001B2C3D'), customerId: 'c0ffee', doorId: 'front', startsAt: '2020-01-01T00:00:00Z', endsAt: null }],
  });
  journal = Journal.open(dir, silentLog);
  agent = new DoorAgent({ store, journal, doors: new Map([['front', new PulsedDoor(doorLines, 'front', silentLog)]]), hash, forcedOpenGraceMs: 5000 });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-06-01T12:00:00Z') });
  dir = mkdtempSync(join(tmpdir(), 'foyer-agent-'));
  lines = new SimulatedLines();
});
afterEach(async () => {
  agent.stop();
  vi.useRealTimers();
  await journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tap → decision → relay → journal', () => {
  it('opens the relay for the door pulse, then locks, and journals the grant with a masked credential', () => {
    setUp(lines);
    const outcome = agent.tap({ kind: 'rfid', normalized: '0A001B2C3D' }, 'front');
    expect(lines.relay).toBe(true);
    expect(outcome.event).toMatchObject({
      seq: 1,
      kind: 'access',
      result: 'granted',
      reason: 'valid_permission',
      customerId: 'c0ffee',
      credentialMasked: '••••2C3D',
      credentialHash: hash('0A001B2C3D'),
    });
    expect(describeTap(outcome)).toBe('#1 Door Front: OPEN (granted, customer c0ffee, ••••2C3D)');
    vi.advanceTimersByTime(1999);
    expect(lines.relay).toBe(true);
    vi.advanceTimersByTime(1);
    expect(lines.relay).toBe(false);
  });

  it('denies without touching the relay', () => {
    setUp(lines);
    const outcome = agent.tap({ kind: 'rfid', normalized: 'FFFFFFFFFF' }, 'front');
    expect(lines.relay).toBe(false);
    expect(describeTap(outcome)).toBe('#1 Door Front: stays locked (denied: unknown_credential, ••••FFFF)');
  });

  it('journals a grant whose relay failed as such, and leaves the relay locked', () => {
    const broken: DoorLines = {
      setRelay: (on) => {
        if (on) throw new Error('EIO');
      },
      onContact: () => {},
      close: () => {},
    };
    setUp(broken);
    expect(agent.tap({ kind: 'rfid', normalized: '0A001B2C3D' }, 'front').event).toMatchObject({ result: 'granted', reason: 'relay_failed' });
  });

  it('reports a forced door as a door event in the journal', () => {
    setUp(lines);
    const said: string[] = [];
    agent.onDoorEvent((event, door) => said.push(describeDoorEvent(event, door)));
    lines.setContact(true);
    lines.setContact(false);
    expect(said).toEqual(['#1 Door Front: FORCED OPEN (opened_without_grant)', '#2 Door Front: CLOSED (closed_after_alarm)']);
  });
});
