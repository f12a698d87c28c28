import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { faker } from '@faker-js/faker';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Escapes a value for PostgreSQL's COPY text format; null becomes \N. */
const copyValue = (v: string | null) =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const copyLine = (values: (string | null)[]) => `${values.map(copyValue).join('\t')}\n`;

async function copyRows(client: pg.PoolClient, statement: string, lines: string[]) {
  if (lines.length === 0) return;
  // Join lines into ~1 MiB chunks: one write per line would dominate the cost.
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 4096) chunks.push(lines.slice(i, i + 4096).join(''));
  await pipeline(Readable.from(chunks), client.query(copyFrom(statement)));
}

const personalDomains = ['gmail.com', 'outlook.com', 'yahoo.co.uk', 'icloud.com', 'hotmail.co.uk', 'proton.me', 'btinternet.com'];
const workDomains = ['acme-studio.co.uk', 'northwind.com', 'globex.io', 'initech.co', 'umbrella-group.com', 'hooli.com', 'piedpiper.net', 'wayne-ent.com'];
const languages = ['en', 'en', 'en', 'en', 'en', 'en', 'en', 'fr', 'de', 'es', 'it', null];
const sources = ['dashboard', 'online', 'online', 'import', 'walk-in'];

const ascii = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

const digits = (n: number) => Array.from({ length: n }, () => faker.number.int(9)).join('');

/** A valid mobile number: mostly UK (07[1-57-9]…), some French (06/07…), as E.164 and as typed. */
function mobile(): { e164: string; raw: string } {
  if (faker.number.float() < 0.85) {
    const national = `7${faker.helpers.arrayElement(['1', '2', '3', '4', '5', '7', '8', '9'])}${digits(8)}`;
    return { e164: `+44${national}`, raw: `0${national.slice(0, 4)} ${national.slice(4)}` };
  }
  const national = `${faker.helpers.arrayElement(['6', '7'])}${digits(8)}`;
  return { e164: `+33${national}`, raw: `+33 ${national.replace(/(\d)(\d{2})(\d{2})(\d{2})(\d{2})/, '$1 $2 $3 $4 $5')}` };
}

export type SeedProgress = { done: number; total: number };

/**
 * Adds `count` realistic customers to an organization through COPY, in one transaction: names,
 * ~1.3 emails and ~1.1 phones each, languages, sources and creation dates over three years, with
 * an audit row for each. Customer numbers come from the column's sequence, as for the API.
 */
export async function seedCustomers(
  pool: pg.Pool,
  orgId: string,
  count: number,
  opts: { batchSize?: number; onProgress?: (p: SeedProgress) => void } = {},
) {
  const batchSize = opts.batchSize ?? 25_000;
  // Emails must be unique per organization even across several seed runs.
  const runTag = faker.string.alphanumeric({ length: 3, casing: 'lower' });
  const now = Date.now();
  const threeYears = 3 * 365 * 24 * 3600 * 1000;
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const customers: string[] = [];
      const emails: string[] = [];
      const phones: string[] = [];
      const ids: string[] = [];
      for (let i = 0; i < size; i++) {
        const id = randomUUID();
        ids.push(id);
        const first = faker.person.firstName();
        const last = faker.person.lastName();
        const created = new Date(now - Math.floor(faker.number.float() ** 0.7 * threeYears)).toISOString();
        customers.push(
          copyLine([id, orgId, first, last, faker.helpers.arrayElement(languages), faker.helpers.arrayElement(sources), created, created]),
        );
        const local = `${ascii(first)}.${ascii(last)}.${runTag}${(start + i).toString(36)}`;
        emails.push(copyLine([orgId, id, `${local}@${faker.helpers.arrayElement(personalDomains)}`, '0']));
        if (faker.number.float() < 0.3) emails.push(copyLine([orgId, id, `${local}@${faker.helpers.arrayElement(workDomains)}`, '1']));
        if (faker.number.float() < 0.92) {
          const p = mobile();
          phones.push(copyLine([orgId, id, p.e164, p.raw, '0']));
          if (faker.number.float() < 0.2) {
            const q = mobile();
            phones.push(copyLine([orgId, id, q.e164, q.raw, '1']));
          }
        }
      }
      await copyRows(client, 'copy customers (id, org_id, first_name, last_name, language, source, created_at, updated_at) from stdin', customers);
      await copyRows(client, 'copy customer_emails (org_id, customer_id, address, position) from stdin', emails);
      await copyRows(client, 'copy customer_phones (org_id, customer_id, e164, raw, position) from stdin', phones);
      await client.query(
        `insert into audit_log (org_id, entity_type, entity_id, action, changes)
         select $1, 'customer', id, 'created', '{"source": {"before": null, "after": "seed"}}'::jsonb from unnest($2::uuid[]) as id`,
        [orgId, ids],
      );
      opts.onProgress?.({ done: start + size, total: count });
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  await pool.query('analyze customers, customer_emails, customer_phones');
}
