import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffNotification } from '@foyer/schema/realtime';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { addUser } from '@foyer/server/domains/organizations/service.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { connectStaff, eventually, NoteEditor } from '../support/notes.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { dropRedisPrefix, redisReachable, REDIS_URL } from '../support/redis.ts';

/**
 * N1/P2 across processes: two server nodes (`src/main.ts`) on one PostgreSQL database and one
 * Redis behave as one for notes: editors on different nodes converge, and a mention made on one
 * node reaches the colleague's tab on the other, once.
 */
const noRedis = await redisReachable();
if (noRedis) console.warn(`notes-nodes: skipping the two-node notes tests: ${noRedis}`);

describe.skipIf(!!noRedis)('notes on two nodes sharing PostgreSQL and Redis', () => {
  const prefix = `foyer-test-${randomBytes(4).toString('hex')}:`;
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  const closing: { close(): unknown }[] = [];
  let database: Database;
  let nodeA: FoyerProcess;
  let nodeB: FoyerProcess;
  let owner: ApiClient;
  let dana: ApiClient & { userId: string };

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    database = connect(databaseUrl);
    // One after the other: the first migrates and creates the demo organization.
    nodeA = await spawnFoyer({ DATABASE_URL: databaseUrl, ...env });
    nodeB = await spawnFoyer({ DATABASE_URL: databaseUrl, ...env });
    owner = new ApiClient(nodeA.url);
    await owner.login(OWNER.email, OWNER.password);
    const orgId: string = (await owner.get('/api/auth/me')).body.organization.id;
    const email = `dana-${randomBytes(3).toString('hex')}@venue.test`;
    const user = await addUser(database.db, orgId, { email, password: 'a long enough password', name: 'Dana Scully', role: 'staff' });
    dana = Object.assign(new ApiClient(nodeB.url), { userId: user.id });
    await dana.login(email, 'a long enough password');
  }, 120_000);
  afterAll(async () => {
    for (const c of closing) c.close();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await database?.close();
    await dropRedisPrefix(prefix);
  });

  const newCustomer = async (firstName: string, lastName: string) => {
    const res = await owner.post('/api/customers', { firstName, lastName });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const editorOn = async (node: FoyerProcess, client: ApiClient, customerId: string) => {
    const editor = await NoteEditor.connect(node.url, client.cookie, customerId);
    closing.push(editor);
    return editor;
  };

  it('two editors on different nodes type into the same note at once and converge', async () => {
    const customerId = await newCustomer('Nora', 'Nodes');
    const a = await editorOn(nodeA, owner, customerId);
    const b = await editorOn(nodeB, dana, customerId);
    a.paragraph('Prefers the quiet room.');
    b.paragraph('Allergic to nuts.');
    // Interleaved, one update per character, without waiting for acknowledgements.
    const fromA = ' Late check-out on Sundays.';
    const fromB = ' Birthday in May.';
    for (let i = 0; i < Math.max(fromA.length, fromB.length); i++) {
      if (fromA[i]) a.type(fromA[i]!);
      if (fromB[i]) b.type(fromB[i]!);
    }
    await Promise.all([a.settled(), b.settled()]);
    expect(a.failures).toEqual([]);
    expect(b.failures).toEqual([]);
    await eventually(() => a.text === b.text && a.text.includes('Sundays.') && a.text.includes('Birthday in May.'), 5000, 'convergence across nodes');
    for (const part of ['Prefers the quiet room.', 'Allergic to nuts.', fromA, fromB]) expect(a.text).toContain(part);
    // The documents are the same, not just their text.
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));

    // A third editor opening on either node gets it all from PostgreSQL.
    const c = await editorOn(nodeB, owner, customerId);
    expect(c.text).toBe(a.text);
    const d = await editorOn(nodeA, dana, customerId);
    expect(d.text).toBe(a.text);
  }, 30_000);

  it('a mention made on node A notifies the colleague connected to node B, once', async () => {
    const customerId = await newCustomer('Milo', 'Mentioned');
    const danaTab = await connectStaff(nodeB.url, dana.cookie);
    closing.push(danaTab);
    const live: StaffNotification[] = [];
    danaTab.on('notification', (n) => live.push(n));
    // Dana also has the note open on B: B's copy of the document hears A's updates.
    const onB = await editorOn(nodeB, dana, customerId);

    const onA = await editorOn(nodeA, owner, customerId);
    onA.paragraph('Ask ');
    onA.mention(dana.userId, 'Dana Scully');
    onA.type(' about the invoice.');
    await onA.settled();
    expect(onA.failures).toEqual([]);
    await eventually(() => live.length >= 1, 3000, 'the notification on node B');
    expect(live[0]).toMatchObject({ kind: 'mention', customerId, body: expect.stringContaining('Milo Mentioned'), readAt: null });

    // Dana, on B, types on and then resends her whole copy (a lost acknowledgement): the mention
    // she received from A is not new to B, and nobody is notified again.
    await eventually(() => onB.text.includes('about the invoice.'), 3000, 'the mention on B');
    onB.type(' Done.');
    onB.send(Y.encodeStateAsUpdate(onB.doc));
    await onB.settled();
    expect(onB.failures).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(live).toHaveLength(1);
    const listed = await dana.get('/api/notifications');
    expect(listed.body.unread).toBe(1);
    expect(listed.body.items).toHaveLength(1);
  }, 30_000);
});
