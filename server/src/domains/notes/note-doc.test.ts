import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { stampAwareness } from './realtime.ts';
import { snippet } from './service.ts';
import { isYjsUpdate, NOTE_FIELD, plainTextOf, watchMentions } from './note-doc.ts';

const paragraph = (...children: (string | Y.XmlElement)[]) => {
  const p = new Y.XmlElement('paragraph');
  p.push(children.map((c) => (typeof c === 'string' ? new Y.XmlText(c) : c)));
  return p;
};
const mention = (id: string, label: string) => {
  const m = new Y.XmlElement('mention');
  m.setAttribute('id', id);
  m.setAttribute('label', label);
  return m;
};

describe('note documents', () => {
  it('reads the text one line per block, mentions as @Name', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(NOTE_FIELD).push([paragraph('Ask ', mention('u1', 'Bea'), ' about it.'), paragraph('Second line')]);
    expect(plainTextOf(doc)).toBe('Ask @Bea about it.\nSecond line');
  });

  it('tells a Yjs update from other bytes', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x');
    expect(isYjsUpdate(Y.encodeStateAsUpdate(doc))).toBe(true);
    expect(isYjsUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false);
    expect(isYjsUpdate(new Uint8Array([1, 2, 3, 250, 250, 250, 7]))).toBe(false);
  });

  it('reports a mention once, when the update that inserts it first arrives', () => {
    const author = new Y.Doc();
    const server = new Y.Doc();
    const found: string[][] = [];
    watchMentions(
      server,
      (o) => o === 'editor',
      (ids) => found.push(ids),
    );
    const updates: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => updates.push(u));
    author.getXmlFragment(NOTE_FIELD).push([paragraph('Hi ', mention('u1', 'Bea'))]);
    (author.getXmlFragment(NOTE_FIELD).get(0) as Y.XmlElement).push([new Y.XmlText(' more')]);
    for (const u of updates) Y.applyUpdate(server, u, 'editor');
    for (const u of updates) Y.applyUpdate(server, u, 'editor');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(author), 'editor');
    expect(found).toEqual([['u1']]);
  });
});

describe('awareness from a tab', () => {
  const encode = (entries: [number, number, unknown][]) => {
    const parts: number[] = [entries.length];
    const out: Uint8Array[] = [];
    // Small numbers and ASCII: one byte per varuint, length-prefixed strings.
    for (const [id, clock, state] of entries) {
      const json = new TextEncoder().encode(JSON.stringify(state));
      out.push(new Uint8Array([id, clock, json.length, ...json]));
    }
    return new Uint8Array([...parts, ...out.flatMap((a) => [...a])]);
  };

  it('puts the sender’s own name on the state and remembers its clients', () => {
    const seen = new Map<number, number>();
    const stamped = stampAwareness(encode([[7, 3, { user: { name: 'Mallory', color: '#ff0000' } }]]), { userId: 'u1', name: 'Bea' }, seen);
    expect(stamped).not.toBeNull();
    const text = new TextDecoder().decode(stamped!.slice(4));
    expect(JSON.parse(text)).toEqual({ user: { name: 'Bea', userId: 'u1', color: '#ff0000' } });
    expect(seen).toEqual(new Map([[7, 3]]));
  });

  it('refuses garbage and states that are not objects', () => {
    expect(stampAwareness(new Uint8Array([9, 9, 9]), { userId: 'u', name: 'n' }, new Map())).toBeNull();
    expect(stampAwareness(encode([[1, 1, [1, 2]]]), { userId: 'u', name: 'n' }, new Map())).toBeNull();
  });
});

describe('search snippets', () => {
  it('shows the text around the match, with ellipses where cut', () => {
    const text = `${'a'.repeat(200)} the harbour view ${'b'.repeat(200)}`;
    const s = snippet(text, 'HARBOUR', 40);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('harbour');
  });
});
