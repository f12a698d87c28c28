import { customFieldValues } from '@foyer/schema/tables';
import { redactAudit } from '../../platform/audit.ts';
import { countOf, deleteOf, moveByKey, type CustomerDataContributor } from '../../platform/customer-data.ts';

/** T2: a customer's custom field values: the person's own data. */
export const customerData: CustomerDataContributor = {
  tables: [customFieldValues],
  impact: async (ctx, id) => [{ what: 'custom field values', count: await countOf(ctx, customFieldValues, id) }],
  async erase(ctx, id) {
    await deleteOf(ctx, customFieldValues, id);
    await redactAudit(ctx.tx, ctx.orgId, id, ['custom']);
  },
  delete: (ctx, id) => deleteOf(ctx, customFieldValues, id),
  /**
   * A field only `from` has a value for moves to `into`; where both have one, `into`'s stands (one
   * value per field), as its primary email does. `from`'s value stays in the history, which moves too.
   */
  merge: (ctx, from, into) =>
    moveByKey(ctx, customFieldValues, 'field_id', ['org_id', 'field_id', 'value_text', 'value_number', 'value_date', 'value_bool'], from, into),
};
