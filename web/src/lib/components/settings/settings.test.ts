import { describe, expect, it } from 'vitest';
import type { CustomField } from '@foyer/schema/validation';
import { optionLines, reorder } from './settings';

const f = (id: string, position: number): CustomField => ({ id, key: id, label: id, type: 'text', options: null, position });

describe('settings', () => {
  it('reads options one per line', () => {
    expect(optionLines(' Window \n\nBar\nWindow\nTerrace')).toEqual(['Window', 'Bar', 'Terrace']);
  });

  it('moves a field and renumbers only what changed', () => {
    expect(reorder([f('a', 0), f('b', 1), f('c', 2)], 2, 1)).toEqual([
      { id: 'c', position: 1 },
      { id: 'b', position: 2 },
    ]);
    // Gaps left by deletions are closed on the way.
    expect(reorder([f('a', 0), f('b', 4), f('c', 7)], 0, 1)).toEqual([
      { id: 'b', position: 0 },
      { id: 'a', position: 1 },
      { id: 'c', position: 2 },
    ]);
  });
});
