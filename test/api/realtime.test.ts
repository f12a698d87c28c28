import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

let foyer: TestFoyer;
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(() => foyer?.close());

function connectStaff(cookie?: string, origin?: string): Promise<{ socket: Socket; welcome?: { orgId: string }; error?: Error }> {
  const socket = io(`${foyer.url}/staff`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
  });
  return new Promise((resolve) => {
    socket.on('welcome', (welcome) => resolve({ socket, welcome }));
    socket.on('connect_error', (error) => resolve({ socket, error }));
  });
}

describe('socket.io /staff', () => {
  it('shares the HTTP port and admits a socket with a valid session', async () => {
    const staff = await foyer.signIn();
    const { socket, welcome, error } = await connectStaff(staff.cookie);
    expect(error).toBeUndefined();
    expect(welcome?.orgId).toBe(staff.orgId);
    socket.close();
  });

  it('refuses a socket without a session cookie', async () => {
    const { socket, error } = await connectStaff();
    expect(error?.message).toBe('unauthenticated');
    socket.close();
  });

  it('refuses a socket whose session has ended', async () => {
    const staff = await foyer.signIn();
    const cookie = staff.cookie;
    await staff.post('/api/auth/logout');
    const { socket, error } = await connectStaff(cookie);
    expect(error?.message).toBe('unauthenticated');
    socket.close();
  });

  it('refuses a socket from another site even with a valid session cookie, and admits the same-origin one', async () => {
    const staff = await foyer.signIn();
    const foreign = await connectStaff(staff.cookie, 'https://evil.example');
    expect(foreign.error?.message).toBe('foreign_origin');
    expect(foreign.welcome).toBeUndefined();
    foreign.socket.close();
    const same = await connectStaff(staff.cookie, new URL(foyer.url).origin);
    expect(same.error).toBeUndefined();
    expect(same.welcome?.orgId).toBe(staff.orgId);
    same.socket.close();
  });
});
