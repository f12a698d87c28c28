import { sql } from 'drizzle-orm';
import { credentials, doorEventRejects, doorEvents, doorPermissions } from '@foyer/schema/tables';
import { redactAudit } from '../../platform/audit.ts';
import { countOf, deleteOf, moveAll, type CustomerDataContext, type CustomerDataContributor } from '../../platform/customer-data.ts';

const live = sql`revoked_at is null`;
const revoked = sql`revoked_at is not null`;

/**
 * A quarantined event keeps why it was refused and what door it was for, not whose it was: the
 * customer's id, the card's hash and its masked number leave the copy of the event.
 */
async function forgetInQuarantine(ctx: CustomerDataContext, id: string) {
  await ctx.tx.execute(sql`
    update door_event_rejects
    set customer_id = null,
        event = case when jsonb_typeof(event) = 'object' then event - 'customerId' - 'credentialHash' - 'credentialMasked' else event end
    where org_id = ${ctx.orgId} and customer_id = ${id}`);
}

/**
 * Da1, Da2, R2: who may open which door, with which card, and the door log. Permissions and
 * credentials are the person's (a card's hash identifies them); the door log is the venue's and
 * outlives the customer, anonymous. Devices hear of every change through the customer's
 * `customer.changed` event, which the customer service sends after the transaction.
 */
export const customerData: CustomerDataContributor = {
  tables: [doorPermissions, credentials, doorEvents, doorEventRejects],

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
    await forgetInQuarantine(ctx, id);
    await redactAudit(ctx.tx, ctx.orgId, id, ['doorAccess', 'credentials']);
  },

  /** Access and cards go; the door log keeps the visits, without the name. */
  async delete(ctx, id) {
    await deleteOf(ctx, doorPermissions, id);
    await deleteOf(ctx, credentials, id);
    await ctx.tx.execute(sql`update door_events set customer_id = null where org_id = ${ctx.orgId} and customer_id = ${id}`);
    await forgetInQuarantine(ctx, id);
  },

  /**
   * Every permission, credential and door-log entry of both. Nothing clashes: two permissions for
   * one door are two periods, and a live credential has one holder already (a unique index).
   */
  async merge(ctx, from, into) {
    await moveAll(ctx, doorPermissions, from, into);
    await moveAll(ctx, credentials, from, into);
    await moveAll(ctx, doorEvents, from, into);
    await moveAll(ctx, doorEventRejects, from, into);
  },
};
