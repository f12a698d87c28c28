import { describe, expect, it } from 'vitest';
import { linkedVia, splitDomains, validateCompany } from './companies';

describe('companies', () => {
  it('splits the domains input on commas and spaces', () => {
    expect(splitDomains(' acme.com,@Acme.co.uk  beta.io;')).toEqual(['acme.com', '@Acme.co.uk', 'beta.io']);
  });

  it('normalizes domains with the shared schema and names a bad one', () => {
    expect(validateCompany(' Acme ', 'ACME.com, @acme.co.uk')).toEqual({ ok: true, body: { name: 'Acme', domains: ['acme.com', 'acme.co.uk'] } });
    const r = validateCompany('', 'acme');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.name).toBe('A company needs a name');
      expect(r.errors.domains).toBe('“acme”: Not a domain: write it like acme.com');
    }
  });

  it('tells a domain link from a manual one', () => {
    expect(linkedVia({ primaryEmail: 'ada@Acme.com' }, ['acme.com'])).toEqual({ by: 'domain', domain: 'acme.com' });
    expect(linkedVia({ primaryEmail: 'ada@gmail.com' }, ['acme.com'])).toEqual({ by: 'manual', domain: null });
    expect(linkedVia({ primaryEmail: 'ada@acme.com', linkedBy: 'manual' }, ['acme.com'])).toEqual({ by: 'manual', domain: null });
    // Linked by a second email: the server names the domain, which the primary email does not show.
    expect(linkedVia({ primaryEmail: 'ada@gmail.com', linkedBy: 'domain', linkedDomain: 'acme.com' }, ['acme.com'])).toEqual({
      by: 'domain',
      domain: 'acme.com',
    });
  });
});
