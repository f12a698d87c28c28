import { and, eq, sql } from 'drizzle-orm';
import { customFields } from '@foyer/schema/tables';
import type { CustomField } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type CustomFieldRow = typeof customFields.$inferSelect;

export async function findCustomField(db: DbOrTx, orgId: string, id: string): Promise<CustomFieldRow | undefined> {
  const [row] = await db
    .select()
    .from(customFields)
    .where(and(eq(customFields.orgId, orgId), eq(customFields.id, id)));
  return row;
}

/** A new field goes last. */
export async function insertCustomField(
  tx: DbOrTx,
  orgId: string,
  values: Pick<CustomField, 'key' | 'label' | 'type'> & { options?: string[] },
): Promise<CustomFieldRow> {
  const last = sql<number>`(select coalesce(max(${customFields.position}) + 1, 0) from ${customFields} where ${customFields.orgId} = ${orgId})`;
  const [row] = await tx
    .insert(customFields)
    .values({ orgId, ...values, options: values.options ?? null, position: last })
    .returning();
  return row!;
}

export async function updateCustomField(
  tx: DbOrTx,
  orgId: string,
  id: string,
  values: { label?: string; options?: string[]; position?: number },
): Promise<CustomFieldRow | undefined> {
  const [row] = await tx
    .update(customFields)
    .set(values)
    .where(and(eq(customFields.orgId, orgId), eq(customFields.id, id)))
    .returning();
  return row;
}

/** Every customer's value of the field goes with it (foreign key cascade). */
export async function deleteCustomField(tx: DbOrTx, orgId: string, id: string) {
  await tx.delete(customFields).where(and(eq(customFields.orgId, orgId), eq(customFields.id, id)));
}
