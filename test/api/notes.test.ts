import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { sql } from 'drizzle-orm';
import { docFrom, plainTextOf } from '@foyer/server/domains/notes/note-doc.ts';
import { loadNote } from '@foyer/server/domains/notes/repository.ts';
import { COMPACT_AFTER, NoteService } from '@foyer/server/domains/notes/service.ts';
import { addUser } from '@foyer/server/domains/organizations/service.ts';
import { ApiClient } from '../support/client.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { connectStaff, eventually, NoteEditor } from '../support/notes.ts';

let foyer: TestFoyer;
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(() => foyer?.close());

async function newCustomer(client: ApiClient, firstName = 'Nora', lastName = 'Notes'): Promise<string> {
  const res = await client.post('/api/customers', { firstName, lastName });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** A colleague in the same organization, signed in, with their user id and name. */
async function colleague(orgId: string, name: string) {
  const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@venue.test`;
  const user = await addUser(foyer.database.db, orgId, { email, password: 'a long enough password', name, role: 'staff' });
  const client = new ApiClient(foyer.url);
  await client.login(email, 'a long enough password');
  return Object.assign(client, { userId: user.id, name });
}

const countRows = async (table: string, customerId: string) => {
  const r = await foyer.database.db.execute<{ n: number }>(
    sql`select count(*)::int as n from ${sql.identifier(table)} where customer_id = ${customerId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`,
  );
  return r.rows[0]!.n;
};

describe('shared notes over the staff socket', () => {
  it('two editors typing at once converge, and a third sees it all on open', async () => {
    const owner = await foyer.signIn();
    const other = await colleague(owner.orgId, 'Bea');
    const customerId = await newCustomer(owner);
    const a = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    const b = await NoteEditor.connect(foyer.url, other.cookie, customerId);
    a.paragraph('Prefers the quiet room.');
    b.paragraph('Allergic to nuts.');
    for (const ch of ' Late check-out.') a.type(ch);
    for (const ch of ' Birthday in May.') b.type(ch);
    await Promise.all([a.settled(), b.settled()]);
    await eventually(() => a.text === b.text && a.text.includes('Birthday in May') && a.text.includes('Late check-out'), 5000, 'convergence');
    expect(a.failures).toEqual([]);
    expect(b.failures).toEqual([]);

    const c = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    expect(c.text).toBe(a.text);
    [a, b, c].forEach((e) => e.close());
  });

  it('refuses a document of another organization without saying whether it exists', async () => {
    const mine = await foyer.signIn();
    const theirs = await foyer.signIn();
    const customerId = await newCustomer(theirs);
    const socket = await connectStaff(foyer.url, mine.cookie);
    const refused = await socket.emitWithAck('note:open', { customerId, stateVector: Y.encodeStateVector(new Y.Doc()) });
    const missing = await socket.emitWithAck('note:open', { customerId: 'f'.repeat(32), stateVector: Y.encodeStateVector(new Y.Doc()) });
    expect(refused).toEqual({ error: 'not_found' });
    expect(missing).toEqual({ error: 'not_found' });
    // Not admitted: updates to it are refused too.
    const update = await socket.emitWithAck('note:update', { customerId, update: Y.encodeStateAsUpdate(new Y.Doc()) });
    expect(update).toEqual({ error: 'not_open' });
    socket.close();
  });

  it('drops malformed and oversized messages and keeps the connection', async () => {
    const owner = await foyer.signIn();
    const customerId = await newCustomer(owner);
    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    const send = (update: unknown) => editor.socket.emitWithAck('note:update', { customerId, update } as never);
    expect(await send(new Uint8Array([1, 2, 3, 250, 250, 250, 7]))).toEqual({ error: 'malformed' });
    expect(await send('not bytes')).toEqual({ error: 'not_bytes' });
    expect(await send(new Uint8Array(300 * 1024).fill(1))).toEqual({ error: 'too_large' });
    // Awareness garbage is dropped silently; the next good message still goes through.
    editor.socket.emit('note:awareness', { customerId, update: new Uint8Array([9, 9, 9]) });
    editor.paragraph('Still here');
    await editor.settled();
    expect(editor.socket.connected).toBe(true);
    expect(editor.failures).toEqual([]);
    expect(editor.acked).toBe(1);
    expect(await countRows('note_updates', customerId)).toBe(1);
    editor.close();
  });

  it('relays awareness under the sender’s real name and withdraws it when they leave', async () => {
    const owner = await foyer.signIn();
    const other = await colleague(owner.orgId, 'Cleo');
    const customerId = await newCustomer(owner);
    const a = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    const b = await NoteEditor.connect(foyer.url, other.cookie, customerId);
    const heard: { clientId: number; state: unknown }[] = [];
    a.socket.on('note:awareness', ({ update }) => {
      const d = decoding.createDecoder(new Uint8Array(update as ArrayBuffer));
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(d);
        decoding.readVarUint(d);
        heard.push({ clientId, state: JSON.parse(decoding.readVarString(d)) });
      }
    });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 4242);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, JSON.stringify({ user: { name: 'Somebody Else', color: '#ff0000' }, cursor: null }));
    b.socket.emit('note:awareness', { customerId, update: encoding.toUint8Array(e) });
    await eventually(() => heard.length === 1, 3000, 'awareness');
    expect(heard[0]).toEqual({ clientId: 4242, state: { user: { name: 'Cleo', userId: other.userId, color: '#ff0000' }, cursor: null } });
    b.close();
    await eventually(() => heard.length === 2, 3000, 'awareness removal');
    expect(heard[1]).toEqual({ clientId: 4242, state: null });
    a.close();
  });

  it('a mention creates exactly one notification, live, and reloading or typing on does not repeat it', async () => {
    const owner = await foyer.signIn();
    const dana = await colleague(owner.orgId, 'Dana');
    const customerId = await newCustomer(owner, 'Milo', 'Mentioned');
    const danaSocket = await connectStaff(foyer.url, dana.cookie);
    const live: unknown[] = [];
    danaSocket.on('notification', (n) => live.push(n));

    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    editor.paragraph('Ask ');
    editor.mention(dana.userId, 'Dana');
    editor.type(' about the invoice');
    for (const ch of ' please') editor.type(ch);
    // A resend of the same update (a lost ack) is not a new mention.
    editor.send(Y.encodeStateAsUpdate(editor.doc));
    await editor.settled();
    editor.close();
    // A reload: a new editor opens and sends nothing new.
    const again = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    again.type('.');
    await again.settled();
    again.close();

    await eventually(() => live.length >= 1, 3000, 'the notification');
    await new Promise((r) => setTimeout(r, 300));
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ kind: 'mention', customerId, body: expect.stringContaining('Milo Mentioned'), readAt: null });
    const list = await dana.get('/api/notifications');
    expect(list.status).toBe(200);
    expect(list.body.unread).toBe(1);
    expect(list.body.items).toHaveLength(1);
    // Mentioning oneself notifies nobody; the author has no notification.
    expect((await owner.get('/api/notifications')).body.items).toHaveLength(0);

    const read = await dana.post('/api/notifications/read', { ids: [list.body.items[0].id] });
    expect(read.body).toEqual({ unread: 0 });
    expect((await dana.post('/api/notifications/read', { ids: ['nope'] })).status).toBe(400);
    danaSocket.close();
  });

  it('drops a forged mention id alone: the real mention of the same update still notifies', async () => {
    const owner = await foyer.signIn();
    const erin = await colleague(owner.orgId, 'Erin');
    const customerId = await newCustomer(owner, 'Fred', 'Forged');
    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    editor.doc.transact(() => {
      editor.paragraph('Ask \u0000');
      editor.mention('------------------------------------', 'Nobody');
      editor.mention('not-a-uuid\u0000', 'Nobody else');
      editor.mention(erin.userId, 'Erin');
    });
    await editor.settled();
    editor.close();
    await eventually(async () => (await erin.get('/api/notifications')).body.items.length === 1, 3000, 'the real mention');
    // The update was stored whole: a colleague opening the note reads it.
    const reader = await NoteEditor.connect(foyer.url, erin.cookie, customerId);
    expect(reader.text).toContain('@Erin');
    reader.close();
  });

  it('folds a long log into a snapshot and keeps every character', async () => {
    const owner = await foyer.signIn();
    const customerId = await newCustomer(owner);
    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    editor.paragraph('Log: ');
    const typed = 'x'.repeat(COMPACT_AFTER + 50);
    for (const ch of typed) editor.type(ch);
    await editor.settled();
    expect(editor.acked).toBe(COMPACT_AFTER + 51);
    await eventually(async () => (await countRows('note_updates', customerId)) < COMPACT_AFTER, 10_000, 'compaction');
    const stored = await foyer.database.db.execute<{ through: number; has: boolean }>(
      sql`select snapshot_through::int as through, snapshot is not null as has from customer_notes where customer_id = ${customerId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`,
    );
    expect(stored.rows[0]!.has).toBe(true);
    expect(stored.rows[0]!.through).toBeGreaterThan(0);
    editor.close();
    const reader = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    expect(reader.text).toBe(`Log: ${typed}`);
    reader.close();
  });

  it('compactions racing each other and a stream of appends lose nothing', async () => {
    const owner = await foyer.signIn();
    const customerId = await newCustomer(owner);
    const uuid = customerId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const me = (await owner.get('/api/auth/me')).body.user.id as string;
    // Two services on one database: two nodes, each appending and compacting.
    const nodes = [new NoteService(foyer.database.db), new NoteService(foyer.database.db)];
    await nodes[0]!.load(owner.orgId, uuid);
    const writer = new Y.Doc();
    const text = writer.getXmlFragment('default');
    const paragraph = new Y.XmlElement('paragraph');
    const line = new Y.XmlText('');
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    text.push([paragraph]);
    paragraph.push([line]);
    for (let i = 0; i < 600; i++) line.insert(line.length, String(i % 10));
    const appends = updates.map((u, i) => nodes[i % 2]!.append(owner.orgId, uuid, me, u));
    const compactions = [0, 1, 2, 3, 4, 5].map((i) => new Promise((r) => setTimeout(r, i * 15)).then(() => nodes[i % 2]!.compact(uuid)));
    await Promise.all([...appends, ...compactions]);
    // The appends also started compactions of their own, not awaited; while one runs, another
    // stands down. Compact until the whole log is folded.
    const foldAll = async () => {
      await nodes[0]!.compact(uuid);
      return (await countRows('note_updates', customerId)) === 0;
    };
    await eventually(foldAll, 10_000, 'a fully folded log');
    const stored = await loadNote(foyer.database.db, uuid);
    const doc = docFrom(
      stored.snapshot,
      stored.updates.map((u) => u.update),
    );
    expect(plainTextOf(doc)).toBe(plainTextOf(writer));
    expect(stored.updates.length).toBe(0);
    nodes.forEach((n) => n.close());
  });

  it('finds note text from quick-find’s search, within the organization only', async () => {
    const owner = await foyer.signIn();
    const stranger = await foyer.signIn();
    const customerId = await newCustomer(owner, 'Sam', 'Searchable');
    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    editor.paragraph('Wants the corner table with a view of the harbour, every Friday.');
    await editor.settled();
    editor.close();
    // The search text follows the document about a second after the last edit.
    let found = await owner.get('/api/notes/search?q=HARBOUR');
    await eventually(async () => (found = await owner.get('/api/notes/search?q=HARBOUR')).body.items?.length > 0, 5000, 'the search text');
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({ customerId, name: 'Sam Searchable', snippet: expect.stringContaining('view of the harbour') }),
    ]);
    expect((await stranger.get('/api/notes/search?q=harbour')).body.items).toEqual([]);
    const short = await owner.get('/api/notes/search?q=h');
    expect(short.status).toBe(400);
    expect(short.body.error.issues[0].field).toBe('q');
  });

  it('lists the organization’s staff for mentions', async () => {
    const owner = await foyer.signIn();
    await colleague(owner.orgId, 'Eve');
    const res = await owner.get('/api/staff');
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { name: string }) => s.name)).toContain('Eve');
    expect(res.body.items).toHaveLength(2);
  });

  it('describes the notes API in the OpenAPI document', async () => {
    const doc = (await foyer.client().get('/api/openapi.json')).body;
    for (const path of [
      '/api/staff',
      '/api/notes/search',
      '/api/notifications',
      '/api/notifications/read',
      '/api/customers/{ref}/notes/attachments',
      '/api/customers/{ref}/notes/attachments/{id}',
    ])
      expect(doc.paths[path], path).toBeDefined();
  });
});

describe('note attachments', () => {
  const upload = (client: ApiClient, customerId: string, file: Blob, name: string) => {
    const form = new FormData();
    form.append('file', file, name);
    return fetch(`${foyer.url}/api/customers/${customerId}/notes/attachments`, {
      method: 'POST',
      body: form,
      headers: { cookie: client.cookie!, origin: foyer.url },
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  };
  const pdf = new Blob([new TextEncoder().encode('%PDF-1.4\n% a tiny pdf\n')], { type: 'application/pdf' });

  it('uploads, lists, downloads as an attachment and deletes', async () => {
    const owner = await foyer.signIn();
    const customerId = await newCustomer(owner);
    const created = await upload(owner, customerId, pdf, 'Passport scan "2026".pdf');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ fileName: 'Passport scan "2026".pdf', contentType: 'application/pdf', byteSize: pdf.size });
    const list = await owner.get(`/api/customers/${customerId}/notes/attachments`);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([created.body.id]);

    const file = await owner.get(`/api/customers/${customerId}/notes/attachments/${created.body.id}`);
    expect(file.status).toBe(200);
    expect(file.text).toContain('%PDF-1.4');
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="Passport scan _2026_.pdf"; filename*=UTF-8''${encodeURIComponent('Passport scan "2026".pdf')}`,
    );
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');

    expect((await owner.delete(`/api/customers/${customerId}/notes/attachments/${created.body.id}`)).status).toBe(204);
    expect((await owner.get(`/api/customers/${customerId}/notes/attachments/${created.body.id}`)).status).toBe(404);
  });

  it('refuses a type not allowed, a disguised file and one over 10 MB, naming the field', async () => {
    const owner = await foyer.signIn();
    const customerId = await newCustomer(owner);
    const html = await upload(owner, customerId, new Blob(['<script>alert(1)</script>'], { type: 'text/html' }), 'x.html');
    expect(html.status).toBe(400);
    expect(html.body.error.issues[0].field).toBe('file');
    expect(html.body.error.message).toMatch(/text\/html/);
    const fake = await upload(owner, customerId, new Blob(['not a pdf'], { type: 'application/pdf' }), 'x.pdf');
    expect(fake.status).toBe(400);
    expect(fake.body.error.message).toMatch(/not really PDF/);
    const big = new Uint8Array(10 * 1024 * 1024 + 10);
    big.set([0x25, 0x50, 0x44, 0x46]);
    const tooBig = await upload(owner, customerId, new Blob([big], { type: 'application/pdf' }), 'big.pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.issues[0].field).toBe('file');
    const none = await fetch(`${foyer.url}/api/customers/${customerId}/notes/attachments`, {
      method: 'POST',
      body: new FormData(),
      headers: { cookie: owner.cookie!, origin: foyer.url },
    });
    expect(none.status).toBe(400);
  });

  it('erasing a customer erases their notes, files and the mentions naming them', async () => {
    const owner = await foyer.signIn();
    const fay = await colleague(owner.orgId, 'Fay');
    const customerId = await newCustomer(owner, 'Gone', 'Soon');
    const editor = await NoteEditor.connect(foyer.url, owner.cookie, customerId);
    editor.paragraph('Private matter for ');
    editor.mention(fay.userId, 'Fay');
    await editor.settled();
    editor.close();
    expect((await upload(owner, customerId, pdf, 'a.pdf')).status).toBe(201);
    await eventually(async () => (await fay.get('/api/notifications')).body.items.length === 1, 3000, 'the mention');

    expect((await owner.post(`/api/customers/${customerId}/erase`)).status).toBe(200);
    expect(await countRows('note_updates', customerId)).toBe(0);
    expect(await countRows('customer_notes', customerId)).toBe(0);
    expect(await countRows('note_attachments', customerId)).toBe(0);
    expect((await fay.get('/api/notifications')).body.items).toEqual([]);
    const socket = await connectStaff(foyer.url, owner.cookie);
    expect(await socket.emitWithAck('note:open', { customerId, stateVector: Y.encodeStateVector(new Y.Doc()) })).toEqual({ error: 'not_found' });
    socket.close();
  });

  it('answers 404 for another organization’s customer and attachment', async () => {
    const owner = await foyer.signIn();
    const stranger = await foyer.signIn();
    const customerId = await newCustomer(owner);
    const created = await upload(owner, customerId, pdf, 'a.pdf');
    expect((await stranger.get(`/api/customers/${customerId}/notes/attachments`)).status).toBe(404);
    expect((await stranger.get(`/api/customers/${customerId}/notes/attachments/${created.body.id}`)).status).toBe(404);
    expect((await stranger.delete(`/api/customers/${customerId}/notes/attachments/${created.body.id}`)).status).toBe(404);
    expect((await upload(stranger, customerId, pdf, 'b.pdf')).status).toBe(404);
  });
});
