import type { Company, CompanyMemberPage, CustomerQuery } from '@foyer/schema/validation';
import { concurrently, type Db, type DbOrTx } from '../../platform/db/connect.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import * as repo from './repository.ts';
import { linksOf, syncDomainLinks } from './customer-repository.ts';
import { findCustomerPage, loadCustomerListItems } from '../customers/list-repository.ts';
import { findCustomerIdByRef } from '../customers/repository.ts';
import { found, nameConflict, recordChange, type DirectoryActor } from '../customers/directory-audit.ts';

const toCompanyDto = (c: repo.CompanyRow): Company => ({
  id: c.id,
  name: c.name,
  domains: c.domains,
  customerCount: c.customerCount,
  createdAt: c.createdAt.toISOString(),
});

/** What the audit log keeps of a company; its customer count is not the company's own change. */
const auditView = (c: repo.CompanyRow) => ({ name: c.name, domains: c.domains });

/** Co1, Co2: companies, their email domains, and which customers belong to them. */
export class CompanyService {
  constructor(private readonly db: Db) {}

  async list(orgId: string, q?: string): Promise<{ items: Company[] }> {
    return { items: (await repo.listCompanies(this.db, orgId, q)).map(toCompanyDto) };
  }

  async get(orgId: string, id: string): Promise<Company> {
    return toCompanyDto(await this.load(this.db, orgId, id));
  }

  /** Customers whose email is at one of the new company's domains are linked at once (Co2). */
  async create(actor: DirectoryActor, input: { name: string; domains?: string[] }): Promise<Company> {
    try {
      return await this.db.transaction(async (tx) => {
        const id = await repo.insertCompany(tx, actor.orgId, input.name);
        await this.claimDomains(tx, actor.orgId, id, input.domains ?? [], (i) => `domains.${i}`);
        await syncDomainLinks(tx, actor.orgId, { companyId: id });
        const created = await this.load(tx, actor.orgId, id);
        await recordChange(tx, actor, { type: 'company', id }, null, auditView(created));
        return toCompanyDto(created);
      });
    } catch (error) {
      throw nameConflict(error, 'companies_org_name_idx', 'company', input.name);
    }
  }

  async rename(actor: DirectoryActor, id: string, name: string): Promise<Company> {
    try {
      const { company } = await this.changeCompany(actor, id, async (tx) => {
        await repo.renameCompany(tx, actor.orgId, id, name);
        return {};
      });
      return company;
    } catch (error) {
      throw nameConflict(error, 'companies_org_name_idx', 'company', name);
    }
  }

  /** Its domains and links go with it; the customers stay. */
  async delete(actor: DirectoryActor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await repo.lockCompany(tx, actor.orgId, id))) throw notFound('Company');
      const before = await this.load(tx, actor.orgId, id);
      await repo.deleteCompany(tx, actor.orgId, id);
      await recordChange(tx, actor, { type: 'company', id }, auditView(before), null);
    });
  }

  /** Adds a domain and links every customer with an email at it; adding one the company has is a no-op. */
  async addDomain(actor: DirectoryActor, id: string, domain: string): Promise<{ company: Company; linked: number }> {
    const { company, linked } = await this.changeCompany(actor, id, async (tx) => {
      await this.claimDomains(tx, actor.orgId, id, [domain], () => 'domain');
      return { linked: (await syncDomainLinks(tx, actor.orgId, { companyId: id })).linked };
    });
    return { company, linked };
  }

  /** Removes a domain; links it made go unless another domain of the company still matches. Manual links stay. */
  async removeDomain(actor: DirectoryActor, id: string, domain: string): Promise<{ company: Company; unlinked: number }> {
    const { company, unlinked } = await this.changeCompany(actor, id, async (tx, before) => {
      if (!(await repo.deleteDomain(tx, actor.orgId, id, domain))) throw new AppError(404, 'not_found', `${before.name} has no domain ${domain}`);
      return { unlinked: (await syncDomainLinks(tx, actor.orgId, { companyId: id })).unlinked };
    });
    return { company, unlinked };
  }

  /** The company's customers as list rows, newest first: the customer list filtered by this company. */
  async customers(orgId: string, id: string, page: number, pageSize: number): Promise<CompanyMemberPage> {
    await this.load(this.db, orgId, id);
    // No search and no custom field filters, so the list reads neither the fields nor a country.
    const query: CustomerQuery = { company: id, page, pageSize, tagMode: 'any', custom: {} };
    const { ids, total, totalCapped } = await findCustomerPage(this.db, orgId, query, { fields: [], country: '' });
    const [items, links] = await concurrently(this.db, [() => loadCustomerListItems(this.db, orgId, ids), () => linksOf(this.db, orgId, id, ids)]);
    return {
      items: items.map((item, i) => {
        const link = links.get(ids[i]!);
        return { ...item, linkedBy: link?.linkedBy ?? 'manual', linkedDomain: link?.domain ?? null };
      }),
      total,
      totalCapped,
    };
  }

  /** A manual link: it stays whatever the customer's emails or the company's domains become. */
  async link(orgId: string, id: string, customerRef: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const customerId = await this.lockForLink(tx, orgId, id, customerRef);
      await repo.linkManually(tx, orgId, id, customerId);
    });
  }

  /**
   * Removes the link, manual or by domain. A domain link comes back when the customer's emails or
   * the company's domains are next synchronized, as Co2 asks; to keep such a customer out for
   * good, remove the matching email or domain.
   */
  async unlink(orgId: string, id: string, customerRef: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const customerId = await this.lockForLink(tx, orgId, id, customerRef);
      if (!(await repo.unlink(tx, orgId, id, customerId))) throw new AppError(404, 'not_found', `Customer ${customerRef} is not linked to this company`);
    });
  }

  private load(db: DbOrTx, orgId: string, id: string): Promise<repo.CompanyRow> {
    return found(repo.findCompany(db, orgId, id), 'Company');
  }

  /**
   * One change to a company, in a transaction with its row locked, audited with the company
   * before and after; `change` returns what the route reports beside the company.
   */
  private async changeCompany<T extends object>(
    actor: DirectoryActor,
    id: string,
    change: (tx: DbOrTx, before: repo.CompanyRow) => Promise<T>,
  ): Promise<T & { company: Company }> {
    return this.db.transaction(async (tx) => {
      if (!(await repo.lockCompany(tx, actor.orgId, id))) throw notFound('Company');
      const before = await this.load(tx, actor.orgId, id);
      const result = await change(tx, before);
      const after = await this.load(tx, actor.orgId, id);
      await recordChange(tx, actor, { type: 'company', id }, auditView(before), auditView(after));
      return { ...result, company: toCompanyDto(after) };
    });
  }

  /** The company (locked, 404 when not the organization's) and the customer's id (404 likewise). */
  private async lockForLink(tx: DbOrTx, orgId: string, id: string, customerRef: string): Promise<string> {
    if (!(await repo.lockCompany(tx, orgId, id))) throw notFound('Company');
    const customerId = await findCustomerIdByRef(tx, orgId, customerRef);
    if (!customerId) throw notFound();
    return customerId;
  }

  /**
   * Gives domains to a company, refusing any that another company of the organization lists
   * (409 naming it). Domains are locked in sorted order, so two requests over the same domains
   * take turns instead of deadlocking.
   */
  private async claimDomains(tx: DbOrTx, orgId: string, companyId: string, domains: string[], fieldOf: (index: number) => string) {
    for (const domain of [...new Set(domains)].sort()) {
      await repo.lockDomain(tx, orgId, domain);
      const holder = await repo.findDomainHolder(tx, orgId, domain);
      if (holder && holder.id !== companyId) {
        const message = `${domain} is already a domain of the company ${holder.name}`;
        throw new AppError(409, 'domain_taken', message, [{ field: fieldOf(domains.indexOf(domain)), message }]);
      }
      await repo.insertDomain(tx, orgId, companyId, domain);
    }
  }
}
