import { describe, expect, it } from 'vitest';
import { fromSystemId, toSystemId } from '../platform/wire.ts';
import { CustomerCreateSchema, CustomerNumberSchema, customerDisplayName, meetsMinimumIdentity } from './wire.ts';
import { normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it.each(['+44 20 7946 0958', '020 7946 0958', '0044 20 79460958', '+442079460958', '(020) 7946-0958'])('reads %s as +442079460958 in GB', (raw) =>
    expect(normalizePhone(raw, 'GB')).toEqual({ e164: '+442079460958', raw: raw.trim() }),
  );

  it('reads a national number in the organization country', () => {
    expect(normalizePhone('01 42 68 53 00', 'FR')?.e164).toBe('+33142685300');
  });

  it.each(['12', 'not a phone', '+44 20 7946', ''])('refuses %j', (raw) => expect(normalizePhone(raw, 'GB')).toBeNull());
});

describe('C4: minimum identity', () => {
  it.each([
    [{ firstName: 'A', lastName: 'B' }, true],
    [{ emails: ['a@b.co'] }, true],
    [{ firstName: 'A', phones: ['+442079460958'] }, true],
    [{ firstName: 'A' }, false],
    [{ lastName: 'B', phones: ['+442079460958'] }, false],
    [{ firstName: ' ', lastName: ' ' }, false],
    [{}, false],
  ])('%j → %s', (facts, ok) => expect(meetsMinimumIdentity(facts)).toBe(ok));

  it('turns blank names into absent ones before the rule runs', () => {
    const parsed = CustomerCreateSchema.safeParse({ firstName: '  ', lastName: '', emails: ['x@y.co'] });
    expect(parsed.success && parsed.data).toEqual({ emails: ['x@y.co'] });
  });
});

describe('customer numbers and system ids', () => {
  it.each(['C1234', 'MEM-0001', 'a.b_c-d', 'X'.repeat(32)])('accepts %s', (n) => expect(CustomerNumberSchema.safeParse(n).success).toBe(true));
  it.each(['C123', 'X'.repeat(33), 'has space', '-lead', 'ab/cd', '0123456789abcdef0123456789abcdef'])('refuses %s', (n) =>
    expect(CustomerNumberSchema.safeParse(n).success).toBe(false),
  );

  it('converts between UUIDs and 32-hex ids', () => {
    const uuid = '3f2c1a9e-7b4d-4e21-9c0a-5d6e7f8a9b0c';
    expect(toSystemId(uuid)).toBe('3f2c1a9e7b4d4e219c0a5d6e7f8a9b0c');
    expect(fromSystemId(toSystemId(uuid))).toBe(uuid);
  });

  it('names a customer by full name, else primary email, else number', () => {
    expect(customerDisplayName({ firstName: 'A', lastName: null, primaryEmail: null, customerNumber: 'C1' })).toBe('A');
    expect(customerDisplayName({ firstName: null, lastName: null, primaryEmail: 'e@x.co', customerNumber: 'C1' })).toBe('e@x.co');
    expect(customerDisplayName({ firstName: null, lastName: null, primaryEmail: null, customerNumber: 'C1' })).toBe('C1');
  });
});
