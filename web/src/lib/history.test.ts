import { describe, expect, it } from 'vitest';
import { fieldLabel, formatValue } from './history';

describe('history formatting', () => {
  it('labels fields', () => {
    expect(fieldLabel('firstName')).toBe('First name');
    expect(fieldLabel('loyaltyTier')).toBe('Loyalty tier');
  });
  it('formats stored values', () => {
    expect(formatValue(null)).toBeNull();
    expect(formatValue([])).toBeNull();
    expect(
      formatValue([
        { address: 'a@x.test', primary: true },
        { address: 'b@x.test', primary: false },
      ]),
    ).toBe('a@x.test, b@x.test');
    expect(formatValue([{ e164: '+442079460958', raw: '020 7946 0958' }])).toBe('+442079460958');
    expect(formatValue('banned')).toBe('Banned');
    expect(formatValue(['a', 'b'])).toBe('a, b');
  });
});
