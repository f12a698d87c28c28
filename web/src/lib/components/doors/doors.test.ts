import { describe, expect, it } from 'vitest';
import { edgeReasons, type DoorLogEntry } from '@foyer/schema/validation';
import {
  announcement,
  customerLabel,
  formatPulse,
  formatSeconds,
  fromLocalInput,
  groupCode,
  logTime,
  mergeLog,
  reasonText,
  reasonTexts,
  timeLeft,
  toLocalInput,
} from './doors';

const entry = (over: Partial<DoorLogEntry> = {}): DoorLogEntry => ({
  id: 1,
  at: '2026-03-12T10:00:00.000Z',
  deviceId: 'd',
  deviceName: 'Front Pi',
  doorId: 'x',
  doorName: 'Front door',
  kind: 'access',
  result: 'granted',
  reason: 'valid_permission',
  credentialMasked: '••••2C3D',
  customer: { id: 'c', customerNumber: 'C-00001', name: 'Ada Lovelace' },
  ...over,
});

describe('door words', () => {
  it('says pulses and alarm times as people do', () => {
    expect(formatPulse(3000)).toBe('3 s');
    expect(formatPulse(1500)).toBe('1.5 s');
    expect(formatPulse(250)).toBe('250 ms');
    expect(formatSeconds(30)).toBe('30 s');
    expect(formatSeconds(90)).toBe('1 min 30 s');
    expect(formatSeconds(120)).toBe('2 min');
  });

  it('turns the agent’s reasons into words, and leaves unknown ones readable', () => {
    expect(reasonText('unknown_credential')).toBe('Unknown card');
    expect(reasonText('no_permission')).toBe('No access to this door');
    expect(reasonText('outside_validity')).toBe('Outside access hours');
    expect(reasonText('valid_permission')).toBe('Valid permission');
    expect(reasonText('device_revoked')).toBe('Device revoked: it opens no door');
    expect(reasonText('cache_stale')).toBe('Permissions out of date (offline too long)');
    expect(reasonText('opened_without_grant')).toBe('Opened without a valid card');
    // Every reason of the vocabulary has its own words, none falls through to the tidied code.
    for (const reason of edgeReasons) expect(reasonText(reason)).toBe(reasonTexts[reason]);
    expect(new Set(edgeReasons.map(reasonText)).size).toBe(edgeReasons.length);
    // Entries logged before the vocabulary was fixed.
    expect(reasonText('open longer than 90 s')).toBe('Open longer than 1 min 30 s');
    expect(reasonText('door_jammed')).toBe('Door jammed');
    expect(reasonText('')).toBe('—');
  });

  it('announces an entry with who and where', () => {
    expect(announcement(entry())).toBe('Granted: Ada Lovelace at Front door');
    expect(announcement(entry({ result: 'denied', customer: null }))).toBe('Denied: card ••••2C3D at Front door');
    expect(announcement(entry({ kind: 'door', result: 'forced_open', customer: null, credentialMasked: null }))).toBe('Forced open: Front door');
    // An erased customer has no name left: the number stands in.
    expect(customerLabel(entry({ customer: { id: 'c', customerNumber: 'C-00001', name: '' } }))).toBe('C-00001');
  });

  it('merges live entries and pages newest first, each once', () => {
    const a = entry({ id: 1, at: '2026-03-12T10:00:00Z' });
    const b = entry({ id: 2, at: '2026-03-12T10:01:00Z' });
    const c = entry({ id: 3, at: '2026-03-12T10:02:00Z' });
    expect(mergeLog([c, a], [b, a]).map((e) => e.id)).toEqual([3, 2, 1]);
  });

  it('shows log times by how long ago they were', () => {
    const now = new Date('2026-03-12T15:00:00Z');
    expect(logTime('2026-03-12T14:05:32Z', now)).toBe('14:05:32');
    expect(logTime('2026-03-01T14:05:00Z', now)).toBe('1 Mar, 14:05');
    expect(logTime('2025-12-24T09:00:00Z', now)).toBe('24 Dec 2025, 09:00');
    expect(logTime('nonsense', now)).toBe('—');
  });

  it('round-trips datetime-local values (TZ=UTC in these tests)', () => {
    expect(toLocalInput('2026-03-12T09:30:00.000Z')).toBe('2026-03-12T09:30');
    expect(toLocalInput(null)).toBe('');
    expect(fromLocalInput('2026-03-12T09:30')).toBe('2026-03-12T09:30:00.000Z');
    expect(fromLocalInput('  ')).toBeNull();
    expect(fromLocalInput('12/03/2026')).toBeUndefined();
  });

  it('groups a pairing code and says how long it lasts', () => {
    expect(groupCode('ABCDEFGH')).toBe('ABCD EFGH');
    const now = new Date('2026-03-12T10:00:00Z');
    expect(timeLeft('2026-03-12T10:15:00Z', now)).toBe('in 15 min');
    expect(timeLeft('2026-03-12T10:00:30Z', now)).toBe('in 30 s');
    expect(timeLeft('2026-03-12T09:59:00Z', now)).toBe('expired');
  });
});
