import { toSystemId } from '@foyer/schema/validation';
import type pg from 'pg';

/** One request of a kind: the path to GET, and the customer it was drawn from (when it names one). */
export type BenchRequest = { path: string; expect?: string };

export type Kind = 'floor' | 'nameFragment' | 'nameTypo' | 'partialEmail' | 'phone' | 'customerNumber' | 'listPage1' | 'listPage200';

type Sample = { id: string; number: string; first: string; last: string; email: string | null; ukPhone: string | null };

/**
 * Real customers to draw inputs from, read straight from the database: a 1% page sample in a
 * fixed random order (the seeded order of rows follows their creation date, so the first rows
 * of a table would all be recent customers).
 */
async function sampleCustomers(pool: pg.Pool, orgId: string, n: number): Promise<Sample[]> {
  const { rows } = await pool.query<Sample>(
    `select c.id, c.customer_number as number, c.first_name as first, c.last_name as last, c.primary_email as email,
            (select p.e164 from customer_phones p where p.customer_id = c.id and p.e164 like '+44%' order by p.position limit 1) as "ukPhone"
     from customers c tablesample system (1) repeatable (7)
     where c.org_id = $1 and c.first_name is not null and c.last_name is not null
     order by md5(c.id::text) limit $2`,
    [orgId, n],
  );
  if (rows.length < n) throw new Error(`Only ${rows.length} customers sampled; the benchmark needs ${n}`);
  return rows;
}

/**
 * Built-in tags with at least `atLeast` English-speaking customers, VIP first: list filters that
 * reach page 200. With fewer customers seeded, the busiest tag (its page 200 may be empty).
 */
async function busyTags(pool: pg.Pool, orgId: string, atLeast: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string; n: number }>(
    `select t.id, (select count(*)::int from customers c where c.org_id = $1 and c.tag_ids @> array[t.id] and c.language = 'en') as n
     from tags t where t.org_id = $1 and t.builtin
     order by t.name = 'VIP' desc, n desc`,
    [orgId],
  );
  const busy = rows.filter((t) => t.n >= atLeast);
  return (busy.length ? busy : [...rows].sort((a, b) => b.n - a.n).slice(0, 1)).map((t) => t.id);
}

const letters = (s: string) => s.replace(/[^\p{L}]/gu, '');

/** A slip of the keyboard in the last name: two neighbouring letters swapped, or one dropped. */
function typo(first: string, last: string, i: number): string {
  const chars = [...last];
  const at = 1 + (i % Math.max(1, chars.length - 2)); // the first letter is rarely the wrong one
  if (i % 2 === 0 && chars[at + 1] && chars[at] !== chars[at + 1]) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
  else chars.splice(at, 1);
  return `${first} ${chars.join('')}`;
}

/** A seeded +44 number as staff type it: national with a space, 0044 …, or digits without the +. */
function ukFormat(e164: string, i: number): string {
  const national = e164.slice(3);
  return [`0${national.slice(0, 4)} ${national.slice(4)}`, `0044 ${national.slice(0, 4)} ${national.slice(4)}`, `44${national}`][i % 3]!;
}

/** "lovelace87@" (the end of the local part) or "ada.lovelace87@gma" (the local part and a domain start). */
function emailFragment(email: string, i: number): string {
  const [local, domain] = email.split('@') as [string, string];
  if (i % 2 === 0) return `${local.slice(-Math.min(local.length, 6 + (i % 5)))}@`;
  return `${local}@${domain.slice(0, 3)}`;
}

const search = (q: string) => `/api/customers?q=${encodeURIComponent(q)}`;

/**
 * `count` requests of each kind, each from a different real customer (or filter), the same on
 * every run with the same data.
 */
export async function buildRequests(pool: pg.Pool, orgId: string, count: number): Promise<Record<Kind, BenchRequest[]>> {
  const samples = await sampleCustomers(pool, orgId, count);
  const withPhone = samples.filter((s) => s.ukPhone);
  const withEmail = samples.filter((s) => s.email);
  const tags = await busyTags(pool, orgId, 10_050);
  const pick = <T>(items: T[], i: number) => items[i % items.length]!;
  const each = (make: (i: number) => BenchRequest) => Array.from({ length: count }, (_, i) => make(i));
  const listPath = (i: number) => `/api/customers?tags=${pick(tags, i)}&language=en&sort=name`;
  return {
    floor: each((i) => ({ path: `/api/customers/${toSystemId(samples[i]!.id)}`, expect: samples[i]!.id })),
    nameFragment: each((i) => ({ path: search(letters(samples[i]!.last).slice(0, 3 + (i % 3))) })),
    nameTypo: each((i) => ({ path: search(typo(samples[i]!.first, samples[i]!.last, i)), expect: samples[i]!.id })),
    partialEmail: each((i) => {
      const s = pick(withEmail, i);
      return { path: search(emailFragment(s.email!, i)), expect: s.id };
    }),
    phone: each((i) => {
      const s = pick(withPhone, i);
      return { path: search(ukFormat(s.ukPhone!, i)), expect: s.id };
    }),
    customerNumber: each((i) => ({ path: search(samples[i]!.number), expect: samples[i]!.id })),
    listPage1: each((i) => ({ path: listPath(i) })),
    listPage200: each((i) => ({ path: `${listPath(i)}&page=200` })),
  };
}
