/**
 * A worker thread of the presence bench: holds a share of the staff sockets and notes when each
 * "online" change reaches each of them. Arrival times are absolute (timeOrigin + now), comparable
 * with the main thread's send times.
 *
 * The staff sockets speak the socket.io protocol over a bare WebSocket (engine.io 4, socket.io 5:
 * `40/staff,` to join the namespace, `3` for each ping, `42/staff,[event, data]` for events) with
 * the session cookie on the upgrade, as the browser does. The full socket.io client costs tens of
 * microseconds per message in its layers; 1,000 of them in the bench would measure the bench, not
 * the server. The server sees ordinary socket.io clients.
 */
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

type Input = { url: string; cookies: (string | undefined)[]; customerIds: string[] };
type Change = { customerId: string; online: boolean };
const { url, cookies, customerIds } = workerData as Input;
const index = new Map(customerIds.map((id, i) => [id, i]));
const n = customerIds.length;
const arrivals = new Float64Array(cookies.length * n);
let events = 0;
const now = () => performance.timeOrigin + performance.now();
const EVENT = '42/staff,';
const sockets: WebSocket[] = [];

/**
 * A broadcast reaches every staff socket as the same text: it is parsed once, into the changes it
 * carries (how many) and the indices of the customers it says are online, and the next sockets
 * that receive it only look it up. Parsing the same JSON a thousand times was most of this
 * worker's CPU, and a busy worker notes arrivals late.
 */
type Parsed = { changes: number; online: Int32Array };
const parsed = new Map<string, Parsed>();
function parse(text: string): Parsed {
  let known = parsed.get(text);
  if (known) return known;
  const [event, data] = JSON.parse(text.slice(EVENT.length)) as [string, unknown];
  // Foyer sends changes in batches; the bare reference one message per change.
  const changes = event === 'presence:changes' ? (data as { changes: Change[] }).changes : event === 'presence:customer' ? [data as Change] : [];
  const online = changes.filter((c) => c.online && index.has(c.customerId)).map((c) => index.get(c.customerId)!);
  known = { changes: changes.length, online: Int32Array.from(online) };
  // Broadcasts arrive at all sockets within a few milliseconds: a short memory is enough.
  if (parsed.size >= 64) parsed.delete(parsed.keys().next().value!);
  parsed.set(text, known);
  return known;
}

function heard(s: number, at: number, text: string) {
  const { changes, online } = parse(text);
  events += changes;
  for (const i of online) if (arrivals[s * n + i] === 0) arrivals[s * n + i] = at;
}

function connectOne(cookie: string | undefined, s: number): Promise<void> {
  const endpoint = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(endpoint, { headers: cookie ? { cookie } : {}, perMessageDeflate: false });
  sockets.push(ws);
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const at = now();
      const text = raw.toString();
      if (text.startsWith(EVENT)) heard(s, at, text);
      else if (text === '2') ws.send('3');
      else if (text.startsWith('0')) ws.send('40/staff,');
      else if (text.startsWith('40/staff,')) resolve();
      else if (text.startsWith('44/staff,')) reject(new Error(`staff socket refused: ${text}`));
    });
  });
}

parentPort!.on('message', (message: { finish: Float64Array }) => {
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
  for (const ws of sockets) ws.close();
  const out = Float64Array.from(latencies);
  parentPort!.postMessage({ latencies: out, missing, events }, [out.buffer]);
});

(async () => {
  // A few dozen handshakes at a time: the server checks each session in PostgreSQL.
  for (let i = 0; i < cookies.length; i += 50) await Promise.all(cookies.slice(i, i + 50).map((c, j) => connectOne(c, i + j)));
})().then(
  () => parentPort!.postMessage({ ready: true, tid: readlinkSync('/proc/thread-self').split('/').pop() }),
  (error: Error) => parentPort!.postMessage({ error: error.message }),
);
