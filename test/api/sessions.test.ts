import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { NoteEditor, connectStaff, eventually } from '../support/notes.ts';

let foyer: TestFoyer;
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(() => foyer?.close());

const PASSWORD = 'a long enough password';

describe('staff sessions', () => {
  it('sign-out ends the sockets opened with that session at once, and their edits no longer apply', async () => {
    const owner = await foyer.signIn();
    // The same person signed in elsewhere: that session and its socket must stay.
    const elsewhere = new ApiClient(foyer.url);
    await elsewhere.login(owner.email, PASSWORD);
    const created = await owner.post('/api/customers', { firstName: 'Sam', lastName: 'Signout' });
    expect(created.status).toBe(201);
    const customerId: string = created.body.id;

    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    const watcher = await NoteEditor.connect(foyer.url, elsewhere.cookie, customerId);
    editor.paragraph('Before sign-out.');
    await editor.settled();
    await eventually(() => watcher.text.includes('Before sign-out.'), 5000, 'the edit before sign-out');

    const disconnected = new Promise<string>((resolve) => editor.socket.once('disconnect', (reason) => resolve(reason)));
    const out = await owner.post('/api/auth/logout');
    expect(out.status).toBe(204);
    const reason = await Promise.race([disconnected, new Promise<string>((resolve) => setTimeout(() => resolve('still connected'), 1000))]);
    expect(reason).toBe('io server disconnect');

    editor.paragraph('After sign-out.');
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.socket.connected).toBe(true);
    expect(watcher.text).not.toContain('After sign-out.');
    const reader = await NoteEditor.connect(foyer.url, elsewhere.cookie, customerId);
    expect(reader.text).toContain('Before sign-out.');
    expect(reader.text).not.toContain('After sign-out.');
    [editor, watcher, reader].forEach((e) => e.close());
  });

  it('ends a session 30 days after sign-in even while it is in use, and the renewal never slides past that', async () => {
    const staff = await foyer.signIn();
    const db = foyer.database.db;
    const age = (days: number) =>
      db.execute(sql`update sessions set created_at = now() - make_interval(days => ${days}), expires_at = now() + interval '1 day'
                     where user_id = (select id from users where email = ${staff.email})`);
    // 29 days old and active: still admitted; renewed (under half the idle lifetime left), but only to day 30.
    await age(29);
    expect((await staff.get('/api/auth/me')).status).toBe(200);
    const { rows } = await db.execute<{ left: number }>(
      sql`select extract(epoch from (created_at + interval '30 days' - expires_at))::int as left from sessions
          where user_id = (select id from users where email = ${staff.email})`,
    );
    expect(Math.abs(rows[0]!.left)).toBeLessThan(60);
    // 31 days old, though its idle expiry is still ahead: refused, over HTTP and on the socket.
    await age(31);
    const me = await staff.get('/api/auth/me');
    expect(me.status).toBe(401);
    await expect(connectStaff(foyer.url, staff.cookie)).rejects.toThrow('unauthenticated');
  });
});
