import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { createLogger } from '@foyer/server/platform/logger.ts';
import { attachFlow } from '@foyer/server/domains/presence/flow-realtime.ts';
import { CustomerPresence } from '@foyer/server/domains/presence/realtime.ts';
import { staffNamespace } from '@foyer/server/platform/realtime/io.ts';
import { MemoryPresenceStore, OFFLINE_GRACE_MS, SWEEP_MS } from '@foyer/server/domains/presence/store.ts';
import { issueFlowToken } from '@foyer/server/domains/bookings/flow-tokens.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectFlow, identify, recordPresence, sleep, waitFor, type StaffClient } from '../support/sockets.ts';
import { io as connectClient } from 'socket.io-client';

/**
 * `flow:done` lets presence go after a linger even though the tab stays. The real linger is a
 * minute; here the /flow namespace runs on a socket.io server of its own with a short one, on the
 * test database (tokens are checked for real), with a staff namespace that trusts its handshake.
 */
const LINGER_MS = 1500;
let foyer: TestFoyer;
let url: string;
let io: Server;
let presence: CustomerPresence;

beforeAll(async () => {
  foyer = await startTestFoyer();
  const http = createServer();
  io = new Server(http, { transports: ['websocket'] });
  const staff = staffNamespace(io);
  staff.use((socket, next) => {
    const orgId = String(socket.handshake.auth.orgId);
    socket.data.auth = {
      user: { id: 'u', email: 'u@x.test', name: 'U', role: 'staff', customRole: null, permissions: ['customers.view'], avatarUrl: null },
      organization: { id: orgId, name: 'Org', slug: 'org', defaultCountry: 'GB', defaultCurrency: 'GBP' },
    };
    next();
  });
  staff.on('connection', (socket) => void socket.join(`org:${socket.data.auth.organization.id}`));
  presence = new CustomerPresence(new MemoryPresenceStore(), staff, createLogger('silent'));
  attachFlow(io, { db: foyer.database.db, presence, doneLingerMs: LINGER_MS }, createLogger('silent'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
afterAll(async () => {
  await presence?.close();
  await io?.close();
  await foyer?.close();
});

describe('flow:done', () => {
  it('lets the customer go offline after the linger although the flow socket stays', async () => {
    const owner = await foyer.signIn();
    const created = await owner.post('/api/customers', { firstName: 'Done', lastName: 'Booking' });
    const token = await issueFlowToken(foyer.database.db, owner.orgId, created.body.id);
    const watcher = connectClient(`${url}/staff`, { transports: ['websocket'], auth: { orgId: owner.orgId } }) as StaffClient;
    await new Promise<void>((r) => watcher.once('connect', () => r()));
    const changes = recordPresence(watcher);
    const flow = await connectFlow(url);
    expect(await identify(flow, token)).toEqual({ ok: true });
    await waitFor(() => changes.items.length === 1, 1000, 'online');

    const doneAt = Date.now();
    flow.emit('flow:done');
    flow.emit('flow:done'); // twice: the linger does not restart
    await sleep(LINGER_MS - 300);
    expect(changes.values().map((c) => c.online)).toEqual([true]);
    const offline = await waitFor(() => changes.items.find((c) => !c.value.online), LINGER_MS + OFFLINE_GRACE_MS + SWEEP_MS + 1000, 'offline');
    expect(offline.at - doneAt).toBeGreaterThanOrEqual(LINGER_MS + OFFLINE_GRACE_MS - 50);
    expect(flow.connected).toBe(true);

    // The tab closing later changes nothing more.
    flow.close();
    await sleep(OFFLINE_GRACE_MS + SWEEP_MS + 300);
    expect(changes.values().map((c) => c.online)).toEqual([true, false]);
    watcher.close();
  }, 20_000);
});
