import { sql } from 'drizzle-orm';
import { credentials, doorEvents, doorPermissions } from '@foyer/schema/tables';
import { redactAudit } from '../../platform/audit.ts';
import { countOf, deleteOf, moveAll, type CustomerDataContributor } from '../../platform/customer-data.ts';

const live = sql`revoked_at is null`;
const revoked = sql`revoked_at is not null`;

/**
 * Da1, Da2, R2: who may open which door, with which card, and the door log. Permissions and
 * credentials are the person's (a card's hash identifies them); the door log is the venue's and
 * outlives the customer, anonymous. Devices hear of every change through the customer's
 * `customer.changed` event, which the customer service sends after the transaction.
 */
export const customerData: CustomerDataContributor = {
  tables: [doorPermissions, credentials, doorEvents],

  async impact(ctx, id) {
    const revokedCount = (await countOf(ctx, doorPermissions, id, revoked)) + (await countOf(ctx, credentials, id, revoked));
    return [
      { what: 'door permissions', count: await countOf(ctx, doorPermissions, id, live) },
      { what: 'credentials (cards, fobs and codes)', count: await countOf(ctx, credentials, id, live) },
      { what: 'revoked door permissions and credentials', count: revokedCount },
    ];
  },

  /** Access and cards go; the door log keeps the visits, without the card that opened the door. */
  async erase(ctx, id) {
    await deleteOf(ctx, doorPermissions, id);
    await deleteOf(ctx, credentials, id);
    await ctx.tx.execute(sql`
      update door_events set credential_hash = null, credential_masked = null
      where org_id = ${ctx.orgId} and customer_id = ${id}`);
    await redactAudit(ctx.tx, ctx.orgId, id, ['doorAccess', 'credentials']);
  },

  /** Access and cards go; the door log keeps the visits, without the name. */
  async delete(ctx, id) {
    await deleteOf(ctx, doorPermissions, id);
    await deleteOf(ctx, credentials, id);
    await ctx.tx.execute(sql`update door_events set customer_id = null where org_id = ${ctx.orgId} and customer_id = ${id}`);
  },

  /**
   * Every permission, credential and door-log entry of both. Nothing clashes: two permissions for
   * one door are two periods, and a live credential has one holder already (a unique index).
   */
  async merge(ctx, from, into) {
    await moveAll(ctx, doorPermissions, from, into);
    await moveAll(ctx, credentials, from, into);
    await moveAll(ctx, doorEvents, from, into);
  },
};
