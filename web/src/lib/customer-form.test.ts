import { describe, expect, it } from 'vitest';
import { MINIMUM_IDENTITY_MESSAGE, type Customer, type CustomField } from '@foyer/schema/validation';
import {
  NUMBER_INVALID_MESSAGE,
  PHONE_INVALID_MESSAGE,
  PHOTO_MAX_BYTES,
  addressIssues,
  addressLines,
  checkPhoto,
  customToForm,
  customerToForm,
  emptyAddressForm,
  emptyCustomerForm,
  replaceAddress,
  validateAddress,
  validateConsent,
  validateCreate,
  validateCustom,
  validatePatch,
} from './customer-form';
import { toFieldErrors } from './issues';

/** A whole profile as GET /api/customers/:ref answers it. */
function makeCustomer(over: Partial<Customer> = {}): Customer {
  return {
    id: '0123456789abcdef0123456789abcdef',
    customerNumber: 'C-00042',
    firstName: 'Ada',
    lastName: 'Lovelace',
    primaryEmail: 'ada@example.com',
    primaryPhone: null,
    photoUrl: null,
    status: 'active',
    lifecycleStage: 'lead',
    clv: 0,
    totalSpent: 0,
    lastOrderAt: null,
    lastActiveAt: null,
    createdAt: '2025-01-01T00:00:00Z',
    tags: [],
    emails: [{ address: 'ada@example.com', primary: true }],
    phones: [],
    previousPhones: [],
    addresses: [],
    externalId: null,
    language: 'en',
    source: 'dashboard',
    dateOfBirth: null,
    companyName: null,
    marketingConsent: { given: false, at: null, method: null },
    companies: [],
    custom: {},
    erasedAt: null,
    updatedAt: '2025-01-01T00:00:00Z',
    ...over,
  };
}

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
  const customer = makeCustomer();

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

describe('validatePatch, profile fields', () => {
  it('sends a date of birth and a cleared company name', () => {
    const c = makeCustomer({ companyName: 'Analytical Engines Ltd' });
    const r = validatePatch({ ...customerToForm(c), dateOfBirth: '1815-12-10', companyName: '' }, c, 'GB');
    // 1815 is before 1900: the shared schema refuses it, beside the field.
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.dateOfBirth).toMatch(/between 1900 and today/);
    const ok = validatePatch({ ...customerToForm(c), dateOfBirth: '1985-12-10', companyName: '' }, c, 'GB');
    expect(ok).toMatchObject({ ok: true, body: { dateOfBirth: '1985-12-10', companyName: null } });
  });
});

describe('addresses', () => {
  const home = { purpose: 'billing' as const, line1: '12 Rue de Rivoli', line2: null, city: 'Paris', region: null, postalCode: '75001', country: 'FR' };

  it('checks an address with the shared schema, nulls for empty parts and an upper-case country', () => {
    const r = validateAddress({ ...emptyAddressForm('gb'), line1: ' 1 Main St ', city: 'London' });
    expect(r).toEqual({
      ok: true,
      body: { purpose: 'contact', line1: '1 Main St', line2: null, city: 'London', region: null, postalCode: null, country: 'GB' },
    });
    const bad = validateAddress({ ...emptyAddressForm('GBR'), line1: '' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.line1).toBe('Enter the street address');
      expect(bad.errors.country).toMatch(/two-letter/);
    }
  });

  it('adds, replaces and removes one address in the list the PATCH sends', () => {
    const next = { purpose: 'shipping' as const, line1: '2 Quay St' };
    expect(replaceAddress([home], null, next)).toEqual([home, next]);
    expect(replaceAddress([home], 0, next)).toEqual([next]);
    expect(replaceAddress([home], 0, null)).toEqual([]);
  });

  it('puts server issues on the edited address beside its fields, others on top', () => {
    expect(
      addressIssues(
        [
          { field: 'addresses.1.country', message: 'Bad' },
          { field: 'addresses.0.city', message: 'Other' },
        ],
        1,
      ),
    ).toEqual({
      country: 'Bad',
      '(body)': 'Other',
    });
  });

  it('writes an address as lines', () => {
    expect(addressLines(home)).toEqual(['12 Rue de Rivoli', '75001 Paris', 'FR']);
  });
});

describe('custom fields', () => {
  const field = (key: string, type: CustomField['type'], options: string[] | null = null): CustomField => ({
    id: key,
    key,
    label: key,
    type,
    options,
    position: 0,
  });
  const fields = [
    field('room', 'text'),
    field('visits', 'number'),
    field('since', 'date'),
    field('seat', 'choice', ['Window', 'Bar']),
    field('vegan', 'boolean'),
  ];

  it('shows stored values as input strings', () => {
    expect(customToForm(fields, { room: '12', visits: 3, vegan: false })).toEqual({ room: '12', visits: '3', since: '', seat: '', vegan: 'no' });
  });

  it('sends only changed keys, typed, and null for a cleared one', () => {
    const r = validateCustom(fields, { room: '', visits: '4,5', since: '2026-01-02', seat: 'Bar', vegan: 'yes' }, { room: '12', visits: 3 });
    expect(r).toEqual({ ok: true, changed: true, custom: { room: null, visits: 4.5, since: '2026-01-02', seat: 'Bar', vegan: true } });
    expect(validateCustom(fields, customToForm(fields, { room: '12' }), { room: '12' })).toMatchObject({ ok: true, changed: false });
  });

  it('names the field that is wrong', () => {
    const r = validateCustom(fields, { ...customToForm(fields, {}), visits: 'lots', seat: 'Roof' }, {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors['custom.visits']).toBe(NUMBER_INVALID_MESSAGE);
      expect(r.errors['custom.seat']).toMatch(/Window, Bar/);
    }
  });
});

describe('consent and photo', () => {
  it('asks how consent was given', () => {
    expect(validateConsent(true, ' ')).toMatchObject({ ok: false, errors: { method: expect.stringMatching(/how/) } });
    expect(validateConsent(true, 'Asked in person')).toEqual({ ok: true, body: { given: true, method: 'Asked in person' } });
  });

  it('checks a photo before uploading it', () => {
    expect(checkPhoto({ type: 'image/png', size: 2000 })).toBeNull();
    expect(checkPhoto({ type: 'image/svg+xml', size: 2000 })).toMatch(/JPEG, PNG, WebP or GIF/);
    expect(checkPhoto({ type: 'image/jpeg', size: PHOTO_MAX_BYTES + 1 })).toMatch(/at most 8 MiB/);
  });
});
