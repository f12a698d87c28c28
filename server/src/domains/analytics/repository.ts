import { and, desc, eq } from 'drizzle-orm';
import { clvModelFits } from '@foyer/schema/tables';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import type { CustomerSummaries } from './models/summary.ts';

/**
 * Each customer's repeat-purchase summary up to and including `calibrationEnd`, computed in
 * PostgreSQL from the `clv_purchases` view (one row per purchase; the orders domain defines it):
 * purchases of one day count once and their values add up; x = purchase days − 1, t_x and T in
 * days from the first. Rows come back as arrays (a million customers are a million rows).
 */
export async function readPurchaseSummaries(db: Db, orgId: string, calibrationEnd: string): Promise<CustomerSummaries> {
  const { rows } = await db.$client.query<[string, number, number, number, number, number]>({
    rowMode: 'array',
    text: `
      with days as (
        select customer_id, day, sum(value_minor)::float8 as value
        from clv_purchases
        where org_id = $1 and day <= $2::date
        group by customer_id, day
      )
      select customer_id,
             (count(*) - 1)::int as x,
             (max(day) - min(day))::int as tx_days,
             ($2::date - min(day))::int as t_days,
             coalesce((sum(value) - (array_agg(value order by day))[1]) / nullif(count(*) - 1, 0), 0)::float8 as mean_repeat_value,
             (min(day) - date '1970-01-01')::int as first_day
      from days
      group by customer_id`,
    values: [orgId, calibrationEnd],
  });
  const n = rows.length;
  const out: CustomerSummaries = {
    customer: new Array(n),
    x: new Int32Array(n),
    txDays: new Int32Array(n),
    TDays: new Int32Array(n),
    meanRepeatValue: new Float64Array(n),
    firstDay: new Int32Array(n),
  };
  rows.forEach(([customer, x, tx, T, mean, first], i) => {
    out.customer[i] = customer;
    out.x[i] = x;
    out.txDays[i] = tx;
    out.TDays[i] = T;
    out.meanRepeatValue[i] = mean;
    out.firstDay[i] = first;
  });
  return out;
}

export type StoredFit = typeof clvModelFits.$inferInsert;

export async function insertFits(tx: DbOrTx, rows: StoredFit[]): Promise<void> {
  if (rows.length) await tx.insert(clvModelFits).values(rows);
}

/** The rows of the organization's most recent fit (one per model), or [] before the first. */
export async function latestFit(db: DbOrTx, orgId: string) {
  const [last] = await db
    .select({ fitId: clvModelFits.fitId })
    .from(clvModelFits)
    .where(eq(clvModelFits.orgId, orgId))
    .orderBy(desc(clvModelFits.fittedAt))
    .limit(1);
  if (!last) return [];
  return db
    .select()
    .from(clvModelFits)
    .where(and(eq(clvModelFits.orgId, orgId), eq(clvModelFits.fitId, last.fitId)))
    .orderBy(clvModelFits.model);
}
