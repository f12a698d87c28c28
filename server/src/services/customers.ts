import type { FieldChange } from '@foyer/schema/tables';
import {
  MINIMUM_IDENTITY_MESSAGE,
  meetsMinimumIdentity,
  normalizePhone,
  toSystemId,
  type Customer,
  type CustomerCreateParsed,
  type CustomerPage,
  type CustomerPatchParsed,
  type FieldIssue,
  type NormalizedPhone,
} from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../db/connect.ts';
import { AppError, invalid, notFound, uniqueViolation } from '../lib/errors.ts';
import { insertAudit, listAudit } from '../repositories/audit.ts';
import * as repo from '../repositories/customers.ts';

/** Who acts, in which organization. `userId` is null for the system (import, seed, CLI). */
export type Actor = { orgId: string; userId: string | null; defaultCountry: string };

export function toCustomerDto(c: repo.CustomerWithContacts): Customer {
  return {
    id: toSystemId(c.id),
    customerNumber: c.customerNumber,
    firstName: c.firstName,
    lastName: c.lastName,
    emails: c.emails.map((e, i) => ({ address: e.address, primary: i === 0 })),
    phones: c.phones,
    externalId: c.externalId,
    language: c.language,
    source: c.source,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The fields the audit log records, as comparable plain values. */
function auditView(c: Pick<repo.CustomerWithContacts, AuditedField | 'emails' | 'phones'>) {
  return {
    customerNumber: c.customerNumber,
    firstName: c.firstName,
    lastName: c.lastName,
    emails: c.emails.map((e) => e.address),
    phones: c.phones.map((p) => p.e164),
    externalId: c.externalId,
    language: c.language,
    source: c.source,
    status: c.status,
  };
}
type AuditedField = 'customerNumber' | 'firstName' | 'lastName' | 'externalId' | 'language' | 'source' | 'status';

function diff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const key of Object.keys({ ...before, ...after })) {
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    const empty = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);
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

export class CustomerService {
  constructor(private readonly db: Db) {}

  async get(orgId: string, ref: string): Promise<Customer> {
    const id = await repo.findCustomerIdByRef(this.db, orgId, ref);
    const [customer] = id ? await repo.loadCustomers(this.db, orgId, [id]) : [];
    if (!customer) throw notFound();
    return toCustomerDto(customer);
  }

  async list(orgId: string, page: number, pageSize: number): Promise<CustomerPage> {
    const { ids, total } = await repo.listCustomerPage(this.db, orgId, pageSize, (page - 1) * pageSize);
    const items = await repo.loadCustomers(this.db, orgId, ids);
    return { items: items.map(toCustomerDto), total };
  }

  async create(actor: Actor, input: CustomerCreateParsed): Promise<Customer> {
    const phones = normalizePhones(input.phones ?? [], actor.defaultCountry);
    const emails = input.emails ?? [];
    // A generated number may meet one imported by hand; the sequence then moves on and we retry.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          await this.assertContactsFree(tx, actor.orgId, emails, input.customerNumber);
          const row = await repo.insertCustomer(tx, actor.orgId, {
            customerNumber: input.customerNumber,
            firstName: input.firstName ?? null,
            lastName: input.lastName ?? null,
            externalId: input.externalId ?? null,
            language: input.language ?? null,
            source: input.source ?? 'dashboard',
          });
          await repo.replaceEmails(tx, actor.orgId, row.id, emails);
          await repo.replacePhones(tx, actor.orgId, row.id, phones);
          const created = { ...row, emails: emails.map((address) => ({ address })), phones };
          await insertAudit(tx, {
            orgId: actor.orgId,
            actorUserId: actor.userId,
            entityType: 'customer',
            entityId: row.id,
            action: 'created',
            changes: diff(null, auditView(created)),
          });
          return toCustomerDto(created);
        });
      } catch (error) {
        const constraint = uniqueViolation(error);
        if (constraint === 'customers_org_number_idx' && !input.customerNumber && attempt < 5) continue;
        throw await this.conflictFrom(error, actor.orgId, emails, input.customerNumber);
      }
    }
  }

  async update(actor: Actor, ref: string, patch: CustomerPatchParsed): Promise<Customer> {
    const id = await repo.findCustomerIdByRef(this.db, actor.orgId, ref);
    if (!id) throw notFound();
    const phones = patch.phones && normalizePhones(patch.phones, actor.defaultCountry);
    try {
      return await this.db.transaction(async (tx) => {
        if (!(await repo.lockCustomer(tx, actor.orgId, id))) throw notFound();
        const [before] = await repo.loadCustomers(tx, actor.orgId, [id]);
        const columns: repo.CustomerColumns = {};
        for (const key of ['firstName', 'lastName', 'externalId', 'language', 'customerNumber', 'source', 'status'] as const)
          if (patch[key] !== undefined) Object.assign(columns, { [key]: patch[key] });
        const after = {
          ...before!,
          ...columns,
          emails: patch.emails ? patch.emails.map((address) => ({ address })) : before!.emails,
          phones: phones ?? before!.phones,
        };
        if (!meetsMinimumIdentity(after)) throw invalid(MINIMUM_IDENTITY_MESSAGE, [{ field: '(body)', message: MINIMUM_IDENTITY_MESSAGE }]);
        const changes = diff(auditView(before!), auditView(after));
        if (Object.keys(changes).length === 0) return toCustomerDto(before!);
        await this.assertContactsFree(tx, actor.orgId, patch.emails ?? [], patch.customerNumber, id);
        await repo.updateCustomerColumns(tx, actor.orgId, id, columns);
        if (patch.emails) await repo.replaceEmails(tx, actor.orgId, id, patch.emails);
        if (phones) await repo.replacePhones(tx, actor.orgId, id, phones);
        await insertAudit(tx, {
          orgId: actor.orgId,
          actorUserId: actor.userId,
          entityType: 'customer',
          entityId: id,
          action: 'updated',
          changes,
        });
        const [updated] = await repo.loadCustomers(tx, actor.orgId, [id]);
        return toCustomerDto(updated!);
      });
    } catch (error) {
      throw await this.conflictFrom(error, actor.orgId, patch.emails ?? [], patch.customerNumber, id);
    }
  }

  async delete(actor: Actor, ref: string): Promise<void> {
    const id = await repo.findCustomerIdByRef(this.db, actor.orgId, ref);
    if (!id) throw notFound();
    await this.db.transaction(async (tx) => {
      if (!(await repo.lockCustomer(tx, actor.orgId, id))) throw notFound();
      const [before] = await repo.loadCustomers(tx, actor.orgId, [id]);
      await repo.deleteCustomer(tx, actor.orgId, id);
      await insertAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        entityType: 'customer',
        entityId: id,
        action: 'deleted',
        changes: diff(auditView(before!), null),
      });
    });
  }

  async history(orgId: string, ref: string) {
    const id = await repo.findCustomerIdByRef(this.db, orgId, ref);
    if (!id) throw notFound();
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

  /** Refuses emails or a customer number that another customer holds, naming the holder (C5). */
  private async assertContactsFree(db: DbOrTx, orgId: string, emails: string[], customerNumber?: string, exceptId?: string) {
    const holders = await repo.findEmailHolders(db, orgId, emails, exceptId);
    if (holders.length) throw emailConflict(emails, holders);
    if (customerNumber && (await repo.customerNumberTaken(db, orgId, customerNumber, exceptId)))
      throw new AppError(409, 'customer_number_taken', `Customer number ${customerNumber} is already in use`, [
        { field: 'customerNumber', message: `Customer number ${customerNumber} is already in use` },
      ]);
  }

  /**
   * A unique index fired: a concurrent request took the email or number between our check and our
   * insert. Answer as the check would have.
   */
  private async conflictFrom(error: unknown, orgId: string, emails: string[], customerNumber?: string, exceptId?: string) {
    const constraint = uniqueViolation(error);
    if (constraint === null) return error;
    if (constraint === 'customer_emails_org_address_idx')
      return emailConflict(emails, await repo.findEmailHolders(this.db, orgId, emails, exceptId));
    if (constraint === 'customers_org_number_idx')
      return new AppError(409, 'customer_number_taken', `Customer number ${customerNumber} is already in use`, [
        { field: 'customerNumber', message: `Customer number ${customerNumber} is already in use` },
      ]);
    return error;
  }
}

function emailConflict(emails: string[], holders: { address: string; customerNumber: string }[]) {
  const issues = holders.map((h) => ({
    field: `emails.${emails.findIndex((e) => e.toLowerCase() === h.address.toLowerCase())}`,
    message: `${h.address} already belongs to customer ${h.customerNumber}`,
  }));
  return new AppError(409, 'email_taken', issues.map((i) => i.message).join('; ') || 'This email already belongs to another customer', issues);
}
