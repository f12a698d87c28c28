import {
  CustomerCreateSchema,
  MINIMUM_IDENTITY_MESSAGE,
  meetsMinimumIdentity,
  normalizePhone,
  type Address,
  type DateFormat,
  type ImportColumn,
  type ImportField,
  type ImportMappingParsed,
  type ImportRowError,
  type NormalizedPhone,
  importFormats,
} from '@foyer/schema/validation';
import type { FieldDefinition } from '../custom-fields/customer-repository.ts';

export type ImportFormat = (typeof importFormats)[number];

/** A header as compared: lowercase letters and digits only, accents dropped ("E-mail 1 - Value" → "email1value"). */
export const headerKey = (h: string) =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');

/**
 * Column names as the exports write them (Google Contacts, Outlook classic and .com, HubSpot,
 * Mailchimp, Twenty) and as people name them in English, French, German, Spanish, Italian and
 * Dutch. Address parts carry which address they belong to.
 */
const NAMES: Array<[ImportField, string[]]> = [
  ['firstName', ['firstname', 'givenname', 'first', 'fname', 'prenom', 'vorname', 'nombre', 'nome', 'voornaam', 'namefirstname', 'forename']],
  [
    'lastName',
    ['lastname', 'familyname', 'surname', 'lname', 'nom', 'nachname', 'apellido', 'apellidos', 'cognome', 'achternaam', 'namelastname', 'nomdefamille'],
  ],
  ['fullName', ['name', 'fullname', 'displayname', 'nomcomplet', 'vollername', 'nombrecompleto', 'contactname']],
  [
    'email',
    [
      'email',
      'emailaddress',
      'mail',
      'courriel',
      'adresseemail',
      'emailadresse',
      'correo',
      'correoelectronico',
      'emailsprimaryemail',
      'emailsadditionalemails',
      'email2address',
      'email3address',
      'workemail',
      'personalemail',
    ],
  ],
  [
    'phone',
    [
      'phone',
      'phonenumber',
      'mobile',
      'mobilephone',
      'mobilephonenumber',
      'telephone',
      'tel',
      'telefon',
      'telefono',
      'handy',
      'portable',
      'cellphone',
      'telefoon',
      'phonesprimaryphonenumber',
      'phonesadditionalphones',
      'primaryphone',
    ],
  ],
  ['phoneCountry', ['phonesprimaryphonecountrycode', 'phonesprimaryphonecallingcode', 'phonecountry', 'countrycode']],
  [
    'companyName',
    [
      'company',
      'companyname',
      'organization',
      'organisation',
      'organizationname',
      'organisationname',
      'firma',
      'unternehmen',
      'entreprise',
      'societe',
      'empresa',
      'azienda',
      'bedrijf',
    ],
  ],
  ['language', ['language', 'preferredlanguage', 'lang', 'sprache', 'langue', 'idioma', 'lingua', 'taal']],
  ['source', ['source', 'leadsource', 'quelle', 'origine', 'origen']],
  ['externalId', ['id', 'recordid', 'externalid', 'contactid', 'leid', 'hubspotid']],
  ['customerNumber', ['customernumber', 'customerno', 'customernr', 'kundennummer', 'kundennr', 'numeroclient', 'numerodecliente', 'klantnummer']],
  [
    'dateOfBirth',
    [
      'birthday',
      'dateofbirth',
      'birthdate',
      'dob',
      'geburtsdatum',
      'geburtstag',
      'datedenaissance',
      'anniversaire',
      'fechadenacimiento',
      'cumpleanos',
      'datadinascita',
      'geboortedatum',
    ],
  ],
  ['tags', ['tags', 'tag', 'labels', 'categories', 'groupmembership', 'kategorien', 'etiquettes', 'etiquetas', 'segments']],
  ['consent', ['marketingconsent', 'emailmarketingconsent', 'consent', 'optin', 'newsletter', 'subscribed', 'einwilligung']],
  ['consentAt', ['optintime', 'confirmtime', 'consentdate', 'consentat', 'optindate']],
  [
    'address.line1',
    ['street', 'streetaddress', 'address', 'addressline1', 'address1', 'strasse', 'adresse', 'rue', 'calle', 'direccion', 'indirizzo', 'straat'],
  ],
  ['address.line2', ['street2', 'addressline2', 'address2', 'extendedaddress']],
  ['address.city', ['city', 'town', 'ville', 'stadt', 'ort', 'ciudad', 'citta', 'plaats']],
  ['address.region', ['state', 'stateregion', 'region', 'province', 'county', 'bundesland', 'provincia']],
  ['address.postalCode', ['postalcode', 'postcode', 'zip', 'zipcode', 'plz', 'postleitzahl', 'codepostal', 'codigopostal', 'cap']],
  ['address.country', ['country', 'countryregion', 'land', 'pays', 'pais', 'paese', 'cc']],
];
const BY_NAME = new Map<string, ImportField>(NAMES.flatMap(([field, names]) => names.map((n) => [n, field] as const)));

/** Which export a header comes from, by the columns only that tool writes. */
export function detectFormat(headers: string[]): ImportFormat | null {
  const keys = new Set(headers.map(headerKey));
  if (keys.has('email1value') || keys.has('givenname') || keys.has('phone1value')) return 'google';
  if (keys.has('emailsprimaryemail') || keys.has('namefirstname')) return 'twenty';
  if (keys.has('memberrating') || keys.has('leid') || keys.has('optintime')) return 'mailchimp';
  if (keys.has('recordid') && keys.has('email')) return 'hubspot';
  if (keys.has('emailaddress') && (keys.has('homecountryregion') || keys.has('businesscountryregion') || keys.has('email2address'))) {
    // Outlook classic writes the type and display name of each address; Outlook.com does not.
    return keys.has('emailtype') || keys.has('emaildisplayname') ? 'outlook' : 'outlook.com';
  }
  return null;
}

/** The target a header suggests; for an address part, which address. */
function suggestOne(header: string, custom: FieldDefinition[]): Pick<ImportColumn, 'target' | 'address'> {
  const key = headerKey(header);
  const field = custom.find((f) => f.key === key.replace(/[^a-z0-9_]/g, '') || headerKey(f.label) === key);
  if (field) return { target: `custom.${field.key}` };
  // Google: "E-mail 2 - Value", "Phone 1 - Value", "Address 1 - City", "Organization Name"; the
  // "- Label"/"- Type" columns say what kind of value it is, not the value.
  const google =
    /^(email|phone|address|organization|organisation|relation|website|event|customfield|im)(\d+)(value|label|type|formatted|street|city|pobox|region|postalcode|country|extendedaddress|name|title)?$/.exec(
      key,
    );
  if (google) {
    const [, kind, n, part] = google;
    if (part === 'label' || part === 'type' || part === 'formatted' || part === 'pobox') return { target: null };
    if (kind === 'email') return { target: 'email' };
    if (kind === 'phone') return { target: 'phone' };
    if (kind === 'address' && part) {
      const target =
        part === 'street'
          ? 'address.line1'
          : part === 'extendedaddress'
            ? 'address.line2'
            : (`address.${part === 'postalcode' ? 'postalCode' : part}` as ImportField);
      return { target, address: Math.min(3, Number(n)) };
    }
    return { target: null };
  }
  // Outlook: "Home Street", "Business City", "Other Postal Code", "Home Phone 2", "E-mail 2 Address".
  const outlook = /^(home|business|other)(street|street2|street3|city|state|postalcode|countryregion|phone\d?|fax)$/.exec(key);
  if (outlook) {
    const [, where, part] = outlook;
    if (part!.startsWith('phone')) return { target: 'phone' };
    if (part === 'fax' || part === 'street3') return { target: null };
    const address = where === 'home' ? 1 : where === 'business' ? 2 : 3;
    const target = BY_NAME.get(part === 'state' ? 'state' : part!) ?? null;
    return { target, address };
  }
  const direct = BY_NAME.get(key);
  if (direct) return direct.startsWith('address.') ? { target: direct, address: 1 } : { target: direct };
  if (/(mobile|phone|telef|handy)/.test(key) && !/(fax|label|type|pager|phonetic)/.test(key)) return { target: 'phone' };
  if (/e?mail/.test(key) && !/(label|type|displayname|status|optout|consent)/.test(key)) return { target: 'email' };
  return { target: null };
}

/** What a date looks like in a sample of values: a day above 12 in first or second place settles it. */
export function guessDateFormat(values: string[], format: ImportFormat | null): DateFormat {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const v of values) {
    if (/^\d{4}-\d{1,2}-\d{1,2}/.test(v)) return 'YYYY-MM-DD';
    if (/^\d{1,2}\.\d{1,2}\.\d{2,4}$/.test(v)) return 'DD.MM.YYYY';
    const m = /^(\d{1,2})\/(\d{1,2})\/\d{2,4}$/.exec(v);
    if (m) {
      if (Number(m[1]) > 12) dayFirst++;
      if (Number(m[2]) > 12) monthFirst++;
    }
  }
  if (dayFirst > monthFirst) return 'DD/MM/YYYY';
  if (monthFirst > dayFirst) return 'MM/DD/YYYY';
  // Outlook and Mailchimp write US dates unless told otherwise.
  return format === 'outlook' || format === 'outlook.com' || format === 'mailchimp' ? 'MM/DD/YYYY' : format ? 'YYYY-MM-DD' : 'DD/MM/YYYY';
}

/** The mapping a header (and a few rows) suggest; staff edit it before running. */
export function suggestMapping(
  headers: string[],
  sample: string[][],
  custom: FieldDefinition[],
): { mapping: ImportMappingParsed; format: ImportFormat | null } {
  const format = detectFormat(headers);
  const used = new Set<string>();
  const columns: ImportColumn[] = headers.map((header) => {
    const s = suggestOne(header, custom);
    // A single field suggested twice (HubSpot's "Phone Number" and "Mobile Phone Number" are both
    // phones, fine; two "city" columns are not): the first keeps it.
    const key = s.target && !['email', 'phone', 'tags'].includes(s.target) ? `${s.target}#${s.address ?? ''}` : null;
    if (key && used.has(key)) return { header, target: null };
    if (key) used.add(key);
    return { header, ...s };
  });
  // First and last name columns make a full-name column redundant (Google's old "Name").
  if (columns.some((c) => c.target === 'firstName')) for (const c of columns) if (c.target === 'fullName') c.target = null;
  const dobColumn = columns.findIndex((c) => c.target === 'dateOfBirth');
  const dateFormat = guessDateFormat(dobColumn < 0 ? [] : sample.map((r) => r[dobColumn] ?? '').filter(Boolean), format);
  return { mapping: { columns, dateFormat, onMatch: 'fill', source: 'import', tags: [] }, format };
}

// —————————————————————————————————————— rows

/** A row as it would land: the customer's fields, checked. */
export type ImportedCustomer = {
  firstName: string | null;
  lastName: string | null;
  emails: string[];
  phones: NormalizedPhone[];
  customerNumber: string | null;
  externalId: string | null;
  language: string | null;
  source: string;
  dateOfBirth: string | null;
  companyName: string | null;
  consent: { given: boolean; at: string | null } | null;
  addresses: Address[];
  tags: string[];
  custom: Record<string, { text: string; number: number | null; date: string | null; bool: boolean | null }>;
};
export type RowResult = { ok: true; customer: ImportedCustomer } | { ok: false; errors: ImportRowError[] };

const MULTI = ' ::: ';
/** A cell of a repeatable field: several values joined with " ::: " (Google) or a JSON list (Twenty). */
function splitMulti(v: string): string[] {
  if (!v) return [];
  if (v.startsWith('[') && v.endsWith(']')) {
    try {
      const list: unknown = JSON.parse(v);
      if (Array.isArray(list)) return list.map((x) => String(typeof x === 'object' && x ? (Object.values(x)[0] ?? '') : x).trim()).filter(Boolean);
    } catch {
      // not JSON: an ordinary value
    }
  }
  return v.includes(MULTI) || v.includes(':::')
    ? v
        .split(':::')
        .map((s) => s.trim())
        .filter(Boolean)
    : [v];
}

const pad = (n: string) => n.padStart(2, '0');
/** A date in the file's format as YYYY-MM-DD; null when empty or a placeholder; an Error when it does not exist. */
export function parseDate(raw: string, format: DateFormat): string | null | Error {
  const v = raw.trim();
  // Outlook writes 0/0/00 for "no date"; Google "--03-14" and Mailchimp "03/14" for a birthday without its year.
  if (!v || /^0?0[/.-]0?0[/.-]0{2,4}$/.test(v) || /^--\d\d-\d\d$/.test(v) || /^\d{1,2}\/\d{1,2}$/.test(v)) return null;
  let y: string | undefined, m: string | undefined, d: string | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(v);
  if (iso) [, y, m, d] = iso;
  else {
    const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(v);
    if (!parts) return new Error(`"${v}" is not a date (expected ${format})`);
    const [, a, b, year] = parts;
    y = year!.length === 2 ? (Number(year) > Number(new Date().getFullYear().toString().slice(2)) ? `19${year}` : `20${year}`) : year;
    [d, m] = format === 'MM/DD/YYYY' ? [b, a] : [a, b];
  }
  const date = `${y}-${pad(m!)}-${pad(d!)}`;
  const t = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== date) return new Error(`${v} is not a date that exists`);
  return date;
}

/** A time (ISO 8601, or "YYYY-MM-DD HH:MM:SS" as Mailchimp writes, read as UTC), or a date in the file's format. */
function parseTime(raw: string, format: DateFormat): string | null | Error {
  const v = raw.trim();
  if (!v) return null;
  const full = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
  if (full) {
    const t = new Date(`${full[1]}T${full[2]}${full[3] ?? ''}${full[4] ?? 'Z'}`);
    return Number.isNaN(t.getTime()) ? new Error(`${v} is not a time that exists`) : t.toISOString();
  }
  const date = parseDate(v.split(' ')[0]!, format);
  return date instanceof Error || date === null ? date : `${date}T00:00:00.000Z`;
}

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'subscribed', 'optedin', 'opted in', 'ja', 'oui', 'si', 'sí', 'granted', 'given']);
const NO = new Set(['no', 'n', 'false', '0', 'unsubscribed', 'cleaned', 'nonsubscribed', 'not subscribed', 'nein', 'non', 'denied', '']);

/** A number as the file writes it: "1.234,5" and "12,5" where decimals are commas (German Excel), "1,234.5" otherwise. */
export function parseNumber(raw: string, decimalComma: boolean): number {
  let v = raw.trim().replace(/[\s\u00a0']/g, '');
  if (decimalComma) v = v.replace(/\./g, '').replace(',', '.');
  else v = v.replace(/,/g, '');
  return v === '' ? NaN : Number(v);
}

function callingCodeCountry(v: string): string | null {
  const t = v.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(t)) return t;
  return null;
}

/**
 * Turns rows into customers by a mapping, checked with the same rules as the API
 * (CustomerCreateSchema, C4, phones through libphonenumber): each problem names the column.
 */
export class RowConverter {
  private readonly byTarget = new Map<string, number[]>();
  private readonly definitions: Map<string, FieldDefinition>;

  constructor(
    private readonly mapping: ImportMappingParsed,
    private readonly defaultCountry: string,
    definitions: FieldDefinition[],
    private readonly decimalComma: boolean,
  ) {
    mapping.columns.forEach((c, i) => {
      if (!c.target) return;
      const key = c.target.startsWith('address.') ? `${c.target}#${c.address ?? 1}` : c.target;
      this.byTarget.set(key, [...(this.byTarget.get(key) ?? []), i]);
    });
    this.definitions = new Map(definitions.map((d) => [d.key, d]));
  }

  /** Problems with the mapping itself that no row can fix (an unknown custom field). */
  mappingIssues(): Array<{ path: (string | number)[]; message: string }> {
    return this.mapping.columns.flatMap((c, i) =>
      c.target?.startsWith('custom.') && !this.definitions.has(c.target.slice(7))
        ? [
            {
              path: ['columns', i, 'target'],
              message: `There is no custom field "${c.target.slice(7)}": create it first, or map "${c.header}" to another field`,
            },
          ]
        : [],
    );
  }

  private header(i: number) {
    return this.mapping.columns[i]?.header ?? `column ${i + 1}`;
  }

  convert(line: number, values: string[]): RowResult {
    const errors: ImportRowError[] = [];
    const fail = (column: number | null, reason: string) => errors.push({ line, column: column === null ? null : this.header(column), reason });
    const one = (target: string): [string, number] | undefined => {
      const i = this.byTarget.get(target)?.[0];
      if (i === undefined) return undefined;
      const v = values[i]?.trim() ?? '';
      return v ? [v, i] : undefined;
    };
    const many = (target: string): Array<[string, number]> =>
      (this.byTarget.get(target) ?? []).flatMap((i) => splitMulti(values[i]?.trim() ?? '').map((v) => [v, i] as [string, number]));

    let firstName = one('firstName')?.[0] ?? null;
    let lastName = one('lastName')?.[0] ?? null;
    const full = one('fullName');
    if (full && !firstName && !lastName) {
      const words = full[0].split(/\s+/);
      lastName = words.length > 1 ? words.pop()! : null;
      firstName = words.join(' ');
    }
    // Emails: the same address twice in a row (Google's "E-mail 1" and a copy in "E-mail 2") counts once.
    const emailCols: number[] = [];
    const seen = new Set<string>();
    const emails: string[] = [];
    for (const [v, i] of many('email')) {
      if (seen.has(v.toLowerCase())) continue;
      seen.add(v.toLowerCase());
      emails.push(v);
      emailCols.push(i);
    }
    const country = one('phoneCountry');
    const phones: NormalizedPhone[] = [];
    const phoneSeen = new Set<string>();
    for (const [v, i] of many('phone')) {
      let raw = v;
      let region = this.mapping.columns[i]?.country ?? this.defaultCountry;
      if (country && !/^(\+|00)/.test(v)) {
        if (/^\+?\d{1,3}$/.test(country[0])) raw = `+${country[0].replace('+', '')} ${v}`;
        else region = callingCodeCountry(country[0]) ?? region;
      }
      const phone = normalizePhone(raw, region);
      if (!phone) fail(i, `"${v}" is not a phone number that exists${/^(\+|00)/.test(v) ? '' : ` in ${region}`}`);
      else if (!phoneSeen.has(phone.e164)) {
        phoneSeen.add(phone.e164);
        phones.push(phone);
      }
    }
    const dob = one('dateOfBirth');
    let dateOfBirth: string | null = null;
    if (dob) {
      const d = parseDate(dob[0], this.mapping.dateFormat);
      if (d instanceof Error) fail(dob[1], d.message);
      else dateOfBirth = d;
    }
    let consent: ImportedCustomer['consent'] = null;
    const consentCell = one('consent');
    const consentAt = one('consentAt');
    let at: string | null = null;
    if (consentAt) {
      const t = parseTime(consentAt[0], this.mapping.dateFormat);
      if (t instanceof Error) fail(consentAt[1], t.message);
      else at = t;
    }
    if (consentCell) {
      const v = consentCell[0].toLowerCase();
      if (YES.has(v)) consent = { given: true, at };
      else if (NO.has(v)) consent = { given: false, at };
      else fail(consentCell[1], `"${consentCell[0]}" is not yes or no`);
    } else if (at) consent = { given: true, at }; // an opt-in time alone (Mailchimp's OPTIN_TIME) says it was given

    const addresses: Address[] = [];
    for (const n of [1, 2, 3]) {
      const part = (p: string) => one(`address.${p}#${n}`)?.[0] ?? null;
      const line1 = part('line1');
      const city = part('city');
      const postalCode = part('postalCode');
      let countryCode = part('country');
      if (countryCode && countryCode.length !== 2) countryCode = countryCodeOf(countryCode);
      if (!line1 && !city && !postalCode) continue;
      addresses.push({
        purpose: n === 2 ? 'billing' : 'contact',
        line1: line1 ?? city ?? postalCode!,
        line2: part('line2'),
        city,
        region: part('region'),
        postalCode,
        country: countryCode?.toUpperCase() ?? null,
      });
    }
    // Tags: Google's labels ("* myContacts ::: VIP", its system labels starred), Outlook's
    // categories ("VIP;Regulars"), Mailchimp's quoted list ('"Newsletter","VIP"').
    const tags = [...new Set([...this.mapping.tags, ...many('tags').flatMap(([v]) => v.split(/[;,]/).map((t) => t.replace(/^[\s*"]+|[\s"]+$/g, '')))])].filter(
      (t) => t && t !== 'myContacts' && t !== 'starred' && t.length <= 50,
    );
    const custom: ImportedCustomer['custom'] = {};
    for (const [key, def] of this.definitions) {
      const cell = one(`custom.${key}`);
      if (!cell) continue;
      const [v, i] = cell;
      switch (def.type) {
        case 'number': {
          const n = parseNumber(v, this.decimalComma);
          if (Number.isFinite(n)) custom[key] = { text: String(n), number: n, date: null, bool: null };
          else fail(i, `"${v}" is not a number`);
          break;
        }
        case 'date': {
          const d = parseDate(v, this.mapping.dateFormat);
          if (d instanceof Error || !d) fail(i, d instanceof Error ? d.message : `"${v}" is not a date`);
          else custom[key] = { text: d, number: null, date: d, bool: null };
          break;
        }
        case 'boolean': {
          const b = YES.has(v.toLowerCase()) ? true : NO.has(v.toLowerCase()) ? false : null;
          if (b === null) fail(i, `"${v}" is not yes or no`);
          else custom[key] = { text: b ? 'yes' : 'no', number: null, date: null, bool: b };
          break;
        }
        case 'choice':
          if (def.options?.includes(v)) custom[key] = { text: v, number: null, date: null, bool: null };
          else fail(i, `"${v}" is not one of ${def.options?.join(', ')}`);
          break;
        default:
          if (v.length > 1000) fail(i, `${def.label} has at most 1000 characters`);
          else custom[key] = { text: v, number: null, date: null, bool: null };
      }
    }

    // The API's own rules for everything else (lengths, email syntax, number and source formats, C4).
    const input = {
      firstName: firstName ?? undefined,
      lastName: lastName ?? undefined,
      emails,
      phones: phones.map((p) => p.e164),
      customerNumber: one('customerNumber')?.[0],
      externalId: one('externalId')?.[0],
      language: one('language')?.[0],
      source: one('source')?.[0]?.toLowerCase() ?? this.mapping.source,
      companyName: one('companyName')?.[0],
    };
    const parsed = CustomerCreateSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [field, index] = issue.path as [string | undefined, number | undefined];
        if (field === undefined) continue; // C4, checked below with the phones
        const column = field === 'emails' ? (emailCols[index ?? 0] ?? null) : (this.byTarget.get(field)?.[0] ?? null);
        fail(column, issue.message);
      }
    }
    if (!meetsMinimumIdentity({ firstName, lastName, emails, phones })) fail(null, MINIMUM_IDENTITY_MESSAGE);
    if (!parsed.success && !errors.length) fail(null, parsed.error.issues[0]?.message ?? 'Not a valid customer');
    if (errors.length || !parsed.success) return { ok: false, errors };
    const c = parsed.data;
    return {
      ok: true,
      customer: {
        firstName: c.firstName ?? null,
        lastName: c.lastName ?? null,
        emails: c.emails ?? [],
        phones,
        customerNumber: c.customerNumber ?? null,
        externalId: c.externalId ?? null,
        language: c.language ?? null,
        source: c.source ?? this.mapping.source,
        dateOfBirth,
        companyName: c.companyName || null,
        consent,
        addresses,
        tags,
        custom,
      },
    };
  }
}

const COUNTRY_NAMES: Record<string, string> = {
  'united kingdom': 'GB',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  france: 'FR',
  germany: 'DE',
  deutschland: 'DE',
  allemagne: 'DE',
  spain: 'ES',
  espana: 'ES',
  españa: 'ES',
  italy: 'IT',
  italia: 'IT',
  netherlands: 'NL',
  nederland: 'NL',
  belgium: 'BE',
  belgique: 'BE',
  switzerland: 'CH',
  schweiz: 'CH',
  suisse: 'CH',
  austria: 'AT',
  österreich: 'AT',
  ireland: 'IE',
  portugal: 'PT',
  canada: 'CA',
  australia: 'AU',
};
/** A country as exports name it ("United Kingdom", "Deutschland"), or null. */
function countryCodeOf(name: string): string | null {
  return COUNTRY_NAMES[name.trim().toLowerCase()] ?? null;
}
