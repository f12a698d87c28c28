import { describe, expect, it } from 'vitest';
import { formatMoney, initials, pageRange, plural, relativeDate, safeNext } from './format';

describe('relativeDate', () => {
  const now = new Date('2025-03-12T15:00:00Z');
  it('says just now, minutes and hours for today', () => {
    expect(relativeDate('2025-03-12T14:59:40Z', now)).toBe('Just now');
    expect(relativeDate('2025-03-12T14:55:00Z', now)).toBe('5 min ago');
    expect(relativeDate('2025-03-12T12:00:00Z', now)).toBe('3 h ago');
  });
  it('falls back to a short date, with the year when it differs', () => {
    expect(relativeDate('2025-01-02T10:00:00Z', now)).toBe('2 Jan');
    expect(relativeDate('2023-01-02T10:00:00Z', now)).toBe('2 Jan 2023');
  });
  it('survives garbage', () => {
    expect(relativeDate('not a date', now)).toBe('—');
  });
});

describe('pageRange', () => {
  it('computes the shown rows and page count', () => {
    expect(pageRange(1, 50, 0)).toEqual({ from: 0, to: 0, pages: 1 });
    expect(pageRange(1, 50, 120)).toEqual({ from: 1, to: 50, pages: 3 });
    expect(pageRange(3, 50, 120)).toEqual({ from: 101, to: 120, pages: 3 });
  });
});

describe('small helpers', () => {
  it('pluralises with grouping', () => {
    expect(plural(1, 'customer')).toBe('1 customer');
    expect(plural(2310, 'customer')).toBe('2,310 customers');
  });
  it('makes initials', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('ada.lovelace@example.com')).toBe('AL');
    expect(initials('C-000123')).toBe('C');
    expect(initials('Walk-in 12')).toBe('W');
    expect(initials('Niklaus Berners-Lee')).toBe('NB');
  });
});

describe('safeNext', () => {
  it('keeps local paths only', () => {
    expect(safeNext('/customers/C-1?x=1')).toBe('/customers/C-1?x=1');
    expect(safeNext('//evil.test/x')).toBe('/customers');
    expect(safeNext('/\\evil.test')).toBe('/customers');
    expect(safeNext('https://evil.test')).toBe('/customers');
    expect(safeNext('/api/auth/logout')).toBe('/customers');
    expect(safeNext(null)).toBe('/customers');
  });
});

describe('formatMoney', () => {
  it('writes minor units with the currency symbol and grouping', () => {
    expect(formatMoney(0, 'GBP')).toBe('£0.00');
    expect(formatMoney(123450, 'GBP')).toBe('£1,234.50');
    expect(formatMoney(5600, 'EUR')).toBe('€56.00');
    expect(formatMoney(500, 'JPY')).toBe('JP¥500');
    expect(formatMoney(null, 'GBP')).toBe('—');
  });
});
