import { maskCredential, normalizeCredential, type EdgeDoor, type EdgeEvent } from '@foyer/schema';
import { createInterface } from 'node:readline';
import type { TapOutcome } from './door-agent.ts';
import type { RunningAgent } from './run-agent.ts';
import { SimulatedLines } from './doors/simulated-lines.ts';

/** What a person at the console sees of a tap. Names are not on the device: the customer id stands in. */
export function describeTap({ door, decision, event }: TapOutcome): string {
  const who = event.credentialMasked ?? '';
  if (decision.granted) return `#${event.seq} Door ${door.name}: OPEN (granted, customer ${decision.customerId}, ${who})`;
  const customer = decision.customerId ? `customer ${decision.customerId}, ` : '';
  return `#${event.seq} Door ${door.name}: stays locked (denied: ${decision.reason}, ${customer}${who})`;
}

export function describeDoorEvent(event: EdgeEvent, door: EdgeDoor): string {
  return `#${event.seq} Door ${door.name}: ${event.result.replace('_', ' ').toUpperCase()} (${event.reason})`;
}

/**
 * `--simulate`: each line on stdin is an RFID tap at the first door. `!open` and `!close` move
 * that door's simulated contact, to try the forced/held-open alarms.
 */
export function runSimulationConsole(running: RunningAgent, doorId: string, write = (line: string) => process.stdout.write(line + '\n')) {
  const lines = running.lines.get(doorId);
  running.agent.onTap((outcome) => write(describeTap(outcome)));
  running.agent.onDoorEvent((event, door) => write(describeDoorEvent(event, door)));
  if (lines instanceof SimulatedLines) lines.onRelay((energized) => write(`  relay ${energized ? 'energized (unlocked)' : 'released (locked)'}`));
  write(`Simulating door ${running.agent.door(doorId).name}: type a card id (e.g. 0A001B2C3D) and Enter to tap; !open / !close move the door.`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (text) => {
    const line = text.trim();
    if (!line) return;
    if (line === '!open' || line === '!close') {
      if (lines instanceof SimulatedLines) lines.setContact(line === '!open');
      return;
    }
    const normalized = normalizeCredential('rfid', line);
    if (!normalized) return write(`ignored: ${maskCredential(line)}`);
    running.agent.tap({ kind: 'rfid', normalized }, doorId);
  });
  return input;
}
