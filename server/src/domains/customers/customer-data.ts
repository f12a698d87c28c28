import { sql } from 'drizzle-orm';
import { auditLog, customerAddresses, customerEmails, customerNameWords, customerPhones, customerPhotos, customers } from '@foyer/schema/tables';
import { redactAudit } from '../../platform/audit.ts';
import { countOf, deleteOf, type CustomerDataContext, type CustomerDataContributor } from '../../platform/customer-data.ts';
import { deleteCustomer, nameWordsOf, pruneNameWords } from './repository.ts';

/** The history's fields whose values are the person's own (see auditView): erasure blanks them. */
const PERSONAL_HISTORY = ['firstName', 'lastName', 'emails', 'phones', 'addresses', 'externalId', 'dateOfBirth', 'companyName', 'photo', 'statusReason'];

const ownRows = [customerEmails, customerPhones, customerAddresses, customerPhotos] as const;

/** Appends `from`'s rows of a positioned list (emails, addresses) after `into`'s, in their order. */
async function appendPositioned(ctx: CustomerDataContext, table: typeof customerEmails | typeof customerAddresses, from: string, into: string) {
  await ctx.tx.execute(sql`
    update ${table} set customer_id = ${into},
      position = position + (select coalesce(max(position) + 1, 0) from ${table} where org_id = ${ctx.orgId} and customer_id = ${into})
    where org_id = ${ctx.orgId} and customer_id = ${from}`);
}

/**
 * Phones: `from`'s current numbers follow `into`'s; a number both have current stays once (as
 * `into`'s); a number one has only as an earlier number and the other as current is current; an
 * earlier number both have stays once. Nothing else is dropped.
 */
async function mergePhones(ctx: CustomerDataContext, from: string, into: string) {
  const { tx, orgId } = ctx;
  const of = (id: string, current: boolean) =>
    sql`select e164 from customer_phones where org_id = ${orgId} and customer_id = ${id} and position is ${current ? sql`not null` : sql`null`}`;
  await tx.execute(sql`delete from customer_phones where org_id = ${orgId} and customer_id = ${from} and position is not null and e164 in (${of(into, true)})`);
  await tx.execute(sql`delete from customer_phones where org_id = ${orgId} and customer_id = ${into} and position is null and e164 in (${of(from, true)})`);
  await tx.execute(sql`
    delete from customer_phones where org_id = ${orgId} and customer_id = ${from} and position is null
      and e164 in (select e164 from customer_phones where org_id = ${orgId} and customer_id = ${into})`);
  await tx.execute(sql`
    update customer_phones set customer_id = ${into},
      position = position + (select coalesce(max(position) + 1, 0) from customer_phones where org_id = ${orgId} and customer_id = ${into})
    where org_id = ${orgId} and customer_id = ${from}`);
}

/**
 * `into`'s profile keeps its values; blanks are filled from `from`. A ban on either stands; the later
 * marketing-consent decision stands; money spent adds up; the customer is one since the earlier of
 * the two. The primary email and phone are `into`'s (or, if it had none, `from`'s first).
 */
async function mergeColumns(ctx: CustomerDataContext, from: string, into: string) {
  const { tx, orgId } = ctx;
  const laterConsent = sql`(f.consent_at is not null and (i.consent_at is null or f.consent_at > i.consent_at))`;
  await tx.execute(sql`
    update customers i set
      first_name = coalesce(i.first_name, f.first_name),
      last_name = coalesce(i.last_name, f.last_name),
      external_id = coalesce(i.external_id, f.external_id),
      language = coalesce(i.language, f.language),
      date_of_birth = coalesce(i.date_of_birth, f.date_of_birth),
      company_name = coalesce(i.company_name, f.company_name),
      status = case when f.status = 'banned' then f.status else i.status end,
      marketing_consent = case when ${laterConsent} then f.marketing_consent else i.marketing_consent end,
      consent_at = case when ${laterConsent} then f.consent_at else i.consent_at end,
      consent_method = case when ${laterConsent} then f.consent_method else i.consent_method end,
      lifecycle_stage = case when i.lifecycle_stage = 'lead' then f.lifecycle_stage else i.lifecycle_stage end,
      total_spent_cents = i.total_spent_cents + f.total_spent_cents,
      clv_cents = greatest(i.clv_cents, f.clv_cents),
      last_order_at = greatest(i.last_order_at, f.last_order_at),
      last_active_at = greatest(i.last_active_at, f.last_active_at),
      created_at = least(i.created_at, f.created_at),
      updated_at = now()
    from customers f
    where i.org_id = ${orgId} and i.id = ${into} and f.org_id = ${orgId} and f.id = ${from}`);
  // The photo: `into`'s if it has one, else `from`'s.
  const moved = await tx.execute(sql`
    update customer_photos set customer_id = ${into}
    where org_id = ${orgId} and customer_id = ${from}
      and not exists (select 1 from customer_photos where org_id = ${orgId} and customer_id = ${into})`);
  if (moved.rowCount)
    await tx.execute(sql`
      update customers i set photo_version = f.photo_version from customers f
      where i.org_id = ${orgId} and i.id = ${into} and f.org_id = ${orgId} and f.id = ${from}`);
  else await deleteOf(ctx, customerPhotos, from);
  await refreshPrimaries(ctx, into);
}

/** customers.primary_email / primary_phone follow position 0 of the lists. */
async function refreshPrimaries(ctx: CustomerDataContext, id: string) {
  await ctx.tx.execute(sql`
    update customers c set
      primary_email = (select address from customer_emails e where e.org_id = ${ctx.orgId} and e.customer_id = c.id order by position limit 1),
      primary_phone = (select e164 from customer_phones p where p.org_id = ${ctx.orgId} and p.customer_id = c.id and p.position is not null order by position limit 1)
    where c.org_id = ${ctx.orgId} and c.id = ${id}`);
}

/** C1–C10: the customer's own record — contacts, addresses, photo, name words, the history of changes. */
export const customerData: CustomerDataContributor = {
  tables: [...ownRows, auditLog, customerNameWords],

  async impact(ctx, id) {
    const [emails, phones, addresses, photo] = [
      await countOf(ctx, customerEmails, id),
      await countOf(ctx, customerPhones, id),
      await countOf(ctx, customerAddresses, id),
      await countOf(ctx, customerPhotos, id),
    ];
    return [
      { what: 'emails', count: emails },
      { what: 'phone numbers (current and earlier)', count: phones },
      { what: 'addresses', count: addresses },
      { what: 'photo', count: photo },
    ];
  },

  /** The row stays, with its number and figures, for the transactions that name it; the person goes. */
  async erase(ctx, id) {
    const words = await nameWordsOf(ctx.tx, ctx.orgId, id);
    for (const table of ownRows) await deleteOf(ctx, table, id);
    await ctx.tx
      .update(customers)
      .set({
        firstName: null,
        lastName: null,
        externalId: null,
        language: null,
        dateOfBirth: null,
        companyName: null,
        photoVersion: null,
        marketingConsent: false,
        consentAt: null,
        consentMethod: null,
        primaryEmail: null,
        primaryPhone: null,
        erasedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(sql`${customers.orgId} = ${ctx.orgId} and ${customers.id} = ${id}`);
    await pruneNameWords(ctx.tx, ctx.orgId, words);
    await redactAudit(ctx.tx, ctx.orgId, id, PERSONAL_HISTORY);
  },

  /** Runs after every other contributor (the list's reverse order): the row itself goes last. The history stays. */
  async delete(ctx, id) {
    const words = await nameWordsOf(ctx.tx, ctx.orgId, id);
    for (const table of ownRows) await deleteOf(ctx, table, id);
    await deleteCustomer(ctx.tx, ctx.orgId, id);
    await pruneNameWords(ctx.tx, ctx.orgId, words);
  },

  /** Runs last: moves contacts, addresses, photo and history to `into`, fills its blanks, then removes `from`. */
  async merge(ctx, from, into) {
    // Who might have been `from` might be `into` now; `into` is no longer a possible duplicate of `from`.
    await ctx.tx.execute(sql`
      update customers set possible_duplicate_of = case when id = ${into} then null else ${into}::uuid end
      where org_id = ${ctx.orgId} and possible_duplicate_of = ${from}`);
    const words = await nameWordsOf(ctx.tx, ctx.orgId, from);
    await appendPositioned(ctx, customerEmails, from, into);
    await mergePhones(ctx, from, into);
    await appendPositioned(ctx, customerAddresses, from, into);
    await mergeColumns(ctx, from, into);
    await ctx.tx.execute(sql`
      update audit_log set entity_id = ${into}
      where org_id = ${ctx.orgId} and entity_type = 'customer' and entity_id = ${from}`);
    await deleteCustomer(ctx.tx, ctx.orgId, from);
    await pruneNameWords(ctx.tx, ctx.orgId, words);
  },
};
