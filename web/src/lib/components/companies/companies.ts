import { CompanyCreateSchema, fieldIssues, type CustomerListItem } from '@foyer/schema/validation';
import { toFieldErrors, type FieldErrors } from '$lib/issues';

/** `acme.com, @Acme.co.uk  beta.io` → `['acme.com', '@Acme.co.uk', 'beta.io']` (the schema normalizes each). */
export function splitDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}

/**
 * Checks the New company form with the shared CompanyCreateSchema. A bad domain's message names
 * it, since they share one input: `“acme”: Not a domain: write it like acme.com`.
 */
export function validateCompany(
  name: string,
  domainsText: string,
): { ok: true; body: { name: string; domains: string[] } } | { ok: false; errors: FieldErrors } {
  const domains = splitDomains(domainsText);
  const parsed = CompanyCreateSchema.safeParse({ name, domains });
  if (parsed.success) return { ok: true, body: { name: parsed.data.name, domains: parsed.data.domains ?? [] } };
  return { ok: false, errors: companyErrors(fieldIssues(parsed.error), domains) };
}

/** Issues on `domains.<i>` go to the one domains input, naming the domain. */
export function companyErrors(issues: { field: string; message: string }[], domains: string[]): FieldErrors {
  return toFieldErrors(
    issues.map((i) => {
      const m = /^domains\.(\d+)$/.exec(i.field);
      return m ? { field: 'domains', message: `“${domains[Number(m[1])] ?? ''}”: ${i.message}` } : i;
    }),
  );
}

/** The part of an email after `@`, lowercased. */
export const emailDomain = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** The company domain one of the customer's emails matches (how a domain link came about). */
export function matchingDomain(emails: { address: string }[], domains: string[]): string | null {
  const set = new Set(domains.map((d) => d.toLowerCase()));
  for (const e of emails) if (set.has(emailDomain(e.address))) return emailDomain(e.address);
  return null;
}

/**
 * How a person on a company's list is linked. The server names the domain that made a domain link
 * (`linkedDomain`, which may be a second email's); without it, a primary email at one of the
 * company's domains is taken as the link.
 */
export function linkedVia(
  person: Pick<CustomerListItem, 'primaryEmail'> & { linkedBy?: 'domain' | 'manual'; linkedDomain?: string | null },
  domains: string[],
): { by: 'domain' | 'manual'; domain: string | null } {
  const at = person.primaryEmail ? emailDomain(person.primaryEmail) : null;
  const domain = person.linkedDomain ?? (at && domains.includes(at) ? at : null);
  if (person.linkedBy) return { by: person.linkedBy, domain: person.linkedBy === 'domain' ? domain : null };
  return domain ? { by: 'domain', domain } : { by: 'manual', domain: null };
}
