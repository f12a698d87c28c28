import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, issueFields } from '../support/client.ts';
import { startTestFoyer } from '../support/foyer.ts';
import { connectStaff, type StaffClient, until, waitFor } from '../support/sockets.ts';

/**
 * Settings → Team over the API: one-time links (invitation, password reset), role changes,
 * deactivation, custom roles, one's own name and sessions. Whatever ends a member's sessions or
 * changes what they may do drops their /staff sockets at once: checked with real socket.io clients.
 */
const foyer = await startTestFoyer();
afterAll(() => foyer.close());

let owner: Awaited<ReturnType<typeof foyer.signIn>>;
beforeAll(async () => {
  owner = await foyer.signIn();
});

const PASSWORD = 'plum harbour lantern';
const tokenOf = (url: string) => url.split('#')[1]!;
let n = 0;

/** Invites a new member (as the owner), accepts in a fresh client; returns the member's client and id. */
async function join(body: Record<string, unknown> = {}) {
  const email = `member${++n}@team.test`;
  const invited = await owner.post('/api/team/invites', { email, ...body });
  expect(invited.status, invited.text).toBe(201);
  const member = new ApiClient(foyer.url);
  const accepted = await member.post('/api/auth/invites/accept', { token: tokenOf(invited.body.link.url), name: `Member ${n}`, password: PASSWORD });
  expect(accepted.status, accepted.text).toBe(200);
  return { member, id: accepted.body.user.id as string, email, me: accepted.body };
}

/** Resolves when the socket is disconnected by the server (rejects if it is not within the timeout). */
const dropped = (socket: StaffClient) => waitFor(() => !socket.connected, 3000, 'the server to drop the socket');

describe('invitations', () => {
  it('joins with a link once: the invitee sets a name and password and is signed in with the role given', async () => {
    const invited = await owner.post('/api/team/invites', { email: 'newbie@team.test', role: 'manager' });
    expect(invited.status).toBe(201);
    expect(invited.body.link.url).toMatch(/\/join#[\w-]{40,}$/);
    expect(Date.parse(invited.body.link.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    const token = tokenOf(invited.body.link.url);
    expect((await owner.get('/api/team')).body.invites.map((i: { email: string }) => i.email)).toContain('newbie@team.test');

    const anonymous = new ApiClient(foyer.url);
    const info = await anonymous.post('/api/auth/links/check', { token });
    expect(info.body).toMatchObject({ kind: 'invite', email: 'newbie@team.test' });

    // The password policy applies.
    const weak = await anonymous.post('/api/auth/invites/accept', { token, name: 'Newbie', password: 'password123' });
    expect(weak.status).toBe(400);
    expect(issueFields(weak.body)).toEqual(['password']);

    const accepted = await anonymous.post('/api/auth/invites/accept', { token, name: 'Newbie', password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'newbie@team.test', name: 'Newbie', role: 'manager', customRole: null });
    expect(accepted.body.user.permissions).toContain('customers.export');
    expect((await anonymous.get('/api/auth/me')).status).toBe(200);

    const again = await new ApiClient(foyer.url).post('/api/auth/invites/accept', { token, name: 'Twice', password: PASSWORD });
    expect(again.status).toBe(410);
    const team = (await owner.get('/api/team')).body;
    expect(team.members.find((m: { email: string }) => m.email === 'newbie@team.test')).toMatchObject({ role: 'manager', active: true });
    expect(team.invites.map((i: { email: string }) => i.email)).not.toContain('newbie@team.test');
  });

  it('refuses an expired link, and an invitation for an email that already has an account', async () => {
    const invited = await owner.post('/api/team/invites', { email: 'late@team.test' });
    await foyer.database.pool.query(`update user_tokens set expires_at = now() - interval '1 second' where email = 'late@team.test'`);
    const late = await new ApiClient(foyer.url).post('/api/auth/invites/accept', { token: tokenOf(invited.body.link.url), name: 'Late', password: PASSWORD });
    expect(late.status).toBe(410);
    expect((await owner.post('/api/team/invites', { email: owner.email })).status).toBe(409);
  });

  it('stops a withdrawn invitation, and lets only team managers invite', async () => {
    const invited = await owner.post('/api/team/invites', { email: 'withdrawn@team.test' });
    expect((await owner.delete(`/api/team/invites/${invited.body.invite.id}`)).status).toBe(204);
    const res = await new ApiClient(foyer.url).post('/api/auth/invites/accept', { token: tokenOf(invited.body.link.url), name: 'W', password: PASSWORD });
    expect(res.status).toBe(410);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.get('/api/team')).status).toBe(200);
    expect((await manager.post('/api/team/invites', { email: 'x@team.test' })).status).toBe(403);
  });
});

describe('changing a member', () => {
  it('deactivation ends their sessions and drops their socket at once; they cannot sign in; reactivation lets them', async () => {
    const { member, id, email } = await join();
    const socket = await connectStaff(foyer.url, member.cookie);
    try {
      const res = await owner.patch(`/api/team/members/${id}`, { active: false });
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(false);
      await dropped(socket);
      expect((await member.get('/api/auth/me')).status).toBe(401);
      await expect(connectStaff(foyer.url, member.cookie)).rejects.toThrow('unauthenticated');
      expect((await new ApiClient(foyer.url).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(401);
      expect((await owner.get('/api/staff')).body.items.map((s: { id: string }) => s.id)).not.toContain(id);

      expect((await owner.patch(`/api/team/members/${id}`, { active: true })).status).toBe(200);
      expect((await new ApiClient(foyer.url).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
    } finally {
      socket.close();
    }
  });

  it('a role change drops the socket so that it reconnects with the new permissions; the API applies them at once', async () => {
    const { member, id } = await join({ role: 'manager' });
    expect((await member.get('/api/customers?pageSize=100')).status).toBe(200);
    const socket = await connectStaff(foyer.url, member.cookie);
    try {
      expect((await owner.patch(`/api/team/members/${id}`, { role: 'staff' })).status).toBe(200);
      await dropped(socket);
      expect((await member.get('/api/customers?pageSize=100')).status).toBe(403);
      expect((await member.get('/api/auth/me')).body.user.role).toBe('staff');
    } finally {
      socket.close();
    }
  });

  it('keeps the organization with an active owner, and no one changes their own role', async () => {
    const me = (await owner.get('/api/auth/me')).body.user.id;
    expect((await owner.patch(`/api/team/members/${me}`, { role: 'staff' })).status).toBe(409);
    const { id } = await join({ role: 'owner' });
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.patch(`/api/team/members/${id}`, { active: false })).status).toBe(403);
    expect((await owner.patch(`/api/team/members/${id}`, { role: 'manager' })).status).toBe(200);
  });

  it("answers 404 for another organization's member", async () => {
    const { id } = await join();
    const other = await foyer.signIn();
    expect((await other.patch(`/api/team/members/${id}`, { active: false })).status).toBe(404);
    expect((await other.post(`/api/team/members/${id}/reset-link`)).status).toBe(404);
  });
});

describe('password reset links', () => {
  it('sets a new password once, ends every other session of the member and drops their sockets', async () => {
    const { member, id, email } = await join();
    const socket = await connectStaff(foyer.url, member.cookie);
    try {
      const link = await owner.post(`/api/team/members/${id}/reset-link`);
      expect(link.status).toBe(201);
      expect(link.body.url).toMatch(/\/reset-password#/);
      expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000);
      const browser = new ApiClient(foyer.url);
      const reset = await browser.post('/api/auth/password-reset', { token: tokenOf(link.body.url), password: 'new quiet meadow stone' });
      expect(reset.status, reset.text).toBe(200);
      await dropped(socket);
      expect((await member.get('/api/auth/me')).status).toBe(401);
      expect((await browser.get('/api/auth/me')).status).toBe(200);
      expect((await new ApiClient(foyer.url).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(401);
      expect((await new ApiClient(foyer.url).post('/api/auth/login', { email, password: 'new quiet meadow stone' })).status).toBe(200);
      const reused = await new ApiClient(foyer.url).post('/api/auth/password-reset', { token: tokenOf(link.body.url), password: 'another fine password' });
      expect(reused.status).toBe(410);
    } finally {
      socket.close();
    }
  });

  it('refuses an invitation token as a reset token and the other way round', async () => {
    const invited = await owner.post('/api/team/invites', { email: 'crossed@team.test' });
    const res = await new ApiClient(foyer.url).post('/api/auth/password-reset', { token: tokenOf(invited.body.link.url), password: PASSWORD });
    expect(res.status).toBe(410);
  });
});

describe('custom roles', () => {
  it('gives a member exactly its permissions; editing it reconnects their socket; one in use is not deleted', async () => {
    const created = await owner.post('/api/team/roles', { name: 'Door manager', permissions: ['customers.view', 'doors.view', 'access.grant'] });
    expect(created.status).toBe(201);
    expect((await owner.post('/api/team/roles', { name: 'door manager', permissions: [] })).status).toBe(409);
    const role = created.body;
    const { member, id, me } = await join({ customRoleId: role.id });
    expect(me.user).toMatchObject({
      role: 'staff',
      customRole: { id: role.id, name: 'Door manager' },
      permissions: ['customers.view', 'doors.view', 'access.grant'],
    });
    expect((await member.get('/api/doors')).status).toBe(200);
    expect((await member.get(`/api/customers/00000000000040008000000000000000/bookings`)).status).toBe(403);

    const socket = await connectStaff(foyer.url, member.cookie);
    try {
      const edited = await owner.patch(`/api/team/roles/${role.id}`, { permissions: ['customers.view', 'bookings.view'] });
      expect(edited.status).toBe(200);
      expect(edited.body.members).toBe(1);
      await dropped(socket);
      expect((await member.get('/api/doors')).status).toBe(403);
      expect((await member.get('/api/auth/me')).body.user.permissions).toEqual(['customers.view', 'bookings.view']);
    } finally {
      socket.close();
    }
    expect((await owner.delete(`/api/team/roles/${role.id}`)).status).toBe(409);
    expect((await owner.patch(`/api/team/members/${id}`, { role: 'staff', customRoleId: null })).status).toBe(200);
    expect((await owner.delete(`/api/team/roles/${role.id}`)).status).toBe(204);
    expect((await member.get('/api/auth/me')).body.user).toMatchObject({ role: 'staff', customRole: null });
    // Another organization's role cannot be given.
    const other = await foyer.signIn();
    const theirs = (await other.post('/api/team/roles', { name: 'Theirs', permissions: [] })).body;
    expect((await owner.patch(`/api/team/members/${id}`, { customRoleId: theirs.id })).status).toBe(404);
  });

  it('refuses a permission outside the vocabulary, naming the field', async () => {
    const res = await owner.post('/api/team/roles', { name: 'Bad', permissions: ['customers.fly'] });
    expect(res.status).toBe(400);
    expect(issueFields(res.body)).toEqual(['permissions.0']);
  });
});

describe('one’s own profile and sessions', () => {
  it('a new display name shows in mentions and /me, and drops the member’s sockets so that presence shows it', async () => {
    const { member, id } = await join();
    const socket = await connectStaff(foyer.url, member.cookie);
    try {
      const res = await member.patch('/api/auth/me', { name: 'Jo at the desk' });
      expect(res.status).toBe(200);
      expect(res.body.user.name).toBe('Jo at the desk');
      await dropped(socket);
      expect((await owner.get('/api/staff')).body.items.find((s: { id: string }) => s.id === id).name).toBe('Jo at the desk');
      expect((await member.patch('/api/auth/me', { name: '  ' })).status).toBe(400);
    } finally {
      socket.close();
    }
  });

  it('lists one’s sessions, signs one out, and signs out everywhere else', async () => {
    const { member, email } = await join();
    const second = new ApiClient(foyer.url);
    await second.login(email, PASSWORD);
    const third = new ApiClient(foyer.url);
    await third.login(email, PASSWORD);
    const socket = await connectStaff(foyer.url, third.cookie);
    try {
      const list = (await member.get('/api/auth/sessions')).body.items as { id: string; current: boolean }[];
      expect(list).toHaveLength(3);
      expect(list.filter((s) => s.current)).toHaveLength(1);
      // The newest is the third's: sign it out from the first, and its socket goes.
      expect((await member.delete(`/api/auth/sessions/${list[0]!.id}`)).status).toBe(204);
      await dropped(socket);
      expect((await third.get('/api/auth/me')).status).toBe(401);
      // Someone else's session id is not one's own.
      const others = (await owner.get('/api/auth/sessions')).body.items as { id: string }[];
      expect((await member.delete(`/api/auth/sessions/${others[0]!.id}`)).status).toBe(404);

      expect((await member.post('/api/auth/sessions/end-others')).body).toEqual({ ended: 1 });
      expect((await second.get('/api/auth/me')).status).toBe(401);
      expect((await member.get('/api/auth/me')).status).toBe(200);
    } finally {
      socket.close();
    }
  });

  it('sets and removes a picture, re-encoded, served to colleagues', async () => {
    const { member, id } = await join();
    // A 1×1 PNG.
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    const set = await member.request('PUT', '/api/auth/me/avatar', png, { 'content-type': 'image/png' });
    expect(set.status, set.text).toBe(200);
    expect(set.body.user.avatarUrl).toMatch(new RegExp(`/api/team/members/${id}/avatar\\?v=1$`));
    const picture = await fetch(foyer.url + set.body.user.avatarUrl, { headers: { cookie: owner.cookie! } });
    expect(picture.headers.get('content-type')).toBe('image/webp');
    expect((await member.request('PUT', '/api/auth/me/avatar', 'not an image', { 'content-type': 'image/png' })).status).toBe(400);
    expect((await member.delete('/api/auth/me/avatar')).body.user.avatarUrl).toBeNull();
    await until(async () => (await owner.get(`/api/team/members/${id}/avatar`)).status === 404);
  });
});

describe('guessing links', () => {
  it('stops an address after twenty bad tokens, leaving other addresses alone', async () => {
    // A server of its own behind a trusted proxy: each client speaks from the address it forwards.
    const proxied = await startTestFoyer({ env: { TRUST_PROXY: '1' } });
    try {
      const from = (address: string) => new ApiClient(proxied.url, { 'x-forwarded-for': address });
      const guesser = from('203.0.113.9');
      const statuses = [];
      for (let i = 0; i < 21; i++) statuses.push((await guesser.post('/api/auth/links/check', { token: `guess-${i}-aaaaaaaaaaaaaaaaaaaaaaaa` })).status);
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(410));
      expect(statuses[20]).toBe(429);
      expect((await from('198.51.100.7').post('/api/auth/links/check', { token: 'honest-mistake-aaaaaaaaaaaaaaaaaa' })).status).toBe(410);
    } finally {
      await proxied.close();
    }
  });
});
