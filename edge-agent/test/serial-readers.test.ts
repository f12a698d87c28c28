import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import type { TapOutcome } from '../src/door-agent.ts';
import { SimulatedLines } from '../src/doors/simulated-lines.ts';
import { silentLog } from '../src/log.ts';
import { encodeRdm6300Frame } from '../src/readers/rdm6300.ts';
import { encodeWiegandHex } from '../src/readers/wiegand.ts';
import { runAgent, type RunningAgent } from '../src/run-agent.ts';
import { door, entryFor, stateDirWith } from './support/agent-fixture.ts';
import { PtyPair, waitFor } from './support/socat.ts';

// Through real pseudo-terminals: the agent opens its readers as serial ports (serialport, termios,
// 9600 8N1) while the test writes what each kind of reader would send into the other end.
const LATENCY_TAPS = 300;
const cards = Array.from({ length: LATENCY_TAPS + 3 }, (_, i) => (0x1000000000 + i).toString(16).toUpperCase());

let dir: string;
let running: RunningAgent;
const outcomes: TapOutcome[] = [];
const ptys = {
  rdm6300: undefined as unknown as PtyPair,
  wiegand: undefined as unknown as PtyPair,
  scanner: undefined as unknown as PtyPair,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'foyer-pty-'));
  for (const name of Object.keys(ptys) as (keyof typeof ptys)[]) {
    ptys[name] = new PtyPair(join(dir, `${name}-agent`), join(dir, `${name}-reader`));
    await ptys[name].start();
  }
  const stateDir = stateDirWith({
    version: 4,
    doors: [door('front', 'Front'), door('side', 'Side'), door('garage', 'Garage')],
    entries: [
      ...cards.map((card, i) => entryFor(card, 'front', `customer-${i}`)),
      entryFor('W26:12:3456', 'side', 'customer-w'),
      entryFor('wallet-TOKEN-42', 'garage', 'customer-q'),
      entryFor('0A001B2C3D', 'side', 'customer-elsewhere'),
    ],
  });
  const config = parseConfig({
    serverUrl: 'http://127.0.0.1:1',
    stateDir,
    debounceMs: 1000,
    readers: [
      { path: ptys.rdm6300.agentPath, protocol: 'rdm6300', baud: 9600, doorId: 'front' },
      { path: ptys.wiegand.agentPath, protocol: 'wiegand', baud: 9600, doorId: 'side' },
      { path: ptys.scanner.agentPath, protocol: 'scanner', baud: 9600, doorId: 'garage' },
    ],
    doors: [
      { id: 'front', driver: 'simulated' },
      { id: 'side', driver: 'simulated' },
      { id: 'garage', driver: 'simulated' },
    ],
  });
  running = await runAgent(config, {
    simulate: false,
    log: silentLog,
    readerReopen: { initialMs: 50, maxMs: 200 },
    linkReconnect: { initialMs: 60_000, maxMs: 60_000 },
  });
  running.agent.onTap((o) => outcomes.push(o));
  await waitFor(() => running.readers.every((r) => r.isOpen), 5000, 'readers open');
});

afterAll(async () => {
  await running?.stop();
  for (const pty of Object.values(ptys)) await pty?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const nextOutcome = (after: number) => waitFor(() => outcomes[after], 3000, 'a decision');

describe('readers through a real pty', () => {
  it('RDM6300: a held card (repeated frames) opens the door once; a bad checksum is dropped', async () => {
    const before = outcomes.length;
    const frame = encodeRdm6300Frame(cards[0]!);
    ptys.rdm6300.write(Buffer.concat([frame, frame, frame]));
    const outcome = await nextOutcome(before);
    expect(outcome).toMatchObject({ decision: { granted: true, customerId: 'customer-0' }, relayOpened: true, door: { name: 'Front' } });
    expect((running.lines.get('front') as SimulatedLines).relay).toBe(true);
    const bad = Uint8Array.from(encodeRdm6300Frame(cards[1]!));
    bad[12]! ^= 0x01;
    const rdm6300 = running.readers[0]!;
    const badBefore = rdm6300.badFrames;
    ptys.rdm6300.write(bad);
    await waitFor(() => rdm6300.badFrames > badBefore, 3000, 'bad frame counted');
    expect(outcomes.length).toBe(before + 1);
    expect(running.journal.lastSeq).toBe(outcome.event.seq);
  });

  it('Wiegand 26: grants with good parity, denies a card with no permission at this door', async () => {
    const before = outcomes.length;
    ptys.wiegand.write(encodeWiegandHex(26, 12, 3456) + '\r\n');
    expect(await nextOutcome(before)).toMatchObject({
      decision: { granted: true, customerId: 'customer-w' },
      event: { doorId: 'side', credentialMasked: '••••3456' },
    });
    ptys.wiegand.write(encodeWiegandHex(26, 99, 1) + '\n');
    expect(await nextOutcome(before + 1)).toMatchObject({ decision: { granted: false, reason: 'unknown_credential' } });
  });

  it('scanner: a QR line grants, case-sensitively', async () => {
    const before = outcomes.length;
    ptys.scanner.write('wallet-TOKEN-42\r\n');
    expect(await nextOutcome(before)).toMatchObject({ decision: { granted: true, customerId: 'customer-q' }, event: { doorId: 'garage' } });
    ptys.scanner.write('wallet-token-42\n');
    expect(await nextOutcome(before + 1)).toMatchObject({ decision: { granted: false, reason: 'unknown_credential' } });
  });

  it('reopens a reader that was unplugged (socat killed) once it is plugged back (same path)', async () => {
    const reader = running.readers[0]!;
    const opensBefore = reader.opens;
    await ptys.rdm6300.stop();
    await waitFor(() => !reader.isOpen, 3000, 'reader closed');
    await ptys.rdm6300.start();
    await waitFor(() => reader.opens > opensBefore && reader.isOpen, 5000, 'reader reopened');
    const before = outcomes.length;
    ptys.rdm6300.write(encodeRdm6300Frame(cards[2]!));
    expect(await nextOutcome(before)).toMatchObject({ decision: { granted: true, customerId: 'customer-2' } });
  });

  it(`measures tap-to-relay over ${LATENCY_TAPS} taps (frame written → relay energized)`, async () => {
    const lines = running.lines.get('front') as SimulatedLines;
    const front = running.doors.get('front')!;
    let energized: ((at: number) => void) | undefined;
    lines.onRelay((on) => on && energized?.(performance.now()));
    const latencies: number[] = [];
    const firstOutcome = outcomes.length;
    // Cards not tapped above (within the debounce window they would be one tap).
    for (const card of cards.slice(3)) {
      front.lock();
      const relay = new Promise<number>((resolve, reject) => {
        energized = resolve;
        setTimeout(() => reject(new Error('relay not energized')), 3000).unref();
      });
      const writtenAt = performance.now();
      ptys.rdm6300.write(encodeRdm6300Frame(card));
      latencies.push((await relay) - writtenAt);
    }
    // And the agent's own share: bytes handed over by the serial port → relay driven.
    const inAgent = outcomes.slice(firstOutcome).map((o) => o.decidedInMs);
    const quantiles = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!.toFixed(2);
      return `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`;
    };
    console.log(
      `tap-to-relay over ${latencies.length} taps through a pty: ${quantiles(latencies)}; inside the agent (data event → relay): ${quantiles(inAgent)}`,
    );
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    // Bounded loosely: the machine is shared; the goal (10 ms p99) is for the Pi and is reported, not asserted.
    expect(p(0.5)).toBeLessThan(50);
  });
});
