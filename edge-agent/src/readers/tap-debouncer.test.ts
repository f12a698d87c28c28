import { describe, expect, it } from 'vitest';
import { TapDebouncer } from './tap-debouncer.ts';

describe('one tap per presentation', () => {
  it('folds the RDM6300 repeats of a held card (every ~65 ms) into one tap, however long it is held', () => {
    const debouncer = new TapDebouncer(1000);
    const taps = Array.from({ length: 100 }, (_, i) => debouncer.accept('0A001B2C3D', i * 65)).filter(Boolean);
    expect(taps).toHaveLength(1);
  });

  it('counts a new tap after the card was away for the window, and other cards at once', () => {
    const debouncer = new TapDebouncer(1000);
    expect(debouncer.accept('A', 0)).toBe(true);
    expect(debouncer.accept('B', 10)).toBe(true);
    expect(debouncer.accept('A', 500)).toBe(false);
    expect(debouncer.accept('A', 1600)).toBe(true);
  });
});
