import {
  fromSystemId,
  normalizePhone,
  toSystemId,
  type Enquiry,
  type EnquiryCreateParsed,
  type EnquiryIdentify,
  type EnquiryPage,
  type EnquiryPatch,
  type EnquiryReceived,
  type EnquiryStatus,
  type PublicEnquiryVenue,
} from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { insertAudit } from '../../platform/audit.ts';
import { findOrganizationBySlug, type Organization } from '../organizations/repository.ts';
import type { Actor, CustomerService } from '../customers/service.ts';
import { issueFlowToken, verifyFlowToken } from '../bookings/flow-tokens.ts';
import { customerStatusOf, matchCustomer } from '../bookings/repository.ts';
import * as repo from './repository.ts';

const badField = (name: string, message: string) => invalid(message, [{ field: name, message }]);
const expired = () =>
  new AppError(401, 'flow_token_invalid', 'Your details have expired: enter them again', [{ field: 'flowToken', message: 'Enter your details again' }]);

export function toEnquiryDto(e: repo.EnquiryView): Enquiry {
  return {
    id: e.id,
    customer: { id: toSystemId(e.customerId), customerNumber: e.customerNumber, name: e.customerName },
    status: e.status,
    assignee: e.assigneeId ? { userId: e.assigneeId, name: e.assigneeName ?? 'A colleague' } : null,
    contactName: e.contactName,
    contactEmail: e.contactEmail,
    contactPhone: e.contactPhone,
    message: e.message,
    preferredDate: e.preferredDate,
    partySize: e.partySize,
    source: e.source,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/**
 * C8: enquiries. The public form (no session, a venue by its slug) first says who is asking —
 * matched to a customer by email or phone, or a new customer with source `enquiry` — and gets a
 * flow token (the same answer either way, so the form learns nothing about who is on file; the
 * token also puts the customer online over /flow while they write). Then it sends the enquiry.
 * What the form says about the person stays on the enquiry: a known customer's record is never
 * changed by it. Staff work enquiries in the inbox: status and assignee.
 */
export class EnquiryService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomerService,
  ) {}

  async venue(slug: string): Promise<PublicEnquiryVenue> {
    const org = await this.org(slug);
    return { name: org.name, slug: org.slug, timezone: org.timezone };
  }

  async identify(slug: string, input: EnquiryIdentify): Promise<{ flowToken: string }> {
    const org = await this.org(slug);
    const phone = this.phoneOf(org, input.phone);
    let customerId = await matchCustomer(this.db, org.id, input.email, phone?.e164);
    if (!customerId) {
      const actor: Actor = { orgId: org.id, userId: null, defaultCountry: org.defaultCountry };
      try {
        const created = await this.customers.create(actor, {
          firstName: input.firstName,
          lastName: input.lastName,
          emails: input.email ? [input.email] : undefined,
          phones: phone ? [phone.raw] : undefined,
          source: 'enquiry',
        });
        customerId = fromSystemId(created.id);
      } catch (error) {
        // The same person sending twice at once: the other request created them.
        if (!(error instanceof AppError && error.code === 'email_taken')) throw error;
        customerId = await matchCustomer(this.db, org.id, input.email, phone?.e164);
        if (!customerId) throw error;
      }
    }
    return { flowToken: await issueFlowToken(this.db, org.id, customerId) };
  }

  async submit(slug: string, input: EnquiryCreateParsed): Promise<EnquiryReceived> {
    const org = await this.org(slug);
    const who = await verifyFlowToken(this.db, input.flowToken);
    if (!who || who.orgId !== org.id) throw expired();
    const customer = await customerStatusOf(this.db, org.id, who.customerId);
    if (!customer || customer.erasedAt) throw expired();
    const phone = this.phoneOf(org, input.contact.phone, 'contact.phone');
    await this.db.transaction(async (tx) => {
      const row = await repo.insertEnquiry(tx, {
        orgId: org.id,
        customerId: who.customerId,
        contactName: [input.contact.firstName, input.contact.lastName].filter(Boolean).join(' '),
        contactEmail: input.contact.email ?? null,
        contactPhone: phone?.e164 ?? null,
        message: input.message,
        preferredDate: input.preferredDate ?? null,
        partySize: input.partySize ?? null,
        source: 'online',
      });
      await writeEvent(tx, { orgId: org.id, name: 'enquiry.received', payload: { enquiryId: row.id } });
    });
    return { received: true, venue: { name: org.name } };
  }

  async list(orgId: string, query: { status?: EnquiryStatus; assignee?: string; customer?: string; page: number; pageSize: number }): Promise<EnquiryPage> {
    const customerId = query.customer === undefined ? undefined : await this.customers.idOf(orgId, query.customer);
    const rows = await repo.listEnquiries(this.db, orgId, { ...query, customerId }, query.pageSize + 1, (query.page - 1) * query.pageSize);
    return {
      items: rows.slice(0, query.pageSize).map(toEnquiryDto),
      page: query.page,
      pageSize: query.pageSize,
      hasMore: rows.length > query.pageSize,
      counts: await repo.countByStatus(this.db, orgId),
    };
  }

  async get(orgId: string, id: string): Promise<Enquiry> {
    const [row] = await repo.listEnquiries(this.db, orgId, { ids: [id] }, 1, 0);
    if (!row) throw notFound('Enquiry');
    return toEnquiryDto(row);
  }

  /** Staff move an enquiry on or give it to a colleague; the status change reaches the customer's timeline. */
  async update(actor: Pick<Actor, 'orgId' | 'userId'>, id: string, patch: EnquiryPatch): Promise<Enquiry> {
    await this.db.transaction(async (tx) => {
      const before = await repo.findEnquiry(tx, actor.orgId, id, true);
      if (!before) throw notFound('Enquiry');
      if (patch.assigneeId && !(await repo.staffMember(tx, actor.orgId, patch.assigneeId)))
        throw badField('assigneeId', 'No such staff member in this organization');
      const status = patch.status !== undefined && patch.status !== before.status ? { before: before.status, after: patch.status } : undefined;
      const assigneeChanged = patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId;
      if (!status && !assigneeChanged) return;
      await repo.updateEnquiry(tx, actor.orgId, id, {
        ...(status ? { status: status.after } : {}),
        ...(assigneeChanged ? { assigneeId: patch.assigneeId ?? null } : {}),
      });
      await writeEvent(tx, { orgId: actor.orgId, name: 'enquiry.updated', payload: { enquiryId: id, userId: actor.userId, status, assigneeChanged } });
      await insertAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.userId,
        entityType: 'enquiry',
        entityId: id,
        action: 'updated',
        changes: {
          ...(status ? { status } : {}),
          ...(assigneeChanged ? { assigneeId: { before: before.assigneeId, after: patch.assigneeId ?? null } } : {}),
        },
      });
    });
    return this.get(actor.orgId, id);
  }

  private phoneOf(org: Organization, raw: string | undefined, fieldName = 'phone') {
    if (raw === undefined) return undefined;
    const phone = normalizePhone(raw, org.defaultCountry);
    if (!phone) throw badField(fieldName, `"${raw}" is not a valid phone number: include the country code, e.g. +44 20 7946 0958`);
    return phone;
  }

  private async org(slug: string): Promise<Organization> {
    const org = await findOrganizationBySlug(this.db, slug);
    if (!org) throw notFound('Venue');
    return org;
  }
}
