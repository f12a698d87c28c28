import {
  CustomerCreateSchema,
  CustomerPatchSchema,
  MINIMUM_IDENTITY_MESSAGE,
  fieldIssues,
  meetsMinimumIdentity,
  normalizePhone,
  type Customer,
  type CustomerCreate,
  type CustomerPatch,
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
};

export const PHONE_INVALID_MESSAGE = 'Not a valid phone number';

export function emptyCustomerForm(): CustomerFormValues {
  return { firstName: '', lastName: '', emails: [''], phones: [''], customerNumber: '', externalId: '', language: '' };
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
    const rows = m[1] === 'emails' ? emailRows : phoneRows;
    const row = rows[Number(m[2])];
    return row === undefined ? m[1] : `${m[1]}.${row}`;
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
export function validatePatch(
  values: CustomerFormValues,
  original: Customer,
  defaultCountry: string,
): Validated<CustomerPatch> & { changed: boolean } {
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
  const head = field.split('.')[0];
  return shown.includes(field) || (shown.includes(head) && /^(emails|phones)\.\d+$/.test(field));
}
