/**
 * The reference `pnpm bench:requests` measures Foyer against: plain `node:http` and `pg`, one SQL
 * statement per request, no framework, no session, no validation library, no audit or outbox. It
 * answers the same questions from the same database, so the gap between the two is what Foyer's
 * request path costs on top of the data itself.
 *
 * GET   /customers/<32-hex id>          the customer with emails, phones, addresses and tags
 * GET   /customers?q=…                  a phone (digits) or a name prefix: a page of 50 with tags
 * GET   /customers?tags=…&language=…    list page 1 in name order, with the capped count
 * POST  /customers                      {firstName, lastName, emails, phones}: the new customer
 * PATCH /customers/<32-hex id>          {firstName}: the updated row
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

const PAGE = 50;
const COUNT_CAP = 1000;

const uuidOf = (systemId: string) =>
  `${systemId.slice(0, 8)}-${systemId.slice(8, 12)}-${systemId.slice(12, 16)}-${systemId.slice(16, 20)}-${systemId.slice(20)}`;

/** The tags of `c` as the API shows them: built-in first, then by name. */
const TAGS = `coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by t.builtin desc, t.name)
                       from tags t where t.id = any(c.tag_ids)), '[]')`;
const ITEM = `json_build_object('id', replace(c.id::text, '-', ''), 'customerNumber', c.customer_number, 'firstName', c.first_name,
  'lastName', c.last_name, 'primaryEmail', c.primary_email, 'primaryPhone', c.primary_phone, 'status', c.status,
  'lifecycleStage', c.lifecycle_stage, 'createdAt', c.created_at, 'tags', ${TAGS})`;

const BY_ID = `
  select json_build_object(
    'id', replace(c.id::text, '-', ''), 'customerNumber', c.customer_number, 'firstName', c.first_name, 'lastName', c.last_name,
    'status', c.status, 'language', c.language, 'createdAt', c.created_at, 'updatedAt', c.updated_at, 'tags', ${TAGS},
    'emails', coalesce((select json_agg(json_build_object('address', e.address) order by e.position)
                        from customer_emails e where e.customer_id = c.id), '[]'),
    'phones', coalesce((select json_agg(json_build_object('e164', p.e164, 'raw', p.raw) order by p.position)
                        from customer_phones p where p.customer_id = c.id and p.position is not null), '[]'),
    'addresses', coalesce((select json_agg(json_build_object('purpose', a.purpose, 'line1', a.line1, 'city', a.city, 'country', a.country)
                           order by a.position) from customer_addresses a where a.customer_id = c.id), '[]')) as body
  from customers c where c.org_id = $1 and c.id = $2`;

const NAME_SEARCH = `
  select coalesce(json_agg(${ITEM} order by (c.sort_name collate "C"), c.id), '[]') as body
  from (select * from customers c where c.org_id = $1 and (c.sort_name collate "C") like $2
        order by (c.sort_name collate "C"), c.id limit ${PAGE}) c`;

const PHONE_SEARCH = `
  select coalesce(json_agg(${ITEM}), '[]') as body
  from (select distinct c.* from customer_phones p join customers c on c.id = p.customer_id
        where p.org_id = $1 and p.e164 = $2 limit ${PAGE}) c`;

const LIST = `
  with page as (
    select c.* from customers c where c.org_id = $1 and c.tag_ids && $2::uuid[] and c.language = any($3::text[])
    order by (c.sort_name collate "C"), c.id limit ${PAGE}
  )
  select json_build_object(
    'items', (select coalesce(json_agg(${ITEM} order by (c.sort_name collate "C"), c.id), '[]') from page c),
    'total', (select count(*) from (select 1 from customers c where c.org_id = $1 and c.tag_ids && $2::uuid[] and c.language = any($3::text[])
              limit ${COUNT_CAP + 1}) t)) as body`;

const CREATE = `
  with c as (
    insert into customers (org_id, first_name, last_name, primary_email, primary_phone) values ($1, $2, $3, ($4::text[])[1], ($5::text[])[1]) returning *
  ), e as (
    insert into customer_emails (org_id, customer_id, address, position)
    select $1, c.id, a.address, a.n - 1 from c, unnest($4::text[]) with ordinality a(address, n)
  ), p as (
    insert into customer_phones (org_id, customer_id, e164, raw, position)
    select $1, c.id, x.e164, x.e164, x.n - 1 from c, unnest($5::text[]) with ordinality x(e164, n)
  )
  select json_build_object('id', replace(c.id::text, '-', ''), 'customerNumber', c.customer_number, 'firstName', c.first_name,
    'lastName', c.last_name, 'primaryEmail', c.primary_email, 'primaryPhone', c.primary_phone, 'createdAt', c.created_at) as body from c`;

const UPDATE = `
  update customers c set first_name = $3, updated_at = now() where c.org_id = $1 and c.id = $2
  returning json_build_object('id', replace(c.id::text, '-', ''), 'firstName', c.first_name, 'lastName', c.last_name, 'updatedAt', c.updated_at) as body`;

/** A phone as staff type it (07…, 0044 …, 44…) read as a UK number: the bench's phone searches are all +44. */
function ukE164(q: string): string | null {
  const digits = q.replace(/\D/g, '');
  if (digits.length < 9) return null;
  if (digits.startsWith('0044')) return `+44${digits.slice(4)}`;
  if (digits.startsWith('44')) return `+${digits}`;
  if (digits.startsWith('0')) return `+44${digits.slice(1)}`;
  return `+${digits}`;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, '\\$&')}%`;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

export type BareServer = { url: string; close: () => Promise<void> };

/** Serves one organization's customers from `databaseUrl` on a free port of 127.0.0.1. */
export async function startBareServer(databaseUrl: string, orgId: string): Promise<BareServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // Named statements: parsed and planned once per connection, as Foyer's prepared ones are.
  const run = async (name: string, text: string, values: unknown[]) => (await pool.query<{ body: unknown }>({ name, text, values })).rows[0]?.body;

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://bare');
    const id = /^\/customers\/([0-9a-f]{32})$/.exec(url.pathname)?.[1];
    let body: unknown;
    let status = 200;
    if (req.method === 'GET' && id) body = await run('by-id', BY_ID, [orgId, uuidOf(id)]);
    else if (req.method === 'GET' && url.pathname === '/customers') {
      const q = url.searchParams.get('q');
      const phone = q && /^[\d\s+().-]+$/.test(q) ? ukE164(q) : null;
      if (phone) body = { items: await run('phone', PHONE_SEARCH, [orgId, phone]) };
      else if (q) body = { items: await run('name', NAME_SEARCH, [orgId, likePrefix(q.toLowerCase().trim())]) };
      else {
        const list = (key: string) => `{${(url.searchParams.get(key) ?? '').split(',').filter(Boolean).join(',')}}`;
        body = await run('list', LIST, [orgId, list('tags'), list('language')]);
      }
    } else if (req.method === 'POST' && url.pathname === '/customers') {
      const input = await readBody(req);
      body = await run('create', CREATE, [orgId, input.firstName ?? null, input.lastName ?? null, input.emails ?? [], input.phones ?? []]);
      status = 201;
    } else if (req.method === 'PATCH' && id) {
      const input = await readBody(req);
      body = await run('update', UPDATE, [orgId, uuidOf(id), input.firstName ?? null]);
    }
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  const http = createServer((req, res) => {
    answer(req, res).catch((err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message));
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('The bare server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await new Promise((resolve) => http.close(resolve));
      await pool.end();
    },
  };
}
