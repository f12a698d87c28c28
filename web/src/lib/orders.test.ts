import { describe, expect, it } from 'vitest';
import { parseAmount } from './orders';

describe('parseAmount', () => {
  it('reads what staff type as minor units', () => {
    expect(parseAmount('12.50')).toBe(1250);
    expect(parseAmount('£12.5')).toBe(1250);
    expect(parseAmount('12,50')).toBe(1250);
    expect(parseAmount(' 7 ')).toBe(700);
    expect(parseAmount('500', 0)).toBe(500);
  });
  it('refuses what is not an amount', () => {
    for (const text of ['', 'abc', '-5', '1.234', '1.2.3']) expect(parseAmount(text), text).toBeNull();
    expect(parseAmount('5.5', 0)).toBeNull();
  });
});
