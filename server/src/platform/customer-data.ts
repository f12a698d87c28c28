import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './db/connect.ts';

/**
 * One customer-data contract (C9, D2). A domain that stores rows about a customer registers a
 * contributor on its `Domain` object; the customer service runs delete, erasure, merge and the
 * deletion impact through every contributor of the domain list, in ONE transaction. Nothing else
 * lists what belongs to a customer: a test reads the database catalogue and fails when a table with
 * a `customer_id` column (or a foreign key to customers) is covered by no contributor.
 */

/** Where a contributor works: inside the transaction it is given, for one organization. */
export type CustomerDataContext = {
  tx: DbOrTx;
  orgId: string;
  /** Who asked (null: the system); for rows a merge writes on someone's behalf. */
  userId: string | null;
};

/** One line of what a delete would take with it, counted, in staff's words ("upcoming confirmed bookings"). */
export type ImpactItem = { what: string; count: number };

export type CustomerDataContributor = {
  /** The tables whose rows about a customer this contributor looks after (each covered by one contributor). */
  tables: readonly PgTable[];
  /** What a delete would take with it. Lines with nothing to count say 0 (the dialog leaves them out). */
  impact(ctx: CustomerDataContext, customerId: string): Promise<ImpactItem[]>;
  /**
   * C9, erasure on request: the person's data goes (and its values in the history); transactions —
   * bookings, visits, later orders — stay, attached to the now anonymous customer row.
   */
  erase(ctx: CustomerDataContext, customerId: string): Promise<void>;
  /** Removes (or, for logs that outlive the customer, anonymizes) the customer's rows. */
  delete(ctx: CustomerDataContext, customerId: string): Promise<void>;
  /**
   * D2: every row of `from` moves to `into`; both are kept. Where a unique key clashes (the same
   * tag on both, two memberships of one list, two notes documents) the rows become one that keeps
   * what both said, and `into` wins where only one value can stand (its primary email, a custom
   * field's value). `from` itself is removed last, by the customers contributor.
   */
  merge(ctx: CustomerDataContext, from: string, into: string): Promise<void>;
};

/** A contributor with the name of the domain that registered it. */
export type NamedContributor = CustomerDataContributor & { domain: string };

/** The SQL names of the tables a contributor covers. */
export const tableNames = (c: Pick<CustomerDataContributor, 'tables'>) => c.tables.map((t) => getTableName(t));

// Helpers for the common cases, so a contributor is a few lines. Every statement is scoped by org.

/** Rows of `table` about the customer (and matching `where`, e.g. sql`status = 'confirmed'`). */
export async function countOf(ctx: CustomerDataContext, table: PgTable, customerId: string, where: SQL = sql`true`): Promise<number> {
  const { rows } = await ctx.tx.execute<{ n: number }>(
    sql`select count(*)::int as n from ${table} where org_id = ${ctx.orgId} and customer_id = ${customerId} and (${where})`,
  );
  return rows[0]?.n ?? 0;
}

/** Deletes the customer's rows of `table`. */
export async function deleteOf(ctx: CustomerDataContext, table: PgTable, customerId: string): Promise<void> {
  await ctx.tx.execute(sql`delete from ${table} where org_id = ${ctx.orgId} and customer_id = ${customerId}`);
}

/** Moves every row of `from` in `table` to `into` (tables where a customer's rows have no unique key). */
export async function moveAll(ctx: CustomerDataContext, table: PgTable, from: string, into: string): Promise<void> {
  await ctx.tx.execute(sql`update ${table} set customer_id = ${into} where org_id = ${ctx.orgId} and customer_id = ${from}`);
}

/**
 * Moves `from`'s rows of a table whose key is (customer_id, `key`): a row `into` has already
 * (the same tag, the same list) stays one row, updated by `onClash` (SET assignments over the
 * existing row and `excluded`, the one from `from`), or left as it is. Insert-then-delete, not
 * UPDATE, so that statement triggers on insert and delete (the tag mirror) see the change.
 */
export async function moveByKey(
  ctx: CustomerDataContext,
  table: PgTable,
  key: string,
  columns: readonly string[],
  from: string,
  into: string,
  onClash?: SQL,
): Promise<void> {
  const list = sql.raw(columns.join(', '));
  const conflict = onClash ? sql`do update set ${onClash}` : sql`do nothing`;
  await ctx.tx.execute(sql`
    insert into ${table} (customer_id, ${list})
    select ${into}::uuid, ${list} from ${table} where org_id = ${ctx.orgId} and customer_id = ${from}
    on conflict (customer_id, ${sql.raw(key)}) ${conflict}`);
  await deleteOf(ctx, table, from);
}
