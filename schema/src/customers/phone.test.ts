import { describe, expect, it } from 'vitest';
import { formatPhone } from './phone.ts';

describe('formatPhone', () => {
  it('groups numbers the way people write them', () => {
    expect(formatPhone('+447700900123')).toBe('+44 7700 900123');
    expect(formatPhone('+442079460958')).toBe('+44 20 7946 0958');
    expect(formatPhone('+441611234567')).toBe('+44 161 123 4567');
    expect(formatPhone('+33612345678')).toBe('+33 6 12 34 56 78');
    expect(formatPhone('+14155550123')).toBe('+1 415 555 0123');
    expect(formatPhone('+353871234567')).toBe('+353 87 123 4567');
    expect(formatPhone('+34612345678')).toBe('+34 612 34 56 78');
    expect(formatPhone('+31612345678')).toBe('+31 6 12345678');
  });
  it('leaves numbers it has no grouping for, and non-E.164 text, alone', () => {
    expect(formatPhone('+852 1234 5678'.replace(/ /g, ''))).toBe('+852 12345678');
    expect(formatPhone('020 7946 0958')).toBe('020 7946 0958');
    expect(formatPhone(null)).toBe('');
  });
});
