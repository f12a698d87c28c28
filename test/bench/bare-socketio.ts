/**
 * The reference for the presence bench: a bare socket.io server with no logic, set up as Foyer's
 * (websocket only, same ping settings). A flow socket's `flow:identify` is broadcast at once to
 * every staff socket as "online", its disconnect as "offline": the fan-out alone, nothing checked,
 * nothing stored. Prints `listening <port>` on stdout.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, pingInterval: 10_000, pingTimeout: 10_000, maxHttpBufferSize: 1024 * 1024 });
const staff = io.of('/staff');
staff.on('connection', (socket) => void socket.join('org'));
io.of('/flow').on('connection', (socket) => {
  let customerId: string | undefined;
  socket.on('flow:identify', (info: { token: string }, ack?: (r: { ok: true }) => void) => {
    customerId = info.token;
    staff.to('org').emit('presence:customer', { customerId, online: true });
    ack?.({ ok: true });
  });
  socket.on('disconnect', () => customerId && staff.to('org').emit('presence:customer', { customerId, online: false }));
});
http.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(http.address() as { port: number }).port}\n`));
