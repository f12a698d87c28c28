import type { FieldChange } from '@foyer/schema/tables';
import {
  MINIMUM_IDENTITY_MESSAGE,
  meetsMinimumIdentity,
  normalizePhone,
  parseCustomerQuery,
  toSystemId,
  type Address,
  type Customer,
  type CustomerCreateParsed,
  type CustomerPage,
  type CustomerPatchParsed,
  type DeletionImpact,
  type FieldIssue,
  type NormalizedPhone,
  type TimelineSource,
} from '@foyer/schema/validation';
import type { Demand } from '../../platform/permissions.ts';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound, uniqueViolation } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { countAudit, insertAudit, listAudit } from '../../platform/audit.ts';
import type { CustomerDataContext, NamedContributor } from '../../platform/customer-data.ts';
import { syncDomainLinks } from '../companies/customer-repository.ts';
import { fieldsForQuery, loadFieldDefinitions, typeCustomValues, writeCustomValues } from '../custom-fields/customer-repository.ts';
import { findCustomerPage, loadCustomerListItems, photoUrl } from './list-repository.ts';
import { setCustomerTags } from '../tags/customer-repository.ts';
import * as repo from './repository.ts';

/** The unique indexes on customer numbers: exactly, and whatever the case. */
const isNumberIndex = (constraint: string | null) => constraint === 'customers_org_number_idx' || constraint === 'customers_org_number_lower_idx';

/**
 * Says, in the transaction that changed the customer, that they changed: door access follows
 * status, erasure, deletion and merge (the edge domain's subscriber works out what devices hold).
 */
const customerChanged = (tx: DbOrTx, orgId: string, customerId: string) => writeEvent(tx, { orgId, name: 'customer.changed', payload: { customerId } });

/** Who acts, in which organization. `userId` is null for the system (import, seed, CLI). */
export type Actor = { orgId: string; userId: string | null; defaultCountry: string };

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toCustomerDto(c: repo.CustomerProfile): Customer {
  return {
    id: toSystemId(c.id),
    customerNumber: c.customerNumber,
    firstName: c.firstName,
    lastName: c.lastName,
    primaryEmail: c.emails[0]?.address ?? null,
    primaryPhone: c.phones[0]?.e164 ?? null,
    photoUrl: photoUrl(c.id, c.photoVersion),
    status: c.status,
    lifecycleStage: c.lifecycleStage,
    clv: c.clvCents / 100,
    totalSpent: c.totalSpentCents / 100,
    lastOrderAt: iso(c.lastOrderAt),
    lastActiveAt: iso(c.lastActiveAt),
    createdAt: c.createdAt.toISOString(),
    tags: c.tags,
    emails: c.emails.map((e, i) => ({ address: e.address, primary: i === 0 })),
    phones: c.phones,
    previousPhones: c.previousPhones.map((p) => ({ e164: p.e164, raw: p.raw, replacedAt: p.replacedAt.toISOString() })),
    addresses: c.addresses,
    externalId: c.externalId,
    language: c.language,
    source: c.source,
    dateOfBirth: c.dateOfBirth,
    companyName: c.companyName,
    marketingConsent: { given: c.marketingConsent, at: iso(c.consentAt), method: c.consentMethod },
    companies: c.companies,
    custom: c.custom,
    erasedAt: iso(c.erasedAt),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const formatAddress = (a: Address) => `${a.purpose}: ${[a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(', ')}`;

/** C10: the fields the audit log records, as comparable plain values. */
function auditView(c: repo.CustomerProfile) {
  return {
    customerNumber: c.customerNumber,
    firstName: c.firstName,
    lastName: c.lastName,
    emails: c.emails.map((e) => e.address),
    phones: c.phones.map((p) => p.e164),
    addresses: c.addresses.map(formatAddress),
    externalId: c.externalId,
    language: c.language,
    source: c.source,
    status: c.status,
    dateOfBirth: c.dateOfBirth,
    companyName: c.companyName,
    marketingConsent: c.marketingConsent ? `given${c.consentMethod ? ` (${c.consentMethod})` : ''}` : 'not given',
    tags: c.tags.map((t) => t.name),
    custom: Object.keys(c.custom).length ? c.custom : null,
    photo: c.photoVersion === null ? null : `version ${c.photoVersion}`,
  };
}

const displayName = (c: repo.CustomerProfile) => [c.firstName, c.lastName].filter(Boolean).join(' ');

function diff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  const empty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);
  for (const key of Object.keys({ ...before, ...after })) {
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a) && !(empty(b) && empty(a))) changes[key] = { before: b, after: a };
  }
  return changes;
}

/** Phones as E.164 in the organization's country; an invalid one is a 400 naming its place. */
function normalizePhones(phones: string[], country: string): NormalizedPhone[] {
  const issues: FieldIssue[] = [];
  const normalized = phones.flatMap((raw, i) => {
    const phone = normalizePhone(raw, country);
    if (!phone) issues.push({ field: `phones.${i}`, message: `"${raw}" is not a valid phone number` });
    return phone ? [phone] : [];
  });
  if (issues.length) throw invalid('Some phone numbers are not valid', issues);
  return normalized;
}

const toAddress = (a: NonNullable<CustomerCreateParsed['addresses']>[number]): Address => ({
  purpose: a.purpose,
  line1: a.line1,
  line2: a.line2 ?? null,
  city: a.city ?? null,
  region: a.region ?? null,
  postalCode: a.postalCode ?? null,
  country: a.country ?? null,
});

/**
 * Ac1: how a new customer came about, as the timeline says it: a staff member in the app, the
 * customer in a public flow, an import, or the system (seed, CLI).
 */
function sourceOf(actor: Actor, customerSource: string): TimelineSource {
  if (actor.userId) return 'dashboard';
  // The public enquiry form is the customer online, as the booking flow is.
  if (customerSource === 'enquiry') return 'online';
  return customerSource === 'online' || customerSource === 'import' ? customerSource : 'system';
}

/** Rolls a transaction back when an update turns out to change nothing. */
class NothingChanged extends Error {}

export class CustomerService {
  /** Delete, erasure and merge run the contributors last to first: a domain's rows go before those of the domains it builds on, the customer row last. */
  private readonly lastToFirst: readonly NamedContributor[];

  constructor(
    private readonly db: Db,
    /** Every domain's part of a customer's data, in the order of the domain list. */
    private readonly contributors: readonly NamedContributor[],
  ) {
    this.lastToFirst = [...contributors].reverse();
  }

  async get(orgId: string, ref: string): Promise<Customer> {
    return toCustomerDto(await this.profile(this.db, orgId, ref));
  }

  /** L2–L4: a page of the list for a query string's parameters. */
  async list(actor: Actor, params: URLSearchParams | Record<string, string>): Promise<CustomerPage> {
    const parsed = parseCustomerQuery(params);
    if (!parsed.ok) throw invalid(`Not a valid list query: ${parsed.issues.map((i) => i.field).join(', ')}`, parsed.issues);
    const fields = await fieldsForQuery(this.db, actor.orgId, parsed.query);
    const page = await findCustomerPage(this.db, actor.orgId, parsed.query, { fields, country: actor.defaultCountry });
    return {
      items: await loadCustomerListItems(this.db, actor.orgId, page.ids),
      total: page.total,
      totalCapped: page.totalCapped,
      nextCursor: page.nextCursor,
    };
  }

  async create(actor: Actor, input: CustomerCreateParsed): Promise<Customer> {
    const phones = normalizePhones(input.phones ?? [], actor.defaultCountry);
    const emails = input.emails ?? [];
    const custom = input.custom && typeCustomValues(await loadFieldDefinitions(this.db, actor.orgId), input.custom);
    // A generated number may meet one imported by hand; the sequence then moves on and we retry.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          await this.assertContactsFree(tx, actor.orgId, emails, input.customerNumber);
          const consent = input.marketingConsent;
          const row = await repo.insertCustomer(tx, actor.orgId, {
            customerNumber: input.customerNumber,
            firstName: input.firstName ?? null,
            lastName: input.lastName ?? null,
            externalId: input.externalId ?? null,
            language: input.language ?? null,
            source: input.source ?? 'dashboard',
            dateOfBirth: input.dateOfBirth ?? null,
            companyName: input.companyName ?? null,
            marketingConsent: consent?.given ?? false,
            consentAt: consent ? new Date(consent.at ?? Date.now()) : null,
            consentMethod: consent?.method ?? null,
          });
          await this.writeContacts(tx, actor.orgId, row.id, { emails, phones, addresses: input.addresses?.map(toAddress) });
          if (input.tags) await setCustomerTags(tx, actor.orgId, row.id, input.tags);
          if (custom) await writeCustomValues(tx, actor.orgId, row.id, custom);
          const created = (await repo.loadCustomers(tx, actor.orgId, [row.id]))[0]!;
          await this.audit(tx, actor, row.id, 'created', diff(null, auditView(created)));
          await writeEvent(tx, {
            orgId: actor.orgId,
            name: 'customer.created',
            payload: { customerId: row.id, actorUserId: actor.userId, source: sourceOf(actor, created.source) },
          });
          return toCustomerDto(created);
        });
      } catch (error) {
        const constraint = uniqueViolation(error);
        if (isNumberIndex(constraint) && !input.customerNumber && attempt < 5) continue;
        throw await this.conflictFrom(error, actor.orgId, emails, input.customerNumber);
      }
    }
  }

  /**
   * `demand` refuses the parts of the patch the user's role may not make (banning, renumbering:
   * customers/routes.ts), checked against the stored values so that resending them unchanged is fine.
   */
  async update(actor: Actor, ref: string, patch: CustomerPatchParsed, demand: Demand = () => {}): Promise<Customer> {
    const id = await this.idOf(actor.orgId, ref);
    const phones = patch.phones && normalizePhones(patch.phones, actor.defaultCountry);
    const custom = patch.custom && typeCustomValues(await loadFieldDefinitions(this.db, actor.orgId), patch.custom);
    try {
      return await this.db.transaction(async (tx) => {
        if (!(await repo.lockCustomer(tx, actor.orgId, id))) throw notFound();
        const before = (await repo.loadCustomers(tx, actor.orgId, [id]))[0]!;
        if (before.erasedAt) throw new AppError(409, 'erased', 'This customer was erased; their record can no longer change');
        if (patch.status !== undefined && patch.status !== before.status) demand('customers.ban', patch.status === 'banned' ? 'ban a customer' : 'lift a ban');
        if (patch.customerNumber !== undefined && patch.customerNumber !== before.customerNumber) demand('customers.renumber', "change a customer's number");
        const columns: repo.CustomerColumns = {};
        for (const key of ['firstName', 'lastName', 'externalId', 'language', 'customerNumber', 'source', 'status', 'dateOfBirth', 'companyName'] as const)
          if (patch[key] !== undefined) Object.assign(columns, { [key]: patch[key] });
        const consent = patch.marketingConsent;
        if (consent && (consent.given !== before.marketingConsent || (consent.method ?? null) !== before.consentMethod))
          Object.assign(columns, { marketingConsent: consent.given, consentAt: new Date(consent.at ?? Date.now()), consentMethod: consent.method ?? null });

        const identity = { ...before, ...columns, emails: patch.emails ?? before.emails, phones: phones ?? before.phones };
        if (!meetsMinimumIdentity(identity)) throw invalid(MINIMUM_IDENTITY_MESSAGE, [{ field: '(body)', message: MINIMUM_IDENTITY_MESSAGE }]);
        await this.assertContactsFree(tx, actor.orgId, patch.emails ?? [], patch.customerNumber, id);

        await repo.updateCustomerColumns(tx, actor.orgId, id, columns);
        await this.writeContacts(tx, actor.orgId, id, { emails: patch.emails, phones, addresses: patch.addresses?.map(toAddress) });
        if (patch.tags) await setCustomerTags(tx, actor.orgId, id, patch.tags);
        if (custom) await writeCustomValues(tx, actor.orgId, id, custom);

        const after = (await repo.loadCustomers(tx, actor.orgId, [id]))[0]!;
        const changes = diff(auditView(before), auditView(after));
        if (Object.keys(changes).length === 0) throw new NothingChanged();
        // A reason only means something beside the status change it explains.
        if (changes.status && patch.statusReason) changes.statusReason = { before: null, after: patch.statusReason };
        await this.audit(tx, actor, id, 'updated', changes);
        await customerChanged(tx, actor.orgId, id);
        await this.updated(tx, actor, id, Object.keys(changes));
        return toCustomerDto(after);
      });
    } catch (error) {
      if (error instanceof NothingChanged) return this.get(actor.orgId, ref);
      throw await this.conflictFrom(error, actor.orgId, patch.emails ?? [], patch.customerNumber, id);
    }
  }

  /**
   * C9: deletes the customer and everything that belongs to them, through every domain's
   * customer-data contributor, in one transaction; the history of changes stays.
   */
  async delete(actor: Actor, ref: string): Promise<void> {
    const id = await this.idOf(actor.orgId, ref);
    await this.db.transaction(async (tx) => {
      if (!(await repo.lockCustomer(tx, actor.orgId, id))) throw notFound();
      const before = (await repo.loadCustomers(tx, actor.orgId, [id]))[0]!;
      const ctx = this.context(tx, actor);
      for (const c of this.lastToFirst) await c.delete(ctx, id);
      await this.audit(tx, actor, id, 'deleted', diff(auditView(before), null));
      await customerChanged(tx, actor.orgId, id);
    });
  }

  /** C9: what a delete takes with it, shown before it runs, as every contributor counts it. The history stays. */
  async deletionImpact(orgId: string, ref: string): Promise<DeletionImpact> {
    const id = await this.idOf(orgId, ref);
    return this.db.transaction(
      async (tx) => {
        const ctx: CustomerDataContext = { tx, orgId, userId: null };
        const items: DeletionImpact['items'] = [];
        for (const c of this.contributors) items.push(...(await c.impact(ctx, id)));
        return { items, historyKept: await countAudit(tx, orgId, 'customer', id) };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  /**
   * C9: erasure on request. Every contributor takes the person's data — contacts, photo, custom
   * values, links, memberships, access, notes, and their values in the history — while the row,
   * its customer number and its transactions (bookings, visits) stay, anonymous.
   */
  async erase(actor: Actor, ref: string): Promise<Customer> {
    const id = await this.idOf(actor.orgId, ref);
    return this.db.transaction(async (tx) => {
      if (!(await repo.lockCustomer(tx, actor.orgId, id))) throw notFound();
      const ctx = this.context(tx, actor);
      for (const c of this.lastToFirst) await c.erase(ctx, id);
      await this.audit(tx, actor, id, 'erased', {});
      await customerChanged(tx, actor.orgId, id);
      await writeEvent(tx, { orgId: actor.orgId, name: 'customer.erased', payload: { customerId: id, actorUserId: actor.userId } });
      return toCustomerDto((await repo.loadCustomers(tx, actor.orgId, [id]))[0]!);
    });
  }

  /**
   * D2: merges `fromRef` into `intoRef` for good. Every contributor moves `from`'s rows to `into`
   * (both kept; clashes become one row), then `from` is gone. One entry in `into`'s history says
   * what changed, beside `from`'s history, which moves with it. Both are told to the doors.
   */
  async merge(actor: Actor, fromRef: string, intoRef: string): Promise<Customer> {
    const [from, into] = [await this.idOf(actor.orgId, fromRef), await this.idOf(actor.orgId, intoRef)];
    if (from === into) throw invalid('A customer cannot be merged into themselves', [{ field: 'into', message: 'Choose another customer' }]);
    return this.db.transaction(async (tx) => {
      // Both rows, in a fixed order: two merges of the same pair queue instead of deadlocking.
      for (const id of [from, into].sort()) if (!(await repo.lockCustomer(tx, actor.orgId, id))) throw notFound();
      const [source, before] = await repo.loadCustomers(tx, actor.orgId, [from, into]);
      if (source!.erasedAt || before!.erasedAt) throw new AppError(409, 'erased', 'An erased customer cannot be merged; their record can no longer change');
      const ctx = this.context(tx, actor);
      for (const c of this.lastToFirst) await c.merge(ctx, from, into);
      const after = (await repo.loadCustomers(tx, actor.orgId, [into]))[0]!;
      await this.audit(tx, actor, into, 'updated', {
        mergedFrom: { before: null, after: `${source!.customerNumber}${displayName(source!) ? ` (${displayName(source!)})` : ''}` },
        ...diff(auditView(before!), auditView(after)),
      });
      await customerChanged(tx, actor.orgId, from);
      await customerChanged(tx, actor.orgId, into);
      await writeEvent(tx, {
        orgId: actor.orgId,
        name: 'customer.merged',
        payload: { fromId: from, intoId: into, fromCustomerNumber: source!.customerNumber, actorUserId: actor.userId },
      });
      return toCustomerDto(after);
    });
  }

  async history(orgId: string, ref: string) {
    const id = await this.idOf(orgId, ref);
    const rows = await listAudit(this.db, orgId, 'customer', id);
    return {
      items: rows.map((r) => ({
        id: r.id,
        action: r.action,
        actor: r.actorId ? { id: r.actorId, name: r.actorName ?? '' } : null,
        changes: r.changes,
        createdAt: r.createdAt.toISOString(),
      })),
    };
  }

  /** Records a change of the customer's photo (kept by CustomerPhotoService). */
  async recordPhotoChange(actor: Actor, customerId: string, before: number | null, after: number | null) {
    await this.db.transaction(async (tx) => {
      await this.audit(tx, actor, customerId, 'updated', {
        photo: { before: before === null ? null : `version ${before}`, after: after === null ? null : `version ${after}` },
      });
      await this.updated(tx, actor, customerId, ['photo']);
    });
  }

  async idOf(orgId: string, ref: string): Promise<string> {
    const id = await repo.findCustomerIdByRef(this.db, orgId, ref);
    if (!id) throw notFound();
    return id;
  }

  private async profile(db: Db, orgId: string, ref: string) {
    const customer = await repo.loadCustomerByRef(db, orgId, ref);
    if (!customer) throw notFound();
    return customer;
  }

  /** Writes the lists given (absent ones stay) and re-links companies when the emails changed (Co2). */
  private async writeContacts(tx: DbOrTx, orgId: string, id: string, lists: { emails?: string[]; phones?: NormalizedPhone[]; addresses?: Address[] }) {
    if (lists.emails) {
      await repo.replaceEmails(tx, orgId, id, lists.emails);
      await syncDomainLinks(tx, orgId, { customerIds: [id] });
    }
    if (lists.phones) await repo.replacePhones(tx, orgId, id, lists.phones);
    if (lists.addresses) await repo.replaceAddresses(tx, orgId, id, lists.addresses);
  }

  /** C10, Ac1: says on the outbox which fields of the profile changed (the timeline and others hear it). */
  private updated(tx: DbOrTx, actor: Actor, customerId: string, fields: string[]) {
    return writeEvent(tx, { orgId: actor.orgId, name: 'customer.updated', payload: { customerId, actorUserId: actor.userId, fields } });
  }

  private context(tx: DbOrTx, actor: Actor): CustomerDataContext {
    return { tx, orgId: actor.orgId, userId: actor.userId };
  }

  private audit(db: DbOrTx, actor: Actor, entityId: string, action: 'created' | 'updated' | 'deleted' | 'erased', changes: Record<string, FieldChange>) {
    return insertAudit(db, { orgId: actor.orgId, actorUserId: actor.userId, entityType: 'customer', entityId, action, changes });
  }

  /** Refuses emails or a customer number that another customer holds, naming the holder (C5). */
  private async assertContactsFree(db: DbOrTx, orgId: string, emails: string[], customerNumber?: string, exceptId?: string) {
    const holders = await repo.findEmailHolders(db, orgId, emails, exceptId);
    if (holders.length) throw emailConflict(emails, holders);
    if (customerNumber && (await repo.customerNumberTaken(db, orgId, customerNumber, exceptId))) throw numberConflict(customerNumber);
  }

  /**
   * A unique index fired: a concurrent request took the email or number between our check and our
   * insert. Answer as the check would have.
   */
  private async conflictFrom(error: unknown, orgId: string, emails: string[], customerNumber?: string, exceptId?: string) {
    const constraint = uniqueViolation(error);
    if (constraint === 'customer_emails_org_address_idx') return emailConflict(emails, await repo.findEmailHolders(this.db, orgId, emails, exceptId));
    if (isNumberIndex(constraint)) return numberConflict(customerNumber);
    return error;
  }
}

function numberConflict(customerNumber: string | undefined) {
  const message = `Customer number ${customerNumber} is already in use`;
  return new AppError(409, 'customer_number_taken', message, [{ field: 'customerNumber', message }]);
}

function emailConflict(emails: string[], holders: { address: string; customerNumber: string }[]) {
  const issues = holders.map((h) => ({
    field: `emails.${emails.findIndex((e) => e.toLowerCase() === h.address.toLowerCase())}`,
    message: `${h.address} already belongs to customer ${h.customerNumber}`,
  }));
  return new AppError(409, 'email_taken', issues.map((i) => i.message).join('; ') || 'This email already belongs to another customer', issues);
}
