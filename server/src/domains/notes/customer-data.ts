import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { customerNotes, noteAttachments, noteUpdates, notifications } from '@foyer/schema/tables';
import { countOf, deleteOf, moveAll, type CustomerDataContext, type CustomerDataContributor } from '../../platform/customer-data.ts';
import { docFrom, NOTE_FIELD, plainTextOf } from './note-doc.ts';

/** Everything stored of a customer's notes (scoped by org): the snapshot row, if any, and the updates after it. */
async function storedNote(ctx: CustomerDataContext, customerId: string) {
  const { rows: notes } = await ctx.tx.execute<{ snapshot: Buffer | null }>(
    sql`select snapshot from customer_notes where org_id = ${ctx.orgId} and customer_id = ${customerId}`,
  );
  const { rows: updates } = await ctx.tx.execute<{ update: Buffer }>(
    sql`select "update" from note_updates where org_id = ${ctx.orgId} and customer_id = ${customerId} order by id`,
  );
  return { exists: notes.length > 0 || updates.length > 0, snapshot: notes[0]?.snapshot ?? null, updates: updates.map((u) => u.update) };
}

async function deleteAll(ctx: CustomerDataContext, id: string) {
  for (const table of [noteUpdates, customerNotes, noteAttachments, notifications]) await deleteOf(ctx, table, id);
}

/**
 * Appends `from`'s note after `into`'s, under a line saying where it came from, as one new update
 * of `into`'s document (editors with it open get it on their next open). Written by a client id
 * the document has not seen, so it can never be mistaken for an editor's own.
 */
async function appendNote(ctx: CustomerDataContext, source: Y.Doc, from: string, into: string) {
  const target = await storedNote(ctx, into);
  const doc = docFrom(target.snapshot, target.updates);
  try {
    const before = Y.encodeStateVector(doc);
    const seen = Y.decodeStateVector(before);
    while (seen.has(doc.clientID)) doc.clientID = randomInt(1, 2 ** 32 - 1);
    const { rows } = await ctx.tx.execute<{ customer_number: string }>(sql`select customer_number from customers where org_id = ${ctx.orgId} and id = ${from}`);
    const line = new Y.XmlElement('paragraph');
    line.insert(0, [new Y.XmlText(`Merged in from customer ${rows[0]?.customer_number ?? ''} on ${new Date().toISOString().slice(0, 10)}:`)]);
    const fragment = doc.getXmlFragment(NOTE_FIELD);
    // Tiptap writes elements and text only (no hooks).
    const copies = source
      .getXmlFragment(NOTE_FIELD)
      .toArray()
      .flatMap((node) => (node instanceof Y.XmlHook ? [] : [node.clone()]));
    doc.transact(() => fragment.insert(fragment.length, [line, ...copies]));
    const update = Y.encodeStateAsUpdate(doc, before);
    await ctx.tx.insert(noteUpdates).values({ orgId: ctx.orgId, customerId: into, userId: ctx.userId, update: Buffer.from(update) });
    await ctx.tx.execute(sql`
      insert into customer_notes (org_id, customer_id, plain_text) values (${ctx.orgId}, ${into}, ${plainTextOf(doc)})
      on conflict (customer_id) do update set plain_text = excluded.plain_text, updated_at = now()`);
  } finally {
    doc.destroy();
  }
}

/**
 * N1: a customer's notes (one shared document), the files attached to them and the colleagues'
 * notifications of mentions there. All of it is about the person: erasure and delete take it.
 */
export const customerData: CustomerDataContributor = {
  tables: [customerNotes, noteUpdates, noteAttachments, notifications],

  async impact(ctx, id) {
    const note = await storedNote(ctx, id);
    let written = 0;
    if (note.exists) {
      const doc = docFrom(note.snapshot, note.updates);
      written = plainTextOf(doc) ? 1 : 0;
      doc.destroy();
    }
    return [
      { what: 'notes', count: written },
      { what: 'files attached to the notes', count: await countOf(ctx, noteAttachments, id) },
      { what: 'notifications of mentions in the notes', count: await countOf(ctx, notifications, id) },
    ];
  },

  erase: deleteAll,
  delete: deleteAll,

  /**
   * Files and notifications move. The two documents become one: `into`'s, with `from`'s text after
   * it (a document that is only `from`'s moves as it is, row for row).
   */
  async merge(ctx, from, into) {
    await moveAll(ctx, noteAttachments, from, into);
    await moveAll(ctx, notifications, from, into);
    const source = await storedNote(ctx, from);
    if (!source.exists) return;
    if (!(await storedNote(ctx, into)).exists) {
      await moveAll(ctx, customerNotes, from, into);
      await moveAll(ctx, noteUpdates, from, into);
      return;
    }
    const doc = docFrom(source.snapshot, source.updates);
    try {
      if (doc.getXmlFragment(NOTE_FIELD).length > 0) await appendNote(ctx, doc, from, into);
    } finally {
      doc.destroy();
    }
    await deleteOf(ctx, noteUpdates, from);
    await deleteOf(ctx, customerNotes, from);
  },
};
