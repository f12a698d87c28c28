import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as tables from '@foyer/schema/tables';

/** drizzle over a pg Pool; `$client` is that pool, for what drizzle does not do (cursors, COPY). */
export type Db = NodePgDatabase<typeof tables> & { $client: pg.Pool };
/** A database handle or an open transaction: repositories accept either. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export type Database = { db: Db; pool: pg.Pool; close: () => Promise<void> };

export function connect(url: string, max = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Name search uses pg_trgm's `<%` (word similarity). Its default threshold, 0.6, misses one-letter
    // typos in short names ("smiht"); 0.5 keeps them without flooding results.
    options: '-c pg_trgm.word_similarity_threshold=0.5',
  });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema: tables });
  return { db, pool, close: () => pool.end() };
}

/**
 * Runs independent queries at once on the pool, or one after another inside a transaction:
 * a transaction is a single connection, and pg does not multiplex queries on one.
 */
export async function concurrently<T extends readonly unknown[]>(db: DbOrTx, tasks: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (!(db instanceof PgTransaction)) return (await Promise.all(tasks.map((task) => task()))) as unknown as T;
  const results: unknown[] = [];
  for (const task of tasks) results.push(await task());
  return results as unknown as T;
}

const preparedByDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * A drizzle prepared statement (`.prepare(name)` with `sql.placeholder`s), built the first time it
 * is asked for on this database handle and reused after: its SQL is rendered once instead of by the
 * query builder on every call, and as a named statement PostgreSQL parses and plans it once per
 * connection. For the hot reads (a profile, the session check); on the pool only, since a statement
 * prepared on the pool runs outside any transaction.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db, name: string) => T): T {
  let statements = preparedByDb.get(db);
  if (!statements) preparedByDb.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (!statement) statements.set(name, (statement = build(db, name)));
  return statement;
}

/** Whether `db` is the pool, not an open transaction. */
export const isPool = (db: DbOrTx): db is Db => !(db instanceof PgTransaction);
