import { and, asc, eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { customFields, customFieldValues } from '@foyer/schema/tables';
import { isRealDate, type FieldIssue } from '@foyer/schema/validation';
import type { DbOrTx } from '../../platform/db/connect.ts';
import { invalid } from '../../platform/errors.ts';

export type CustomValue = string | number | boolean;
export type FieldDefinition = typeof customFields.$inferSelect;
type ValueRow = Omit<typeof customFieldValues.$inferInsert, 'orgId' | 'customerId'>;

export async function loadFieldDefinitions(db: DbOrTx, orgId: string): Promise<FieldDefinition[]> {
  return db.select().from(customFields).where(eq(customFields.orgId, orgId)).orderBy(asc(customFields.position), asc(customFields.label));
}

/**
 * The custom values of the customer whose id is `customerId` (a column of the query it goes in),
 * by field key, typed back from their columns as loadCustomValues does: a column of a profile
 * query, so that a profile is one statement.
 */
export const customValuesJsonOf = (customerId: SQL | Column) =>
  sql<Record<string, CustomValue>>`coalesce((
    select json_object_agg(f.key, case f.type when 'number' then to_json(v.value_number) when 'boolean' then to_json(v.value_bool)
                                              when 'date' then to_json(v.value_date) else to_json(v.value_text) end)
    from custom_field_values v join custom_fields f on f.id = v.field_id where v.customer_id = ${customerId}), '{}'::json)`;

/** Each customer's custom values by field key, typed back from their columns. */
export async function loadCustomValues(db: DbOrTx, orgId: string, customerIds: string[]) {
  const map = new Map<string, Record<string, CustomValue>>();
  if (customerIds.length === 0) return map;
  const rows = await db
    .select({ customerId: customFieldValues.customerId, key: customFields.key, type: customFields.type, v: customFieldValues })
    .from(customFieldValues)
    .innerJoin(customFields, eq(customFields.id, customFieldValues.fieldId))
    .where(and(eq(customFieldValues.orgId, orgId), inArray(customFieldValues.customerId, customerIds)));
  for (const { customerId, key, type, v } of rows) {
    const value = type === 'number' ? v.valueNumber! : type === 'boolean' ? v.valueBool! : type === 'date' ? v.valueDate! : v.valueText;
    map.set(customerId, { ...map.get(customerId), [key]: value });
  }
  return map;
}

/**
 * T2: checks values against their fields' types and turns each into the typed row it is stored
 * as. Unknown keys and wrong types are refused, each naming its field (`custom.<key>`).
 */
export function typeCustomValues(definitions: FieldDefinition[], values: Record<string, CustomValue | null>) {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const issues: FieldIssue[] = [];
  const set: ValueRow[] = [];
  const clear: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const def = byKey.get(key);
    const field = `custom.${key}`;
    if (!def) {
      issues.push({ field, message: `No custom field "${key}". Defined: ${[...byKey.keys()].join(', ') || 'none'}` });
      continue;
    }
    if (value === null || value === '') {
      clear.push(def.id);
      continue;
    }
    const row = typedValue(def, value);
    if (typeof row === 'string') issues.push({ field, message: row });
    else set.push(row);
  }
  if (issues.length) throw invalid('Some custom field values are not valid', issues);
  return { set, clear };
}

/** The stored row for one value, or the reason it does not fit its field. */
function typedValue(def: FieldDefinition, value: CustomValue): ValueRow | string {
  const base = { fieldId: def.id };
  switch (def.type) {
    case 'text':
      return typeof value === 'string' ? { ...base, valueText: value.trim() } : `${def.label} takes text`;
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? { ...base, valueText: String(n), valueNumber: n } : `${def.label} takes a number`;
    }
    case 'date':
      return typeof value === 'string' && isRealDate(value) ? { ...base, valueText: value, valueDate: value } : `${def.label} takes a date written YYYY-MM-DD`;
    case 'choice':
      return typeof value === 'string' && def.options?.includes(value) ? { ...base, valueText: value } : `${def.label} is one of: ${def.options?.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? { ...base, valueText: value ? 'yes' : 'no', valueBool: value } : `${def.label} takes yes or no (true/false)`;
  }
}

export async function writeCustomValues(tx: DbOrTx, orgId: string, customerId: string, typed: ReturnType<typeof typeCustomValues>) {
  if (typed.clear.length)
    await tx.delete(customFieldValues).where(and(eq(customFieldValues.customerId, customerId), inArray(customFieldValues.fieldId, typed.clear)));
  for (const row of typed.set)
    await tx
      .insert(customFieldValues)
      .values({ orgId, customerId, valueNumber: null, valueDate: null, valueBool: null, ...row })
      .onConflictDoUpdate({
        target: [customFieldValues.customerId, customFieldValues.fieldId],
        set: { valueText: row.valueText, valueNumber: row.valueNumber ?? null, valueDate: row.valueDate ?? null, valueBool: row.valueBool ?? null },
      });
}

/** The definitions a list query's `cf.<key>` filters are checked against: none to read without such a filter. */
export function fieldsForQuery(db: DbOrTx, orgId: string, query: { custom: Record<string, string> }): Promise<FieldDefinition[]> {
  return Object.keys(query.custom).length ? loadFieldDefinitions(db, orgId) : Promise.resolve([]);
}
