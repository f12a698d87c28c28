import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../log.ts';
import type { EdgeReason } from '@foyer/schema';
import { Journal, type NewEvent } from './journal.ts';

const event = (reason: EdgeReason = 'valid_permission'): NewEvent => ({
  at: new Date(0).toISOString(),
  doorId: 'd1',
  kind: 'access',
  result: 'granted',
  reason,
  credentialHash: 'h',
  credentialMasked: '••••2C3D',
  customerId: 'c1',
});

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'foyer-journal-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const seqsOnDisk = () =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { seq: number }).seq);

describe('journal', () => {
  it('numbers events from 1, writes one line each, and continues after a restart', async () => {
    const first = Journal.open(dir, silentLog);
    expect([first.append(event()).seq, first.append(event()).seq]).toEqual([1, 2]);
    await first.close();
    const second = Journal.open(dir, silentLog);
    expect(second.append(event()).seq).toBe(3);
    await second.close();
    expect(seqsOnDisk()).toEqual([1, 2, 3]);
  });

  it('drops a torn last line (kill -9 mid-write) and reuses its seq, appending on a clean line', async () => {
    const journal = Journal.open(dir, silentLog);
    journal.append(event());
    await journal.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"seq":2,"at":"1970-01-01T00:00:00.000Z","doorId":"d1","ki');
    const logged: string[] = [];
    const reopened = Journal.open(dir, (m) => logged.push(m));
    expect(logged.join()).toMatch(/torn last line/);
    expect(reopened.append(event()).seq).toBe(2);
    await reopened.close();
    expect(seqsOnDisk()).toEqual([1, 2]);
  });

  it('offers only durable, unacknowledged events, and remembers the acknowledgement across restarts', async () => {
    const journal = Journal.open(dir, silentLog);
    for (let i = 0; i < 5; i++) journal.append(event());
    expect(journal.unacknowledged(10).length).toBeLessThanOrEqual(5);
    await journal.flushed();
    expect(journal.unacknowledged(3).map((e) => e.seq)).toEqual([1, 2, 3]);
    journal.acknowledge(3);
    expect(journal.unacknowledged(10).map((e) => e.seq)).toEqual([4, 5]);
    await journal.close();
    const reopened = Journal.open(dir, silentLog);
    expect(reopened.unacknowledged(10).map((e) => e.seq)).toEqual([4, 5]);
    expect(reopened.ackedSeq).toBe(3);
    await reopened.close();
  });

  it('continues above a server that already stored more than this device remembers', async () => {
    const journal = Journal.open(dir, silentLog);
    journal.append(event());
    await journal.flushed();
    journal.acknowledge(40);
    expect(journal.append(event()).seq).toBe(41);
    await journal.close();
  });

  it('rebases a fresh journal above the server storedThrough once, also across a crash before the mark was saved', async () => {
    const journal = Journal.open(dir, silentLog);
    expect(journal.based).toBe(false);
    for (let i = 0; i < 3; i++) journal.append(event());
    await journal.rebase(10);
    expect(journal.based).toBe(true);
    expect(seqsOnDisk()).toEqual([11, 12, 13]);
    expect(journal.unacknowledged(10).map((e) => e.seq)).toEqual([11, 12, 13]);
    expect(journal.append(event()).seq).toBe(14);
    await journal.close();
    expect(JSON.parse(readFileSync(join(dir, 'acked.json'), 'utf8'))).toEqual({ ackedSeq: 10 });

    // The crash case: the renumbered journal reached the disk, the mark did not.
    rmSync(join(dir, 'acked.json'));
    const restarted = Journal.open(dir, silentLog);
    expect(restarted.based).toBe(false);
    await restarted.rebase(10);
    expect(seqsOnDisk()).toEqual([11, 12, 13, 14]);
    expect(restarted.append(event()).seq).toBe(15);
    await restarted.close();
  });

  it('a based journal takes the hello answer as an acknowledgement and renumbers nothing', async () => {
    const journal = Journal.open(dir, silentLog);
    for (let i = 0; i < 3; i++) journal.append(event());
    await journal.rebase(0);
    await journal.rebase(2);
    expect(journal.unacknowledged(10).map((e) => e.seq)).toEqual([3]);
    expect(seqsOnDisk()).toEqual([1, 2, 3]);
    await journal.close();
  });
});
