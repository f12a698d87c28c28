import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_MAX_EVENT_BYTES } from '@foyer/server/domains/presence/flow-realtime.ts';
import { OFFLINE_GRACE_MS, SWEEP_MS } from '@foyer/server/domains/presence/store.ts';
import { issueFlowToken } from '@foyer/server/domains/bookings/flow-tokens.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectFlow, connectStaff, identify, record, recordPresence, sleep, waitFor, type StaffClient } from '../support/sockets.ts';

let foyer: TestFoyer;
const open: { close(): unknown }[] = [];
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(async () => {
  for (const s of open) s.close();
  await foyer?.close();
});

/** A staff member of a new organization (or of `orgId`), with a customer of that organization. */
async function venue(orgId?: string) {
  const staff = await foyer.signIn(orgId ? { orgId, role: 'staff' } : {});
  const res = await staff.post('/api/customers', { firstName: 'Ada', lastName: `Guest ${Math.random().toString(36).slice(2, 7)}` });
  expect(res.status).toBe(201);
  const customerId: string = res.body.id;
  const token = await issueFlowToken(foyer.database.db, staff.orgId, customerId);
  return { staff, customerId, token };
}

async function staffSocket(cookie: string | undefined): Promise<StaffClient> {
  const socket = await connectStaff(foyer.url, cookie);
  open.push(socket);
  return socket;
}

async function flowSocket() {
  const socket = await connectFlow(foyer.url);
  open.push(socket);
  return socket;
}

describe('customer presence (C7)', () => {
  it('shows a customer online within a second of the flow naming them, and offline after the grace', async () => {
    const { staff, customerId, token } = await venue();
    const watcher = await staffSocket(staff.cookie);
    const changes = recordPresence(watcher);
    const flow = await flowSocket();
    const sent = Date.now();
    expect(await identify(flow, token)).toEqual({ ok: true });
    const online = await waitFor(() => changes.items.find((c) => c.value.customerId === customerId && c.value.online), 1000, 'online');
    expect(online.at - sent).toBeLessThan(1000);

    // A staff socket that connects now is told who is online.
    const late = await staffSocket(staff.cookie);
    const snapshot = await late.firstOnline;
    expect(snapshot.customerIds).toContain(customerId);

    const left = Date.now();
    flow.close();
    const offline = await waitFor(() => changes.items.find((c) => !c.value.online), OFFLINE_GRACE_MS + SWEEP_MS + 2000, 'offline');
    expect(offline.value).toEqual({ customerId, online: false });
    expect(offline.at - left).toBeGreaterThanOrEqual(OFFLINE_GRACE_MS - 50);
    expect(offline.at - left).toBeLessThan(5000 + 500);
    expect(changes.values()).toHaveLength(2);
  });

  it('does not flicker when the flow page reloads within the grace', async () => {
    const { staff, token } = await venue();
    const watcher = await staffSocket(staff.cookie);
    const changes = recordPresence(watcher);
    const first = await flowSocket();
    await identify(first, token);
    await waitFor(() => changes.items.length === 1, 1000, 'online');
    first.close();
    await sleep(300); // a reload: the page goes, the new one connects and presents the token again
    const second = await flowSocket();
    expect(await identify(second, token)).toEqual({ ok: true });
    await sleep(OFFLINE_GRACE_MS + SWEEP_MS + 1000);
    expect(changes.values()).toEqual([{ customerId: changes.values()[0]!.customerId, online: true }]);
    second.close();
  });

  it('keeps the customer online while another tab of the flow is still open', async () => {
    const { staff, token } = await venue();
    const watcher = await staffSocket(staff.cookie);
    const changes = recordPresence(watcher);
    const [a, b] = [await flowSocket(), await flowSocket()];
    await identify(a, token);
    await identify(b, token);
    a.close();
    await sleep(OFFLINE_GRACE_MS + SWEEP_MS + 800);
    expect(changes.values().map((c) => c.online)).toEqual([true]);
    b.close();
    await waitFor(() => changes.items.length === 2, OFFLINE_GRACE_MS + SWEEP_MS + 2000, 'offline');
  });

  it('refuses a forged or expired token, and nobody hears anything', async () => {
    const { staff, customerId, token } = await venue();
    const watcher = await staffSocket(staff.cookie);
    const changes = recordPresence(watcher);
    const flow = await flowSocket();
    const [payload, mac] = token.split('.');
    const forged = `${payload}.${mac!.slice(0, -2)}${mac!.endsWith('A') ? 'BB' : 'AA'}`;
    expect(await identify(flow, forged)).toEqual({ error: 'invalid token' });
    const expired = await issueFlowToken(foyer.database.db, staff.orgId, customerId, -10);
    expect(await identify(flow, expired)).toEqual({ error: 'invalid token' });
    expect(await identify(flow, 'not-a-token')).toEqual({ error: 'invalid token' });
    await sleep(300);
    expect(changes.items).toEqual([]);
    expect(flow.connected).toBe(true);
  });

  it('tells staff of another organization nothing, and the flow socket nothing at all', async () => {
    const mine = await venue();
    const theirs = await venue();
    const outsider = await staffSocket(theirs.staff.cookie);
    const heard = recordPresence(outsider);
    const flow = await flowSocket();
    const flowHeard: string[] = [];
    flow.onAny((event) => flowHeard.push(event));
    // Someone else's customer comes and goes meanwhile: the flow must not hear about it either.
    const other = await flowSocket();
    await identify(flow, mine.token);
    await identify(other, (await venue()).token);
    const watcher = await staffSocket(mine.staff.cookie);
    const snapshot = await watcher.firstOnline;
    expect(snapshot.customerIds).toEqual([mine.customerId]);
    await sleep(300);
    expect(heard.items).toEqual([]);
    other.close();
    await sleep(OFFLINE_GRACE_MS + SWEEP_MS + 500);
    expect(flowHeard).toEqual([]);
  });
});

/**
 * A TCP relay to the server that can go silent without closing anything: what a phone that loses
 * its network (or a laptop lid closing) looks like from the server.
 */
async function freezableRelay(target: string): Promise<{ url: string; freeze: () => void; close: () => void }> {
  const { hostname, port } = new URL(target);
  const pairs: [TcpSocket, TcpSocket][] = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(port), hostname);
    pairs.push([client, upstream]);
    client.on('data', (d) => !frozen && upstream.write(d));
    upstream.on('data', (d) => !frozen && client.write(d));
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    freeze: () => (frozen = true),
    close: () => {
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      server.close();
    },
  };
}

describe('a browser that vanishes', () => {
  it('is offline within 30 s although its connection was never closed', async () => {
    const { staff, customerId, token } = await venue();
    const watcher = await staffSocket(staff.cookie);
    const changes = recordPresence(watcher);
    const relay = await freezableRelay(foyer.url);
    try {
      const flow = await connectFlow(relay.url);
      open.push(flow);
      expect(await identify(flow, token)).toEqual({ ok: true });
      await waitFor(() => changes.values().some((c) => c.customerId === customerId && c.online), 1000, 'online');
      const vanished = Date.now();
      relay.freeze();
      const offline = await waitFor(() => changes.items.find((c) => c.value.customerId === customerId && !c.value.online), 31_000, 'offline');
      expect(offline.at - vanished).toBeLessThan(30_000);
    } finally {
      relay.close();
    }
  }, 40_000);
});

describe('flow socket hygiene', () => {
  it('drops malformed, unknown and oversized messages, and the connection survives', async () => {
    const { staff, customerId, token } = await venue();
    const watcher = await staffSocket(staff.cookie);
    const changes = recordPresence(watcher);
    const flow = await flowSocket();
    let acks = 0;
    const raw = flow as unknown as { emit(event: string, ...args: unknown[]): void };
    // Oversized: far below socket.io's frame limit (which would close the connection), above ours.
    raw.emit('flow:identify', { token: token + 'x'.repeat(FLOW_MAX_EVENT_BYTES * 20) }, () => acks++);
    raw.emit('flow:identify', { token: 'y'.repeat(200_000) }, () => acks++);
    raw.emit('staff:please', { everything: true }, () => acks++);
    raw.emit('flow:identify', 42, (reply: unknown) => (acks++, expect(reply).toEqual({ error: 'flow:identify needs { token }' })));
    raw.emit('flow:identify', null);
    raw.emit('flow:done', { a: 'x'.repeat(FLOW_MAX_EVENT_BYTES * 2) });
    await sleep(300);
    expect(acks).toBe(1); // only the malformed one with an acknowledgement was answered
    expect(flow.connected).toBe(true);
    expect(await identify(flow, token)).toEqual({ ok: true });
    await waitFor(() => changes.items.find((c) => c.value.customerId === customerId && c.value.online), 1000, 'online');
    expect(flow.connected).toBe(true);
    flow.close();
  });

  it('limits identifications per address', async () => {
    const { token } = await venue();
    const flow = await flowSocket();
    const replies = [];
    for (let i = 0; i < 40; i++) replies.push(await identify(flow, token));
    expect(replies.filter((r) => 'error' in r).length).toBeGreaterThan(0);
    expect(replies.at(-1)).toEqual({ error: 'Too many attempts; try again in a minute' });
    flow.close();
  });
});

describe('staff presence on a profile (P1)', () => {
  it('shows everyone with the profile open, only within the organization', async () => {
    const { staff, customerId } = await venue();
    const colleague = await foyer.signIn({ orgId: staff.orgId, role: 'staff' });
    const stranger = (await venue()).staff;
    const [a, b, x] = [await staffSocket(staff.cookie), await staffSocket(colleague.cookie), await staffSocket(stranger.cookie)];
    const seenByA = record<{ customerId: string; viewers: { userId: string; name: string }[] }>(a, 'profile:viewers');
    const seenByB = record<{ customerId: string; viewers: { userId: string; name: string }[] }>(b, 'profile:viewers');
    const seenByX = record(x, 'profile:viewers');
    const me = await staff.get('/api/auth/me');
    const them = await colleague.get('/api/auth/me');

    a.emit('profile:open', customerId);
    await waitFor(() => seenByA.values().at(-1)?.viewers.length === 1, 1000, 'a alone');
    b.emit('profile:open', customerId);
    await waitFor(() => seenByA.values().at(-1)?.viewers.length === 2, 1000, 'a sees b');
    const both = seenByB.values().at(-1)!;
    expect(both.customerId).toBe(customerId);
    expect(both.viewers.map((v) => v.userId).sort()).toEqual([me.body.user.id, them.body.user.id].sort());
    expect(both.viewers.find((v) => v.userId === them.body.user.id)?.name).toBe(them.body.user.name);

    // Someone of another organization cannot join, nor appear.
    x.emit('profile:open', customerId);
    x.emit('profile:open', 'not an id' as string);
    await sleep(300);
    expect(seenByX.items).toEqual([]);
    expect(seenByA.values().at(-1)!.viewers).toHaveLength(2);

    b.emit('profile:close', customerId);
    await waitFor(() => seenByA.values().at(-1)?.viewers.length === 1, 1000, 'b left');
    b.emit('profile:open', customerId);
    await waitFor(() => seenByA.values().at(-1)?.viewers.length === 2, 1000, 'b back');
    b.close(); // closing the tab counts as leaving
    await waitFor(() => seenByA.values().at(-1)?.viewers.length === 1, 1000, 'b gone');
  });
});
