/**
 * A worker thread of the presence bench: the customers. On `start` it opens flows at `rate` per
 * second, each from its own loopback address, identifies each with its flow token, and closes it
 * `dwellMs` later (the customer leaves). On `finish` it reports when each measured flow sent its
 * `flow:identify` (absolute: timeOrigin + now, comparable with the staff workers' arrival times)
 * and the flows that failed, by reason.
 *
 * A flow speaks the socket.io protocol over a bare WebSocket, as the staff worker does (engine.io
 * 4, socket.io 5): the open packet `0{…}`, `40/flow,` to join the namespace and its answer
 * `40/flow,{…}`, then `42/flow,0["flow:identify",{"token":…}]` whose ack comes back as `43/flow,0[…]`;
 * `2` (ping) is answered `3`. The start of the measured latency is the moment the identify is sent,
 * as it was with socket.io-client (just before `emit`). A full socket.io client per customer — a
 * Manager, an engine.io Socket, timers and emitters for each of 4,400 flows — cost the bench more
 * CPU than the server under test; the server sees the same packets either way. The same worker
 * drives Foyer and the bare reference, so both see exactly the same clients.
 */
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

type Input = { url: string; tokens: string[]; total: number; measuredFrom: number; rate: number; dwellMs: number; addresses: string[] };
const { url, tokens, total, measuredFrom, rate, dwellMs, addresses } = workerData as Input;
const endpoint = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
const now = () => performance.timeOrigin + performance.now();
/** As socket.io-client's connect timeout: a flow not in the namespace by then has failed. */
const CONNECT_TIMEOUT_MS = 20_000;

const sent = new Float64Array(tokens.length);
const open = new Map<WebSocket, { joined: boolean }>();
const reasons = new Map<string, number>();
let failures = 0;
/** Identifies the server acknowledged with { ok: true }: proof the flows were really accepted. */
let acknowledged = 0;
const failed = (reason: string) => (failures++, reasons.set(reason, (reasons.get(reason) ?? 0) + 1));

function enter(i: number) {
  const ws = new WebSocket(endpoint, { localAddress: addresses[i], perMessageDeflate: false });
  const state = { joined: false, done: false };
  open.set(ws, state);
  const fail = (reason: string) => {
    if (state.done) return;
    state.done = true;
    failed(reason);
    clearTimeout(timeout);
    open.delete(ws);
    ws.terminate();
  };
  const timeout = setTimeout(() => fail('timeout'), CONNECT_TIMEOUT_MS);
  ws.on('error', (error) => fail(`websocket error: ${error.message}`));
  ws.on('close', () => {
    if (!state.joined) fail('closed before joining /flow');
  });
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (text === '2') ws.send('3');
    else if (text.startsWith('43/flow,')) {
      const [reply] = JSON.parse(text.slice(text.indexOf('['))) as [{ ok?: true; error?: string }];
      if (reply.ok) acknowledged++;
      else failed(`refused: ${reply.error}`);
    } else if (text.startsWith('40/flow,')) {
      state.joined = true;
      clearTimeout(timeout);
      const packet = `42/flow,0${JSON.stringify(['flow:identify', { token: tokens[i] }])}`;
      if (i >= measuredFrom) sent[i] = now();
      ws.send(packet);
      setTimeout(() => {
        state.done = true;
        open.delete(ws);
        ws.close();
      }, dwellMs);
    } else if (text.startsWith('44/flow,')) fail(`connect: ${text.slice(8, 80)}`);
    else if (text.startsWith('0')) ws.send('40/flow,');
  });
}

parentPort!.on('message', (message: { start?: true; finish?: true }) => {
  if (message.start) {
    const started = now();
    let launched = 0;
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000));
      while (launched < due) enter(launched++);
      if (launched >= total) {
        clearInterval(tick);
        parentPort!.postMessage({ launched });
      }
    }, 2);
  } else if (message.finish) {
    // A flow still not in its namespace by now was swamped: a failure too (it never identified).
    for (const [ws, state] of open) {
      if (!state.joined) failed('connect: not connected by the end');
      ws.terminate();
    }
    open.clear();
    parentPort!.postMessage({ sent, failures, acknowledged, reasons: Object.fromEntries(reasons) }, [sent.buffer]);
  }
});
// This thread's id in /proc, so the bench can say how much CPU the flows cost.
parentPort!.postMessage({ ready: true, tid: readlinkSync('/proc/thread-self').split('/').pop() });
