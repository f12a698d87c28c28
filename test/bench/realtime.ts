// `pnpm bench:realtime`: issue 4's two real-time figures in one run, printed as one JSON line last.
// - presence: 1,000 staff sockets, customers entering and leaving flows at 200/s for 20 s, and the
//   same fan-out through a bare socket.io server as the reference (test/bench/realtime-presence.ts).
// - notes: 20 editors on one document typing 10 characters a second for 30 s
//   (test/bench/realtime-notes.ts).
import { loadavg } from 'node:os';
import { benchNotes } from './realtime-notes.ts';
import { benchPresence } from './realtime-presence.ts';

const presence = await benchPresence();
const notes = await benchNotes();
console.log(JSON.stringify({ presence, notes, loadAvg1m: Number(loadavg()[0]!.toFixed(2)) }));
process.exit(0);
