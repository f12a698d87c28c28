import { randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fakerDE, fakerEN_GB, fakerFR, type Faker } from '@faker-js/faker';
import * as tables from '@foyer/schema/tables';
import { BUILTIN_TAGS } from '@foyer/schema/validation';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbOrTx } from './platform/db/connect.ts';
import { syncDomainLinks } from './domains/companies/customer-repository.ts';

// ---------------------------------------------------------------------------------------------
// Randomness. A million customers take some fifteen million values: they come from pools made
// once (faker's name lists, fixed tables) through a small seeded PRNG (mulberry32), not from a
// faker call each.

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: ArrayLike<T>): T {
    return items[this.int(items.length)]!;
  }
  /**
   * Skewed to the start of `items`, like real names: with faker's 473 English last names the first
   * is 1.6% of the picks and the first ten 7.6% (in the UK Smith is about 1.1%, the top ten 5.5%).
   */
  common<T>(items: readonly T[]): T {
    const u = this.next();
    return items[Math.floor(u * Math.sqrt(u) * items.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.int(10);
    return s;
  }
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/** Picks by weight in O(log n). */
class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  constructor(entries: readonly (readonly [T, number])[]) {
    let sum = 0;
    this.items = entries.map(([item]) => item);
    this.cumulative = entries.map(([, weight]) => (sum += weight));
  }
  pick(rng: Rng): T {
    const x = rng.next() * this.cumulative.at(-1)!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/**
 * Ids in UUIDv7's layout (this run's start time, then a counter), so that rows arrive in key order:
 * every index on an id or a customer id (primary keys, customer_emails_customer_idx, …) then grows
 * at its right edge, where PostgreSQL appends without descending the tree, instead of touching a
 * random page per row.
 */
class TimeOrderedIds {
  private readonly prefix: string;
  private counter = randomInt(2 ** 40);
  constructor(ms: number) {
    const ts = ms.toString(16).padStart(12, '0');
    this.prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
  }
  next(): string {
    const hex = (this.counter++).toString(16).padStart(18, '0');
    return `${this.prefix}${hex.slice(0, 3)}-8${hex.slice(3, 6)}-${hex.slice(6)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Pools: who the customers are, by country.

type Name = { text: string; ascii: string };
type Phone = { e164: string; raw: string };
type City = { name: string; region: string; postcodes: readonly string[] };

type CountryProfile = {
  code: 'GB' | 'FR' | 'DE';
  firstNames: Name[];
  lastNames: Name[];
  languages: Weighted<string | null>;
  personalDomains: readonly string[];
  cities: Weighted<City>;
  postcode: (rng: Rng, city: City) => string;
  street: (rng: Rng) => { line1: string; line2: string | null };
  mobile: (rng: Rng) => Phone;
};

const asciiLower = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/** A locale's names, shuffled once with a fixed seed so that `Rng.common` favours a varied few. */
function namePool(faker: Faker, part: 'first_name' | 'last_name'): Name[] {
  const defs = faker.definitions.person[part] as { generic?: string[]; female?: string[]; male?: string[] };
  const all = [...new Set([...(defs.generic ?? []), ...(defs.female ?? []), ...(defs.male ?? [])])];
  return new Rng(part.length * 7919 + all.length)
    .shuffled(all)
    .map((text) => ({ text, ascii: asciiLower(text) }))
    .filter((n) => n.ascii.length > 0);
}

/** What sets a country apart; `profile` turns it into generators. */
type CountryData = {
  code: CountryProfile['code'];
  faker: Faker;
  languages: [string | null, number][];
  personalDomains: string[];
  /** [city, region, postcodes (or UK outward codes) separated by spaces, weight] */
  cities: [string, string, string, number][];
  postcode?: CountryProfile['postcode'];
  streets: string[];
  /** "12 High Street" or "Hauptstraße 12". */
  numberFirst: boolean;
  line2: { share: number; make: (rng: Rng) => string };
  /**
   * Mobile numbers: the country code, national prefixes, the national number's length, and how
   * staff at a UK venue write them (a foreign number with its country code).
   */
  mobile: { countryCode: string; prefixes: string[]; length: number; written: ((national: string) => string)[] };
};

function profile(d: CountryData): CountryProfile {
  return {
    code: d.code,
    firstNames: namePool(d.faker, 'first_name'),
    lastNames: namePool(d.faker, 'last_name'),
    languages: new Weighted(d.languages),
    personalDomains: d.personalDomains,
    cities: new Weighted(d.cities.map(([name, region, postcodes, weight]) => [{ name, region, postcodes: postcodes.split(' ') }, weight] as const)),
    postcode: d.postcode ?? ((rng, c) => rng.pick(c.postcodes)),
    street: (rng) => {
      const number = String(1 + rng.int(150));
      const street = rng.pick(d.streets);
      return { line1: d.numberFirst ? `${number} ${street}` : `${street} ${number}`, line2: rng.chance(d.line2.share) ? d.line2.make(rng) : null };
    },
    mobile: (rng) => {
      const prefix = rng.pick(d.mobile.prefixes);
      const national = `${prefix}${rng.digits(d.mobile.length - prefix.length)}`;
      return { e164: `+${d.mobile.countryCode}${national}`, raw: rng.pick(d.mobile.written)(national) };
    },
  };
}

/** UK inward codes never use C, I, K, M, O or V. */
const inwardLetters = 'ABDEFGHJLNPQRSTUWXYZ';

const gb = profile({
  code: 'GB',
  faker: fakerEN_GB,
  languages: [
    ['en', 90],
    [null, 5],
    ['fr', 1],
    ['de', 1],
    ['es', 1],
    ['it', 1],
    ['pl', 1],
  ],
  personalDomains: ['gmail.com', 'gmail.com', 'outlook.com', 'yahoo.co.uk', 'icloud.com', 'hotmail.co.uk', 'btinternet.com', 'proton.me'],
  cities: [
    ['London', 'Greater London', 'SW1A SW3 SW11 SE1 SE10 E1 E2 E14 N1 N7 NW1 NW3 W1 W2 W11 EC1V EC2A WC1H WC2N', 40],
    ['Manchester', 'Greater Manchester', 'M1 M2 M4 M14 M20', 8],
    ['Birmingham', 'West Midlands', 'B1 B5 B15 B29', 7],
    ['Edinburgh', 'City of Edinburgh', 'EH1 EH3 EH8 EH10', 5],
    ['Glasgow', 'Glasgow City', 'G1 G3 G12', 5],
    ['Bristol', 'Bristol', 'BS1 BS6 BS8', 5],
    ['Leeds', 'West Yorkshire', 'LS1 LS6 LS8', 5],
    ['Liverpool', 'Merseyside', 'L1 L8 L17', 4],
    ['Brighton', 'East Sussex', 'BN1 BN2 BN3', 4],
    ['Oxford', 'Oxfordshire', 'OX1 OX2 OX4', 3],
    ['Cambridge', 'Cambridgeshire', 'CB1 CB2 CB4', 3],
    ['Cardiff', 'Cardiff', 'CF10 CF11 CF24', 3],
  ],
  postcode: (rng, c) => `${rng.pick(c.postcodes)} ${rng.int(10)}${rng.pick(inwardLetters)}${rng.pick(inwardLetters)}`,
  streets: [
    'High Street',
    'Station Road',
    'Church Street',
    'Victoria Road',
    'Green Lane',
    'Manor Road',
    'Park Road',
    'Queen Street',
    'King Street',
    'Mill Lane',
    'The Crescent',
    'Albert Road',
    'London Road',
    'Kingsway',
    'Elm Grove',
    'Chapel Street',
    'Market Street',
    'Baker Street',
  ],
  numberFirst: true,
  line2: { share: 0.12, make: (rng) => `Flat ${1 + rng.int(40)}` },
  // 07[1-57-9]… are mobile ranges (076 holds pagers and the Isle of Man).
  mobile: {
    countryCode: '44',
    prefixes: ['71', '72', '73', '74', '75', '77', '78', '79'],
    length: 10,
    written: [(n) => `0${n.slice(0, 4)} ${n.slice(4)}`, (n) => `+44 ${n.slice(0, 4)} ${n.slice(4)}`, (n) => `0${n}`],
  },
});

const frenchPairs = (n: string) => n.slice(1).replace(/(\d{2})(\d{2})(\d{2})(\d{2})/, '$1 $2 $3 $4');

const fr = profile({
  code: 'FR',
  faker: fakerFR,
  languages: [
    ['fr', 85],
    ['en', 10],
    [null, 5],
  ],
  personalDomains: ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'hotmail.fr', 'sfr.fr'],
  cities: [
    ['Paris', 'Île-de-France', '75001 75003 75004 75005 75006 75008 75009 75010 75011 75012 75014 75015 75016 75017 75018 75020', 35],
    ['Lyon', 'Auvergne-Rhône-Alpes', '69001 69002 69003 69004 69006 69007', 12],
    ['Marseille', "Provence-Alpes-Côte d'Azur", '13001 13002 13006 13007 13008', 10],
    ['Bordeaux', 'Nouvelle-Aquitaine', '33000 33100 33200 33300 33800', 8],
    ['Lille', 'Hauts-de-France', '59000 59800', 7],
    ['Nice', "Provence-Alpes-Côte d'Azur", '06000 06100 06200 06300', 7],
    ['Toulouse', 'Occitanie', '31000 31200 31300 31400 31500', 8],
    ['Nantes', 'Pays de la Loire', '44000 44100 44200 44300', 6],
    ['Strasbourg', 'Grand Est', '67000 67100 67200', 6],
  ],
  streets: [
    'rue de la République',
    'rue Victor Hugo',
    'avenue Jean Jaurès',
    'rue Pasteur',
    'boulevard Gambetta',
    'rue du Général Leclerc',
    'place de la Mairie',
    'rue Nationale',
    'avenue de la Gare',
    'rue des Écoles',
    'quai Voltaire',
    'rue Saint-Honoré',
    'boulevard Haussmann',
    'rue de Rivoli',
    'rue La Fayette',
  ],
  numberFirst: true,
  line2: { share: 0.1, make: (rng) => (rng.chance(0.5) ? `Bâtiment ${rng.pick('ABCD')}` : `Appartement ${1 + rng.int(60)}`) },
  mobile: {
    countryCode: '33',
    // 061–068 and 073–078 are metropolitan mobile ranges (069x numbers belong to overseas departments).
    prefixes: ['61', '62', '63', '64', '65', '66', '67', '68', '73', '75', '76', '77', '78'],
    length: 9,
    written: [(n) => `+33 ${n[0]} ${frenchPairs(n)}`, (n) => `+33${n}`],
  },
});

const de = profile({
  code: 'DE',
  faker: fakerDE,
  languages: [
    ['de', 85],
    ['en', 10],
    [null, 5],
  ],
  personalDomains: ['gmail.com', 'web.de', 'gmx.de', 't-online.de', 'outlook.de', 'posteo.de'],
  cities: [
    ['Berlin', 'Berlin', '10115 10117 10119 10178 10243 10245 10405 10435 10437 10551 10585 10623 10707 10777 10827 10961 10997 12043 12047 13347 14057', 30],
    ['München', 'Bayern', '80331 80333 80335 80469 80538 80797 80802 81369 81541 81667 81675', 15],
    ['Hamburg', 'Hamburg', '20095 20099 20144 20249 20354 20357 22041 22085 22303 22765 22767', 14],
    ['Köln', 'Nordrhein-Westfalen', '50667 50668 50670 50672 50674 50676 50677 50823 50825 50933 51063', 10],
    ['Frankfurt am Main', 'Hessen', '60311 60313 60316 60318 60322 60385 60389 60487 60594 60596', 10],
    ['Stuttgart', 'Baden-Württemberg', '70173 70174 70176 70178 70180 70182 70190 70199', 7],
    ['Düsseldorf', 'Nordrhein-Westfalen', '40210 40211 40212 40213 40215 40217 40219 40221 40477 40479', 7],
    ['Leipzig', 'Sachsen', '04103 04105 04107 04109 04177 04229 04275 04315', 7],
  ],
  streets: [
    'Hauptstraße',
    'Bahnhofstraße',
    'Schulstraße',
    'Gartenstraße',
    'Dorfstraße',
    'Bergstraße',
    'Lindenstraße',
    'Kirchstraße',
    'Goethestraße',
    'Schillerstraße',
    'Friedrichstraße',
    'Am Markt',
    'Mozartstraße',
    'Ringstraße',
    'Waldweg',
  ],
  numberFirst: false,
  line2: { share: 0.08, make: (rng) => rng.pick(['Hinterhaus', '2. OG', '3. OG', 'c/o Müller']) },
  // 015[1257] and 017x are mobile ranges with 8-digit subscriber numbers.
  mobile: {
    countryCode: '49',
    prefixes: ['151', '152', '155', '157', '170', '171', '172', '173', '175', '176', '177', '178', '179'],
    length: 11,
    written: [(n) => `+49 ${n.slice(0, 3)} ${n.slice(3)}`, (n) => `+49${n}`],
  },
});

const countries = new Weighted<CountryProfile>([
  [gb, 78],
  [fr, 12],
  [de, 10],
]);

/** The seed's companies; a work email at one of their domains links the customer (Co2). */
const COMPANIES: { name: string; domains: string[] }[] = [
  { name: 'Acme Studio', domains: ['acme-studio.co.uk'] },
  { name: 'Northwind Traders', domains: ['northwind.com', 'northwind.co.uk'] },
  { name: 'Globex', domains: ['globex.io'] },
  { name: 'Initech', domains: ['initech.co'] },
  { name: 'Umbrella Group', domains: ['umbrella-group.com'] },
  { name: 'Hooli', domains: ['hooli.com'] },
  { name: 'Maison Lefèvre', domains: ['maison-lefevre.fr'] },
  { name: 'Brandt & Söhne', domains: ['brandt-soehne.de'] },
];
/** Work domains of no company: most staff at small firms are not a company in the venue's eyes. */
const UNLISTED_WORK_DOMAINS = ['harper-legal.co.uk', 'brightlane.io', 'studio-nord.de', 'cabinet-roux.fr', 'oakfield-dental.co.uk', 'quayside.agency'];

const sources = new Weighted([
  ['dashboard', 30],
  ['online', 40],
  ['import', 15],
  ['walk-in', 15],
] as const);
const consentMethods = new Weighted([
  ['booking form', 50],
  ['in person', 20],
  ['email reply', 10],
  ['import', 20],
] as const);
const tagCounts = new Weighted([
  [1, 60],
  [2, 30],
  [3, 10],
] as const);

/** How often each built-in tag is given; a tag the organization made itself gets weight 1. */
const TAG_WEIGHTS: Record<string, number> = {
  VIP: 6,
  'First-time': 10,
  Regular: 14,
  'Loyalty member': 8,
  Corporate: 5,
  'Walk-in': 6,
  'Friends & Family': 2,
  Business: 4,
  Influencer: 1,
  Local: 10,
  'No-show': 2,
  Problematic: 0.5,
};

/** The seed's custom fields and how their values look; one of another type with the same key is left alone. */
type FieldSpec = { key: string; label: string; type: 'text' | 'number' | 'choice'; options?: string[]; share: number };
const FIELDS: FieldSpec[] = [
  { key: 'membership_no', label: 'Membership no.', type: 'text', share: 0.6 },
  {
    key: 'room_preference',
    label: 'Room preference',
    type: 'choice',
    options: ['Quiet', 'High floor', 'Low floor', 'Near lift', 'Garden view', 'Sea view'],
    share: 0.5,
  },
  { key: 'visits', label: 'Visits', type: 'number', share: 0.7 },
];

// ---------------------------------------------------------------------------------------------
// COPY plumbing.

/** Escapes a value for PostgreSQL's COPY text format; null becomes \N. */
const copyValue = (v: string | null) => {
  if (v === null) return '\\N';
  if (!/[\\\t\n\r]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
};

const copyLine = (values: (string | null)[]) => `${values.map(copyValue).join('\t')}\n`;

/** What one batch loads, table by table, in load order: each table references only earlier ones. */
const TARGETS = {
  customers:
    'customers (id, org_id, first_name, last_name, language, source, company_name, marketing_consent, consent_at, consent_method, ' +
    'primary_email, primary_phone, tag_ids, created_at, updated_at)',
  emails: 'customer_emails (id, org_id, customer_id, address, position)',
  phones: 'customer_phones (id, org_id, customer_id, e164, raw, position)',
  addresses: 'customer_addresses (id, org_id, customer_id, purpose, line1, line2, city, region, postal_code, country, position)',
  tags: 'customer_tags (org_id, customer_id, tag_id)',
  links: 'customer_companies (org_id, customer_id, company_id, linked_by)',
  custom: 'custom_field_values (org_id, customer_id, field_id, value_text, value_number)',
  audit: 'audit_log (org_id, entity_type, entity_id, action, changes, created_at)',
} as const;
type Target = keyof typeof TARGETS;
type Batch = Record<Target, string[]>;

const emptyBatch = (): Batch => ({ customers: [], emails: [], phones: [], addresses: [], tags: [], links: [], custom: [], audit: [] });

async function copyRows(client: pg.PoolClient, target: Target, lines: string[]) {
  if (lines.length === 0) return;
  // Join lines into ~1 MiB chunks: one write per line would dominate the cost.
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 8192) chunks.push(lines.slice(i, i + 8192).join(''));
  await pipeline(Readable.from(chunks), client.query(copyFrom(`copy ${TARGETS[target]} from stdin`)));
}

// ---------------------------------------------------------------------------------------------
// The organization's reference data: made when missing, then read back.

type OrgRefs = {
  tags: Weighted<string> | undefined;
  tagIds: string[];
  /** Company name by domain, for the company_name column of customers with a work email there. */
  companyByDomain: Map<string, string>;
  companyIds: string[];
  /**
   * Every domain of those companies (the seed's and any other the organization gave them), and
   * the companies it links a customer to: the links syncDomainLinks would make for an email there.
   */
  linkedCompaniesByDomain: Map<string, string[]>;
  fields: { id: string; spec: FieldSpec; options: string[] }[];
};

async function ensureTags(client: pg.PoolClient, orgId: string) {
  const read = () => client.query<{ id: string; name: string }>('select id, name from tags where org_id = $1', [orgId]);
  let { rows } = await read();
  if (rows.length === 0) {
    await client.query(
      `insert into tags (org_id, name, color, builtin)
       select $1, name, color, true from unnest($2::text[], $3::text[]) as t(name, color)
       on conflict do nothing`,
      [orgId, BUILTIN_TAGS.map((t) => t.name), BUILTIN_TAGS.map((t) => t.color)],
    );
    ({ rows } = await read());
  }
  return { tagIds: rows.map((t) => t.id), tags: rows.length ? new Weighted(rows.map((t) => [t.id, TAG_WEIGHTS[t.name] ?? 1] as const)) : undefined };
}

/**
 * The seed's companies and their domains, made when missing. A domain names one company of an
 * organization, so one the organization already gave to another company stays with it: the
 * companies returned are whoever holds the seed's work domains, and the links are made to them.
 */
async function ensureCompanies(client: pg.PoolClient, orgId: string) {
  for (const company of COMPANIES) {
    const { rows } = await client.query<{ id: string }>(
      `with made as (insert into companies (org_id, name) values ($1, $2) on conflict do nothing returning id)
       select id from made union all select id from companies where org_id = $1 and lower(name) = lower($2)`,
      [orgId, company.name],
    );
    await client.query(`insert into company_domains (org_id, company_id, domain) select $1, $2, unnest($3::text[]) on conflict do nothing`, [
      orgId,
      rows[0]!.id,
      company.domains,
    ]);
  }
  const { rows } = await client.query<{ domain: string; id: string; name: string }>(
    `select d.domain, c.id, c.name from company_domains d join companies c on c.id = d.company_id
     where d.org_id = $1 and d.domain = any($2)`,
    [orgId, [...COMPANIES.flatMap((c) => c.domains), ...UNLISTED_WORK_DOMAINS]],
  );
  const companyIds = [...new Set(rows.map((r) => r.id))];
  const { rows: domains } = await client.query<{ domain: string; companyId: string }>(
    'select domain, company_id as "companyId" from company_domains where org_id = $1 and company_id = any($2)',
    [orgId, companyIds],
  );
  const linkedCompaniesByDomain = new Map<string, string[]>();
  for (const d of domains) linkedCompaniesByDomain.set(d.domain, [...(linkedCompaniesByDomain.get(d.domain) ?? []), d.companyId]);
  return { companyIds, companyByDomain: new Map(rows.map((r) => [r.domain, r.name])), linkedCompaniesByDomain };
}

async function ensureCustomFields(client: pg.PoolClient, orgId: string) {
  await client.query(
    `insert into custom_fields (org_id, key, label, type, options, position)
     select $1, f.key, f.label, f.type::custom_field_type, f.options,
            coalesce((select max(position) from custom_fields where org_id = $1), -1) + f.n
     from jsonb_to_recordset($2::jsonb) as f(key text, label text, type text, options jsonb, n int)
     on conflict do nothing`,
    [orgId, JSON.stringify(FIELDS.map((f, i) => ({ ...f, n: i + 1 })))],
  );
  const { rows } = await client.query<{ id: string; key: string; type: string; options: string[] | null }>(
    'select id, key, type, options from custom_fields where org_id = $1 and key = any($2)',
    [orgId, FIELDS.map((f) => f.key)],
  );
  return rows.flatMap((row) => {
    const spec = FIELDS.find((f) => f.key === row.key && f.type === row.type);
    const options = row.options ?? spec?.options ?? [];
    return spec && (spec.type !== 'choice' || options.length) ? [{ id: row.id, spec, options }] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// One customer.

type Context = {
  orgId: string;
  rng: Rng;
  refs: OrgRefs;
  ids: TimeOrderedIds;
  now: number;
  count: number;
  /** Where this run's membership numbers start. */
  membershipBase: number;
  /** Lowercased addresses taken in the organization: an email is unique per organization (C5). */
  emailsTaken: Set<string>;
  workDomains: Weighted<string>;
  /** First and last names given in this run (for customer_name_words). */
  namesUsed: Set<string>;
};

const ANALYZED = ['customers', 'customer_emails', 'customer_phones', 'customer_addresses', 'customer_tags', 'custom_field_values', 'audit_log'];
const THREE_YEARS = 3 * 365 * 24 * 3600 * 1000;
const SEED_AUDIT = '{"source": {"before": null, "after": "seed"}}';

/** first.last, flast, first_last …; a number is added until the address is free, as people do. */
function uniqueEmail(ctx: Context, first: Name, last: Name, domain: string): string {
  const { rng } = ctx;
  const f = first.ascii;
  const l = last.ascii;
  const local = rng.pick([`${f}.${l}`, `${f}.${l}`, `${f}${l}`, `${f[0]}.${l}`, `${f}_${l}`, `${l}.${f}`, `${f}${l[0]}`]);
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? '' : attempt < 4 ? String(1 + rng.int(99)) : String(rng.int(1e6));
    const address = `${local}${suffix}@${domain}`;
    if (!ctx.emailsTaken.has(address)) {
      ctx.emailsTaken.add(address);
      return address;
    }
  }
}

/** The `index`-th customer of the run; customers come newest first (see customers_org_created_idx). */
function addCustomer(ctx: Context, batch: Batch, index: number) {
  const { rng, orgId, refs } = ctx;
  const id = ctx.ids.next();
  const country = countries.pick(rng);
  const first = rng.common(country.firstNames);
  const last = rng.common(country.lastNames);
  ctx.namesUsed.add(first.text).add(last.text);
  // Spread over three years, denser in recent months, and falling with `index`, so that the index
  // on (org_id, created_at desc) also grows at one edge.
  const createdMs = ctx.now - Math.floor(((index + rng.next()) / ctx.count) ** 0.7 * THREE_YEARS);
  const created = new Date(createdMs).toISOString();

  const emails: string[] = [];
  if (rng.chance(0.97)) emails.push(uniqueEmail(ctx, first, last, rng.pick(country.personalDomains)));
  let workDomain: string | undefined;
  if (rng.chance(0.31)) {
    workDomain = ctx.workDomains.pick(rng);
    const work = uniqueEmail(ctx, first, last, workDomain);
    if (rng.chance(0.25)) emails.unshift(work);
    else emails.push(work);
  }
  const phones: Phone[] = [];
  if (rng.chance(0.92)) {
    phones.push(country.mobile(rng));
    if (rng.chance(0.2)) phones.push(country.mobile(rng));
  }
  const consent = rng.chance(0.45);
  const consentAt = consent ? new Date(createdMs + rng.int(ctx.now - createdMs)).toISOString() : null;
  const tagIds = refs.tags && rng.chance(0.4) ? pickTags(rng, refs.tags) : [];

  batch.customers.push(
    copyLine([
      id,
      orgId,
      first.text,
      last.text,
      country.languages.pick(rng),
      sources.pick(rng),
      (workDomain && refs.companyByDomain.get(workDomain)) ?? null,
      consent ? 't' : 'f',
      consentAt,
      consent ? consentMethods.pick(rng) : null,
      emails[0] ?? null,
      phones[0]?.e164 ?? null,
      `{${tagIds.join(',')}}`,
      created,
      created,
    ]),
  );
  emails.forEach((address, i) => batch.emails.push(copyLine([ctx.ids.next(), orgId, id, address, String(i)])));
  phones.forEach((p, i) => batch.phones.push(copyLine([ctx.ids.next(), orgId, id, p.e164, p.raw, String(i)])));
  if (rng.chance(0.6)) addAddress(ctx, batch, id, country);
  for (const tagId of tagIds) batch.tags.push(copyLine([orgId, id, tagId]));
  // The company links by email domain, written with the rows as the tag mirror is (see seedCustomers).
  const linked = new Set(emails.flatMap((address) => refs.linkedCompaniesByDomain.get(address.slice(address.indexOf('@') + 1)) ?? []));
  for (const companyId of linked) batch.links.push(copyLine([orgId, id, companyId, 'domain']));
  if (refs.fields.length && rng.chance(0.5)) addCustomValues(ctx, batch, id, index);
  batch.audit.push(copyLine([orgId, 'customer', id, 'created', SEED_AUDIT, created]));
}

function addAddress(ctx: Context, batch: Batch, customerId: string, country: CountryProfile) {
  const { rng } = ctx;
  const c = country.cities.pick(rng);
  const { line1, line2 } = country.street(rng);
  const purpose = rng.chance(0.75) ? 'contact' : 'billing';
  batch.addresses.push(copyLine([ctx.ids.next(), ctx.orgId, customerId, purpose, line1, line2, c.name, c.region, country.postcode(rng, c), country.code, '0']));
}

/**
 * One to three distinct tags, sorted as uuids sort: customers.tag_ids mirrors customer_tags
 * (migration 0003) and the seed writes the mirror itself, in the row's COPY, rather than leave
 * the trigger to update every tagged row a second time.
 */
function pickTags(rng: Rng, tags: Weighted<string>): string[] {
  const chosen = new Set<string>();
  for (let n = tagCounts.pick(rng), tries = 0; chosen.size < n && tries < 10; tries++) chosen.add(tags.pick(rng));
  return [...chosen].sort();
}

/** Membership numbers are handed out in order of joining (customers come newest first). */
function addCustomValues(ctx: Context, batch: Batch, customerId: string, index: number) {
  const { rng } = ctx;
  for (const field of ctx.refs.fields) {
    if (!rng.chance(field.spec.share)) continue;
    let text: string;
    let number: string | null = null;
    if (field.spec.type === 'number') number = text = String(1 + Math.floor(rng.next() ** 3 * 120));
    else if (field.spec.type === 'choice') text = rng.pick(field.options);
    else text = `M-${String(ctx.membershipBase + ctx.count - index).padStart(7, '0')}`;
    batch.custom.push(copyLine([ctx.orgId, customerId, field.id, text, number]));
  }
}

// ---------------------------------------------------------------------------------------------

export type SeedProgress = { done: number; total: number };
/**
 * Milliseconds spent in each step, for finding where the time goes. `generate` overlaps the
 * COPY steps (the next batch is made while the database loads the current one).
 */
export type SeedReport = { customers: number; ms: Record<string, number> };

/** Adds up the time spent in named steps. */
class StepTimes {
  readonly ms: Record<string, number> = {};
  add(step: string, ms: number) {
    this.ms[step] = (this.ms[step] ?? 0) + ms;
  }
  async time<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.add(step, performance.now() - started);
    }
  }
}

/**
 * Adds `count` realistic customers to an organization in one transaction, through COPY: names,
 * ~1.3 emails and ~1.1 phones each (UK, French and German), addresses, tags, custom field values,
 * marketing consent, links to the seed's companies by email domain, and an audit row for each.
 * The organization's built-in tags, the seed's companies and custom fields are made if missing.
 * Customer numbers come from the column's sequence, as for the API. `seed` makes the values
 * repeatable (ids and membership numbers still differ). Nearly all of the time is PostgreSQL
 * writing rows and maintaining indexes; into a new installation the indexes (but primary keys) are
 * built once after the load instead (deferIndexes).
 */
export async function seedCustomers(
  pool: pg.Pool,
  orgId: string,
  count: number,
  opts: { batchSize?: number; seed?: number; onProgress?: (p: SeedProgress) => void } = {},
): Promise<SeedReport> {
  const batchSize = opts.batchSize ?? 50_000;
  const steps = new StepTimes();
  const client = await pool.connect();
  try {
    await client.query('begin');
    const refs = await steps.time('reference data', () => loadRefs(client, orgId));
    const mode = await tuneSession(client, orgId, refs);
    const deferred = await steps.time('defer indexes', () => deferIndexes(client));
    const emailsTaken = await steps.time('existing emails', () => existingEmails(client, orgId));
    const domainOf = (address: string) => address.slice(address.indexOf('@') + 1);
    const earlierAtCompanyDomains = [...emailsTaken].some((address) => refs.linkedCompaniesByDomain.has(domainOf(address)));
    const ctx: Context = {
      orgId,
      rng: new Rng(opts.seed ?? randomInt(2 ** 31)),
      refs,
      ids: new TimeOrderedIds(Date.now()),
      now: Date.now(),
      count,
      membershipBase: randomInt(10) * 1_000_000,
      emailsTaken,
      namesUsed: new Set(),
      workDomains: new Weighted([...COMPANIES.flatMap((c) => c.domains.map((d) => [d, 7] as const)), ...UNLISTED_WORK_DOMAINS.map((d) => [d, 4] as const)]),
    };
    const sizeAt = (start: number) => Math.min(batchSize, count - start);
    let batch = await generateBatch(ctx, 0, sizeAt(0), steps);
    for (let start = 0; start < count; start += batchSize) {
      const next = start + batchSize;
      // The next batch is made while the database loads this one: PostgreSQL and Node each keep a core.
      const [, following] = await Promise.all([loadBatch(client, batch, steps), next < count ? generateBatch(ctx, next, sizeAt(next), steps) : undefined]);
      opts.onProgress?.({ done: start + sizeAt(start), total: count });
      batch = following ?? emptyBatch();
    }
    for (const index of deferred) await steps.time(`build ${index.name}`, () => client.query(index.definition));
    if (mode.skipTriggers) await steps.time('name words', () => addNameWords(client, orgId, ctx.namesUsed));
    if (mode.ownsGinIndexes) await steps.time('gin pending lists', () => flushGinPendingLists(client));
    // Statistics first: without them the planner joins the new emails to the domains badly (28 s
    // instead of 0.1 s per company at 100k customers). ANALYZE counts this transaction's own rows.
    await steps.time('analyze', () => client.query(`analyze ${ANALYZED.join(', ')}`));
    // The new customers' company links were written with them (a join of every email to the
    // domains afterwards took 3–7 s a million). When customers the organization had before the
    // seed have emails at those domains (one may have just been given to a company),
    // syncDomainLinks links them (it takes drizzle's handle; this one runs on the seed's transaction).
    await steps.time('company links', async () => {
      const db = drizzle(client, { schema: tables }) as unknown as DbOrTx;
      if (earlierAtCompanyDomains) for (const companyId of refs.companyIds) await syncDomainLinks(db, orgId, { companyId });
      await client.query('analyze customer_companies');
    });
    await steps.time('commit', () => client.query('commit'));
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  return { customers: count, ms: steps.ms };
}

/** Customers `start` to `start + size - 1`, made in slices that let the running COPY stream on. */
async function generateBatch(ctx: Context, start: number, size: number, steps: StepTimes): Promise<Batch> {
  const batch = emptyBatch();
  for (let i = 0; i < size;) {
    const started = performance.now();
    for (const end = Math.min(size, i + 1000); i < end; i++) addCustomer(ctx, batch, start + i);
    steps.add('generate', performance.now() - started);
    await new Promise(setImmediate);
  }
  return batch;
}

async function loadBatch(client: pg.PoolClient, batch: Batch, steps: StepTimes) {
  for (const target of Object.keys(TARGETS) as Target[]) await steps.time(`copy ${target}`, () => copyRows(client, target, batch[target]));
}

const GIN_INDEXES = ['customers_tag_ids_idx'];

/**
 * Transaction-local settings for the load (each measured on a million customers):
 * - foreign-key triggers were a third of the database's work: about ten checks per customer, each
 *   a query. When the role may, they are skipped as pg_restore does (session_replication_role =
 *   replica, for this session only). Every reference the seed writes is to a row it made in this
 *   transaction or read from the organization, and those parents are locked FOR KEY SHARE here,
 *   as the triggers would have, so no concurrent delete can leave a dangling row. This also skips
 *   the tag mirror's trigger: the seed writes customers.tag_ids itself.
 * - trigram GIN inserts go through the index's pending list; a bigger list, merged with more
 *   memory, inserts in longer sorted runs (about a quarter less work on customer_emails). The
 *   lists are merged before commit (flushGinPendingLists), so no later request pays for them;
 *   that takes the indexes' owner.
 * - synchronous_commit stays on: a seed commits once, so there is nothing to gain, and after an
 *   asynchronous commit a VACUUM run at once cannot mark the new pages all-visible (hint bits
 *   wait for the commit's WAL flush), which costs index-only scans their point.
 */
async function tuneSession(client: pg.PoolClient, orgId: string, refs: OrgRefs) {
  const { rows } = await client.query<{ skipTriggers: boolean; ownsGinIndexes: boolean }>(
    `select has_parameter_privilege('session_replication_role', 'SET') as "skipTriggers",
            coalesce(bool_and(pg_has_role(c.relowner, 'USAGE')), false) as "ownsGinIndexes"
     from pg_class c where c.relname = any($1)`,
    [GIN_INDEXES],
  );
  const mode = rows[0]!;
  if (mode.ownsGinIndexes) {
    await client.query(`set local gin_pending_list_limit = '64MB'`);
    await client.query(`set local work_mem = '256MB'`);
  }
  if (mode.skipTriggers) {
    await client.query('set local session_replication_role = replica');
    await client.query('select 1 from organizations where id = $1 for key share', [orgId]);
    await client.query('select 1 from tags where id = any($1) for key share', [refs.tagIds]);
    await client.query('select 1 from companies where id = any($1) for key share', [refs.companyIds]);
    await client.query('select 1 from custom_fields where id = any($1) for key share', [refs.fields.map((f) => f.id)]);
  }
  return mode;
}

/**
 * customer_name_words, which the skipped trigger would have kept: the words of the names given
 * (lower(first || ' ' || last) split on spaces has the words of each part), a few thousand rows.
 */
async function addNameWords(client: pg.PoolClient, orgId: string, namesUsed: Set<string>) {
  const names = [...namesUsed];
  await client.query(
    `insert into customer_name_words (org_id, word)
     select distinct $1::uuid, w from unnest($2::text[]) n, regexp_split_to_table(lower(n), ' ') w where w <> ''
     on conflict do nothing`,
    [orgId, names],
  );
}

/**
 * Into a new installation's tables (fewer than FEW_CUSTOMERS customers, such as the demo's) every
 * index the load writes is dropped first and built once at the end, except those behind a
 * primary key or constraint (foreign keys need them). Kept row by row, indexes were most of the
 * load: a btree whose keys arrive in random order (names, emails, phones, custom values) finds,
 * and often splits, a leaf page per row; even one whose keys arrive in order costs several times
 * its share of a sorted build (customers' nine in-order btrees and tag GIN: 24 s per million rows
 * of COPY against 8 s without them; customer_emails' two in-order btrees: 5.3 s per 300,000 rows
 * against 2.1 s plus 1.2 s to build them). Indexes added later are deferred too, by the same rule.
 * The drop locks the tables until the seed commits, so the running server's reads of them wait;
 * the unique indexes, rebuilt, still check every row. Needs the tables' owner; otherwise every
 * index is kept row by row.
 */
const FEW_CUSTOMERS = 1000;
const LOADED_TABLES = [
  'customers',
  'customer_emails',
  'customer_phones',
  'customer_addresses',
  'customer_tags',
  'customer_companies',
  'custom_field_values',
  'audit_log',
];

async function deferIndexes(client: pg.PoolClient): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string; owned: boolean }>(
    `select ci.relname as name, pg_get_indexdef(i.indexrelid) as definition, pg_has_role(t.relowner, 'USAGE') as owned
     from pg_index i
     join pg_class t on t.oid = i.indrelid
     join pg_class ci on ci.oid = i.indexrelid
     where t.relnamespace = current_schema()::regnamespace and t.relname = any($1)
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
    [LOADED_TABLES],
  );
  const { rows: few } = await client.query<{ n: number }>(`select count(*)::int as n from (select 1 from customers limit ${FEW_CUSTOMERS}) t`);
  if (few[0]!.n >= FEW_CUSTOMERS || !rows.length || !rows.every((r) => r.owned)) return [];
  await client.query(`set local maintenance_work_mem = '512MB'`);
  // Each build sorts with the leader and two workers (when the server has them to spare).
  await client.query('set local max_parallel_maintenance_workers = 2');
  for (const { name } of rows) await client.query(`drop index ${client.escapeIdentifier(name)}`);
  return rows;
}

async function flushGinPendingLists(client: pg.PoolClient) {
  await client.query('select gin_clean_pending_list(c.oid) from pg_class c where c.relname = any($1)', [GIN_INDEXES]);
}

async function loadRefs(client: pg.PoolClient, orgId: string): Promise<OrgRefs> {
  const { tags, tagIds } = await ensureTags(client, orgId);
  const { companyIds, companyByDomain, linkedCompaniesByDomain } = await ensureCompanies(client, orgId);
  const fields = await ensureCustomFields(client, orgId);
  return { tags, tagIds, companyIds, companyByDomain, linkedCompaniesByDomain, fields };
}

async function existingEmails(client: pg.PoolClient, orgId: string): Promise<Set<string>> {
  const { rows } = await client.query<{ a: string }>('select lower(address) as a from customer_emails where org_id = $1', [orgId]);
  return new Set(rows.map((r) => r.a));
}
