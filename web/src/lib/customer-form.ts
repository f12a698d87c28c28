import {
  AddressSchema,
  ConsentInputSchema,
  CustomValuesSchema,
  CustomerCreateSchema,
  CustomerPatchSchema,
  MINIMUM_IDENTITY_MESSAGE,
  addressPurposes,
  fieldIssues,
  meetsMinimumIdentity,
  normalizePhone,
  type AddressInput,
  type Customer,
  type CustomerCreate,
  type CustomerPatch,
  type CustomField,
  type FieldIssue,
} from '@foyer/schema/validation';
import { FORM, toFieldErrors, type FieldErrors } from './issues';

/** What the customer forms hold: plain strings, one per input, lists with their empty rows. */
export type CustomerFormValues = {
  firstName: string;
  lastName: string;
  emails: string[];
  phones: string[];
  customerNumber: string;
  externalId: string;
  language: string;
  /** YYYY-MM-DD as an <input type="date"> gives it, or ''. */
  dateOfBirth: string;
  companyName: string;
};

export const PHONE_INVALID_MESSAGE = 'Not a valid phone number';

export function emptyCustomerForm(): CustomerFormValues {
  return {
    firstName: '',
    lastName: '',
    emails: [''],
    phones: [''],
    customerNumber: '',
    externalId: '',
    language: '',
    dateOfBirth: '',
    companyName: '',
  };
}

export function customerToForm(c: Customer): CustomerFormValues {
  return {
    firstName: c.firstName ?? '',
    lastName: c.lastName ?? '',
    // The API lists the primary email first; keep that order but make sure of it.
    emails: c.emails.length ? [...c.emails].sort((a, b) => Number(b.primary) - Number(a.primary)).map((e) => e.address) : [''],
    phones: c.phones.length ? c.phones.map((p) => p.raw || p.e164) : [''],
    customerNumber: c.customerNumber,
    externalId: c.externalId ?? '',
    language: c.language ?? '',
    dateOfBirth: c.dateOfBirth ?? '',
    companyName: c.companyName ?? '',
  };
}

/**
 * The non-empty rows of a list input and, for each sent index, the form row it came from, so an
 * issue on `emails.0` of the body can be shown beside the form's third email input.
 */
function compact(list: string[]): { values: string[]; rows: number[] } {
  const values: string[] = [];
  const rows: number[] = [];
  list.forEach((v, i) => {
    if (v.trim() !== '') {
      values.push(v.trim());
      rows.push(i);
    }
  });
  return { values, rows };
}

/** Maps a body path (`emails.0`) to the form path (`emails.2`) through the compacted rows. */
export type PathRemap = (field: string) => string;

function remapper(emailRows: number[], phoneRows: number[]): PathRemap {
  return (field) => {
    const m = /^(emails|phones)\.(\d+)(\..*)?$/.exec(field);
    if (!m) return field;
    const list = m[1]!; // a match always has its first two groups
    const rows = list === 'emails' ? emailRows : phoneRows;
    const row = rows[Number(m[2])];
    return row === undefined ? list : `${list}.${row}`;
  };
}

export type Validated<B> = { ok: true; body: B; remap: PathRemap } | { ok: false; errors: FieldErrors; remap: PathRemap };

/** Phones the organization's country can read; the others get an issue on their row. */
function checkPhones(phones: string[], country: string): { issues: FieldIssue[]; validCount: number } {
  const issues: FieldIssue[] = [];
  let validCount = 0;
  phones.forEach((raw, i) => {
    if (normalizePhone(raw, country)) validCount++;
    else issues.push({ field: `phones.${i}`, message: PHONE_INVALID_MESSAGE });
  });
  return { issues, validCount };
}

/**
 * Client-side check of the new-customer form with the shared CustomerCreateSchema (the same rules
 * the server applies), plus phone parsing in the organization's country. Empty rows are dropped;
 * an empty customer number is left out so the server generates one.
 */
export function validateCreate(values: CustomerFormValues, defaultCountry: string): Validated<CustomerCreate> {
  const emails = compact(values.emails);
  const phones = compact(values.phones);
  const remap = remapper(emails.rows, phones.rows);
  const body: CustomerCreate = {};
  if (values.firstName.trim()) body.firstName = values.firstName.trim();
  if (values.lastName.trim()) body.lastName = values.lastName.trim();
  if (emails.values.length) body.emails = emails.values;
  if (phones.values.length) body.phones = phones.values;
  if (values.customerNumber.trim()) body.customerNumber = values.customerNumber.trim();
  if (values.externalId.trim()) body.externalId = values.externalId.trim();
  if (values.language.trim()) body.language = values.language.trim();
  if (values.dateOfBirth?.trim()) body.dateOfBirth = values.dateOfBirth.trim();
  if (values.companyName?.trim()) body.companyName = values.companyName.trim();

  const issues: FieldIssue[] = [];
  const parsed = CustomerCreateSchema.safeParse(body);
  if (!parsed.success) issues.push(...fieldIssues(parsed.error));
  const phoneCheck = checkPhones(phones.values, defaultCountry);
  issues.push(...phoneCheck.issues);
  // C4 counts only phones that are valid: a first name and an unreadable phone is not enough.
  const identityOk = meetsMinimumIdentity({
    firstName: body.firstName,
    lastName: body.lastName,
    emails: emails.values,
    phones: Array.from({ length: phoneCheck.validCount }),
  });
  if (!identityOk && !issues.some((i) => i.message === MINIMUM_IDENTITY_MESSAGE)) {
    issues.push({ field: FORM, message: MINIMUM_IDENTITY_MESSAGE });
  }
  if (issues.length) return { ok: false, errors: toFieldErrors(issues, remap), remap };
  return { ok: true, body, remap };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Client-side check of the contact-details form against the customer as loaded. Only changed
 * fields go into the PATCH (lists replace the old list as a whole); cleared optional fields are
 * sent as null. The result must still meet the minimum identity (C4).
 */
export function validatePatch(values: CustomerFormValues, original: Customer, defaultCountry: string): Validated<CustomerPatch> & { changed: boolean } {
  const emails = compact(values.emails);
  const phones = compact(values.phones);
  const remap = remapper(emails.rows, phones.rows);
  const before = customerToForm(original);
  const body: CustomerPatch = {};
  const text = (v: string) => (v.trim() === '' ? null : v.trim());

  if (text(values.firstName) !== text(before.firstName)) body.firstName = text(values.firstName);
  if (text(values.lastName) !== text(before.lastName)) body.lastName = text(values.lastName);
  if (!sameList(emails.values, compact(before.emails).values)) body.emails = emails.values;
  if (!sameList(phones.values, compact(before.phones).values)) body.phones = phones.values;
  if (values.customerNumber.trim() !== before.customerNumber) body.customerNumber = values.customerNumber.trim();
  if (text(values.externalId) !== text(before.externalId)) body.externalId = text(values.externalId);
  if (text(values.language) !== text(before.language)) body.language = text(values.language);
  if (text(values.dateOfBirth ?? '') !== text(before.dateOfBirth)) body.dateOfBirth = text(values.dateOfBirth ?? '');
  if (text(values.companyName ?? '') !== text(before.companyName)) body.companyName = text(values.companyName ?? '');

  const changed = Object.keys(body).length > 0;
  const issues: FieldIssue[] = [];
  const parsed = CustomerPatchSchema.safeParse(body);
  if (!parsed.success) issues.push(...fieldIssues(parsed.error));
  const phoneCheck = checkPhones(phones.values, defaultCountry);
  // Only complain about phones that are being sent: an old stored phone is the server's business.
  if (body.phones) issues.push(...phoneCheck.issues);
  const identityOk = meetsMinimumIdentity({
    firstName: text(values.firstName),
    lastName: text(values.lastName),
    emails: emails.values,
    phones: Array.from({ length: phoneCheck.validCount }),
  });
  if (!identityOk) issues.push({ field: FORM, message: MINIMUM_IDENTITY_MESSAGE });
  if (issues.length) return { ok: false, errors: toFieldErrors(issues, remap), remap, changed };
  return { ok: true, body, remap, changed };
}

/** The fields the customer forms show an input for (others' errors go to the top of the form). */
export function isShownField(field: string, shown: readonly string[]): boolean {
  const head = field.split('.')[0] ?? field;
  return shown.includes(field) || (shown.includes(head) && /^(emails|phones)\.\d+$/.test(field));
}

/* ------------------------------------------------------------------------------------------------
 * Addresses (C5): one dialog edits one address; the PATCH sends the whole list (lists replace).
 * --------------------------------------------------------------------------------------------- */

export type AddressPurpose = (typeof addressPurposes)[number];
export type CustomerAddress = Customer['addresses'][number];

export const addressPurposeLabels: Record<AddressPurpose, string> = {
  billing: 'Billing',
  shipping: 'Shipping',
  contact: 'Contact',
};

export type AddressFormValues = {
  purpose: AddressPurpose;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
};

export function emptyAddressForm(country: string, purpose: AddressPurpose = 'contact'): AddressFormValues {
  return { purpose, line1: '', line2: '', city: '', region: '', postalCode: '', country };
}

export function addressToForm(a: CustomerAddress): AddressFormValues {
  return {
    purpose: a.purpose,
    line1: a.line1,
    line2: a.line2 ?? '',
    city: a.city ?? '',
    region: a.region ?? '',
    postalCode: a.postalCode ?? '',
    country: a.country ?? '',
  };
}

/** A stored address as the PATCH body carries it. */
export function addressToInput(a: CustomerAddress): AddressInput {
  return { purpose: a.purpose, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country };
}

/**
 * Checks one address form with the shared AddressSchema and gives the body to send for it.
 * Empty optional inputs become null (clearing them).
 */
export function validateAddress(values: AddressFormValues): { ok: true; body: AddressInput } | { ok: false; errors: FieldErrors } {
  const opt = (v: string) => (v.trim() === '' ? null : v.trim());
  const body: AddressInput = {
    purpose: values.purpose,
    line1: values.line1.trim(),
    line2: opt(values.line2),
    city: opt(values.city),
    region: opt(values.region),
    postalCode: opt(values.postalCode),
    country: opt(values.country)?.toUpperCase() ?? null,
  };
  const parsed = AddressSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(fieldIssues(parsed.error)) };
  return { ok: true, body };
}

/**
 * The addresses list after putting `next` at `index` (or appending it when index is null, or
 * removing the one at `index` when next is null), ready for PATCH { addresses }.
 */
export function replaceAddress(current: CustomerAddress[], index: number | null, next: AddressInput | null): AddressInput[] {
  const list = current.map(addressToInput);
  if (index === null) {
    if (next) list.push(next);
  } else if (next) list[index] = next;
  else list.splice(index, 1);
  return list;
}

/**
 * Issues the server gave on `addresses.<i>.<field>` for the address being edited, keyed by the
 * dialog's own field names; anything else goes to the top of the dialog.
 */
export function addressIssues(issues: FieldIssue[], index: number): FieldErrors {
  return toFieldErrors(issues, (field) => {
    const m = /^addresses\.(\d+)\.(\w+)$/.exec(field);
    if (m && Number(m[1]) === index) return m[2]!;
    return FORM;
  });
}

/** One line per part, for display: `12 Rue de Rivoli`, `75001 Paris`, `FR`. */
export function addressLines(a: CustomerAddress): string[] {
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  const regionLine = [a.region, a.country].filter(Boolean).join(', ');
  return [a.line1, a.line2, cityLine, regionLine].filter((l): l is string => !!l && l.trim() !== '');
}

/* ------------------------------------------------------------------------------------------------
 * Custom fields (T2): every field of the organization, typed inputs, PATCH { custom } with only
 * the keys that changed (null clears one).
 * --------------------------------------------------------------------------------------------- */

/** Inputs hold strings; a yes/no field holds 'yes', 'no' or '' (not set). */
export type CustomFormValues = Record<string, string>;

export function customToForm(fields: CustomField[], custom: Customer['custom']): CustomFormValues {
  const values: CustomFormValues = {};
  for (const f of fields) {
    const v = custom[f.key];
    if (v === undefined || v === null) values[f.key] = '';
    else if (f.type === 'boolean') values[f.key] = v === true ? 'yes' : v === false ? 'no' : '';
    else values[f.key] = String(v);
  }
  return values;
}

export const NUMBER_INVALID_MESSAGE = 'Enter a number, e.g. 12 or 4.5';

/** The value a custom field's input stands for, as the API carries it. */
function customValue(field: CustomField, raw: string): { value: string | number | boolean | null } | { error: string } {
  const text = raw.trim();
  if (text === '') return { value: null };
  switch (field.type) {
    case 'number': {
      const n = Number(text.replace(',', '.'));
      return Number.isFinite(n) ? { value: n } : { error: NUMBER_INVALID_MESSAGE };
    }
    case 'boolean':
      return { value: text === 'yes' };
    case 'choice':
      return field.options?.includes(text) ? { value: text } : { error: `Choose one of: ${(field.options ?? []).join(', ')}` };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? { value: text } : { error: 'A date is written YYYY-MM-DD' };
    default:
      return { value: text };
  }
}

/**
 * Checks the custom field inputs and gives PATCH { custom } with the keys whose value changed
 * from what the customer has. Errors are keyed `custom.<key>` like the server's issues.
 */
export function validateCustom(
  fields: CustomField[],
  values: CustomFormValues,
  original: Customer['custom'],
): { ok: true; custom: Record<string, string | number | boolean | null>; changed: boolean } | { ok: false; errors: FieldErrors } {
  const before = customToForm(fields, original);
  const custom: Record<string, string | number | boolean | null> = {};
  const issues: FieldIssue[] = [];
  for (const f of fields) {
    const raw = values[f.key] ?? '';
    if (raw.trim() === (before[f.key] ?? '').trim()) continue;
    const v = customValue(f, raw);
    if ('error' in v) issues.push({ field: `custom.${f.key}`, message: v.error });
    else custom[f.key] = v.value;
  }
  const parsed = CustomValuesSchema.safeParse(custom);
  if (!parsed.success) issues.push(...fieldIssues(parsed.error).map((i) => ({ ...i, field: `custom.${i.field}` })));
  if (issues.length) return { ok: false, errors: toFieldErrors(issues) };
  return { ok: true, custom, changed: Object.keys(custom).length > 0 };
}

/** A stored custom value as text for reading: `Yes`, `12.5`, `12 Mar 2026`. */
export function formatCustomValue(field: Pick<CustomField, 'type'>, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null || value === '') return '—';
  if (field.type === 'boolean') return value === true ? 'Yes' : 'No';
  return String(value);
}

/* ------------------------------------------------------------------------------------------------
 * Marketing consent (C6): when and how it was given.
 * --------------------------------------------------------------------------------------------- */

/** Ways staff commonly record consent; the method is free text, these are suggestions. */
export const consentMethods = ['Asked in person', 'Signed form', 'Website sign-up', 'Email reply', 'Phone call'] as const;

export function validateConsent(given: boolean, method: string): { ok: true; body: { given: boolean; method?: string } } | { ok: false; errors: FieldErrors } {
  const body = { given, ...(method.trim() ? { method: method.trim() } : {}) };
  if (!method.trim()) return { ok: false, errors: { method: given ? 'Say how the customer gave consent' : 'Say how the customer withdrew consent' } };
  const parsed = ConsentInputSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(fieldIssues(parsed.error)) };
  return { ok: true, body };
}

/* ------------------------------------------------------------------------------------------------
 * Photo (C6): checked in the browser before the upload; the server checks again.
 * --------------------------------------------------------------------------------------------- */

export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

export function checkPhoto(file: { type: string; size: number }): string | null {
  if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) return 'Choose a JPEG, PNG, WebP or GIF image.';
  if (file.size > PHOTO_MAX_BYTES) return `This image is ${(file.size / 1024 / 1024).toFixed(1)} MiB; a photo can be at most 8 MiB.`;
  if (file.size === 0) return 'This file is empty.';
  return null;
}
