/**
 * A worker thread of the presence bench: holds a share of the staff sockets and notes when each
 * "online" event reaches each of them. Arrival times are absolute (timeOrigin + now), comparable
 * with the main thread's send times.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';

type Input = { url: string; cookies: (string | undefined)[]; customerIds: string[] };
const { url, cookies, customerIds } = workerData as Input;
const index = new Map(customerIds.map((id, i) => [id, i]));
const n = customerIds.length;
const arrivals = new Float64Array(cookies.length * n);
let events = 0;
const now = () => performance.timeOrigin + performance.now();

const sockets: Socket[] = [];
async function connectAll() {
  const one = (cookie: string | undefined, s: number) =>
    new Promise<void>((resolve, reject) => {
      const socket = io(`${url}/staff`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
      const heard = ({ customerId, online }: { customerId: string; online: boolean }) => {
        events++;
        if (!online) return;
        const i = index.get(customerId);
        if (i !== undefined && arrivals[s * n + i] === 0) arrivals[s * n + i] = now();
      };
      // Foyer sends changes in batches; the bare reference one message per change.
      socket.on('presence:changes', ({ changes }: { changes: { customerId: string; online: boolean }[] }) => changes.forEach(heard));
      socket.on('presence:customer', heard);
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
      sockets.push(socket);
    });
  // A few dozen handshakes at a time: the server checks each session in PostgreSQL.
  for (let i = 0; i < cookies.length; i += 50) await Promise.all(cookies.slice(i, i + 50).map((c, j) => one(c, i + j)));
}

parentPort!.on('message', (message: { finish: Float64Array } | { reset: true }) => {
  if ('reset' in message) {
    arrivals.fill(0);
    events = 0;
    return;
  }
  // Latency of every (socket, measured customer); a missing arrival is counted, not timed.
  const sent = message.finish;
  const latencies: number[] = [];
  let missing = 0;
  for (let s = 0; s < cookies.length; s++)
    for (let i = 0; i < n; i++) {
      if (!sent[i]) continue;
      const at = arrivals[s * n + i]!;
      if (at) latencies.push(at - sent[i]!);
      else missing++;
    }
  for (const socket of sockets) socket.close();
  const out = Float64Array.from(latencies);
  parentPort!.postMessage({ latencies: out, missing, events }, [out.buffer]);
});

connectAll().then(
  () => parentPort!.postMessage({ ready: true }),
  (error: Error) => parentPort!.postMessage({ error: error.message }),
);
