import { describe, expect, it } from 'vitest';
import { MINIMUM_IDENTITY_MESSAGE, type Customer } from '@foyer/schema/validation';
import { PHONE_INVALID_MESSAGE, customerToForm, emptyCustomerForm, validateCreate, validatePatch } from './customer-form';
import { toFieldErrors } from './issues';

const form = (over: Partial<ReturnType<typeof emptyCustomerForm>>) => ({ ...emptyCustomerForm(), ...over });

describe('validateCreate', () => {
  it('asks for the minimum identity on an empty form', () => {
    const r = validateCreate(emptyCustomerForm(), 'GB');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors['(body)']).toBe(MINIMUM_IDENTITY_MESSAGE);
  });

  it('accepts an email alone and drops empty rows and an empty customer number', () => {
    const r = validateCreate(form({ emails: ['', ' ada@example.com '], phones: [''] }), 'GB');
    expect(r).toMatchObject({ ok: true, body: { emails: ['ada@example.com'] } });
    if (r.ok) expect(r.body).not.toHaveProperty('customerNumber');
  });

  it('shows an invalid email beside the row it was typed in', () => {
    const r = validateCreate(form({ firstName: 'Ada', lastName: 'L', emails: ['', 'not-an-email'] }), 'GB');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['emails.1']);
  });

  it('does not count an unreadable phone towards C4', () => {
    const r = validateCreate(form({ firstName: 'Ada', phones: ['12'] }), 'GB');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors['phones.0']).toBe(PHONE_INVALID_MESSAGE);
      expect(r.errors['(body)']).toBe(MINIMUM_IDENTITY_MESSAGE);
    }
    expect(validateCreate(form({ firstName: 'Ada', phones: ['020 7946 0958'] }), 'GB').ok).toBe(true);
  });

  it('maps server issues on the sent list back to the form rows', () => {
    const r = validateCreate(form({ emails: ['', '', 'taken@example.com'] }), 'GB');
    expect(r.ok).toBe(true);
    expect(toFieldErrors([{ field: 'emails.0', message: 'Held by C-00012' }], r.remap)).toEqual({ 'emails.2': 'Held by C-00012' });
  });

  it('checks the customer number with the shared rule', () => {
    const r = validateCreate(form({ emails: ['a@example.com'], customerNumber: 'ab' }), 'GB');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.customerNumber).toMatch(/5 to 32/);
  });
});

describe('validatePatch', () => {
  const customer: Customer = {
    id: '0123456789abcdef0123456789abcdef',
    customerNumber: 'C-00042',
    firstName: 'Ada',
    lastName: 'Lovelace',
    emails: [{ address: 'ada@example.com', primary: true }],
    phones: [],
    externalId: null,
    language: 'en',
    source: 'dashboard',
    status: 'active',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  };

  it('sends only what changed, null for a cleared field', () => {
    const values = { ...customerToForm(customer), language: '', emails: ['ada@example.com', 'a2@example.com'] };
    const r = validatePatch(values, customer, 'GB');
    expect(r).toMatchObject({ ok: true, changed: true, body: { language: null, emails: ['ada@example.com', 'a2@example.com'] } });
    if (r.ok) expect(Object.keys(r.body).sort()).toEqual(['emails', 'language']);
  });

  it('reports no change for an untouched form', () => {
    expect(validatePatch(customerToForm(customer), customer, 'GB')).toMatchObject({ ok: true, changed: false, body: {} });
  });

  it('refuses to leave the customer without a minimum identity', () => {
    const r = validatePatch({ ...customerToForm(customer), lastName: '', emails: [''] }, customer, 'GB');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors['(body)']).toBe(MINIMUM_IDENTITY_MESSAGE);
  });
});
