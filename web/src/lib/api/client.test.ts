import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Customer } from '@foyer/schema/validation';
import { ApiFailure, api, urlOf, type BodyOf, type ResponseOf } from './index';

type Sent = { url: string; init: RequestInit };

/** A fetch that records what it was asked and answers `response`. */
function fakeFetch(response: () => Response): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const f = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return response();
  }) as unknown as typeof fetch;
  return { fetch: f, sent };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('urlOf', () => {
  it('fills the path parameters, encoded', () => {
    expect(urlOf('/api/companies/{id}/domains/{domain}', { path: { id: 'a b', domain: 'acme.com/x' } })).toBe('/api/companies/a%20b/domains/acme.com%2Fx');
  });

  it('writes the declared query, leaving out what is undefined', () => {
    expect(urlOf('/api/door-events', { query: { before: undefined, pageSize: 50 } })).toBe('/api/door-events?pageSize=50');
    expect(urlOf('/api/companies', { query: { q: undefined } })).toBe('/api/companies');
  });

  it('takes a raw search for a route that reads its own query', () => {
    expect(urlOf('/api/customers', { search: '?q=ada&tags=vip' })).toBe('/api/customers?q=ada&tags=vip');
    expect(urlOf('/api/customers', { search: '' })).toBe('/api/customers');
  });
});

describe('api', () => {
  it('GETs JSON with the path filled in', async () => {
    const { fetch, sent } = fakeFetch(() => json({ id: 'c1' }));
    const customer = await api.get('/api/customers/{ref}', { path: { ref: 'C-1' }, fetch });
    expect(customer).toEqual({ id: 'c1' });
    expect(sent[0]?.url).toBe('/api/customers/C-1');
    expect(sent[0]?.init).toMatchObject({ method: 'GET', credentials: 'same-origin', headers: { accept: 'application/json' } });
    expect(sent[0]?.init.body).toBeUndefined();
  });

  it('sends a mutation as same-origin JSON, with or without a body', async () => {
    const { fetch, sent } = fakeFetch(() => new Response(null, { status: 204 }));
    expect(await api.post('/api/auth/logout', { fetch })).toBeUndefined();
    await api.patch('/api/settings', { body: { timezone: 'Europe/Paris' }, fetch });
    expect(sent[0]?.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(sent[1]?.init).toMatchObject({ method: 'PATCH', body: '{"timezone":"Europe/Paris"}' });
  });

  it('sends a file as it is, with its own type', async () => {
    const { fetch, sent } = fakeFetch(() => json({}));
    const file = new Blob(['x'], { type: 'image/png' });
    await api.put('/api/customers/{ref}/photo', { path: { ref: 'c1' }, file, fetch });
    expect(sent[0]?.init.body).toBe(file);
    expect((sent[0]?.init.headers as Record<string, string>)['content-type']).toBe('image/png');
  });

  it('rejects a refusal as ApiFailure with its code and field issues', async () => {
    const { fetch } = fakeFetch(() => json({ error: { code: 'invalid', message: 'Not valid', issues: [{ field: 'name', message: 'Too long' }] } }, 400));
    const failure = await api.post('/api/tags', { body: { name: 'x', color: '#000000' }, fetch }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ status: 400, code: 'invalid', message: 'Not valid', issues: [{ field: 'name', message: 'Too long' }] });
  });

  it('rejects an unreachable server as a network ApiFailure', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof globalThis.fetch;
    await expect(api.get('/api/tags', { fetch })).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('derives what a call takes and answers from its path and method', () => {
    expectTypeOf<ResponseOf<'get', '/api/customers/{ref}'>>().toExtend<Pick<Customer, 'id' | 'customerNumber' | 'firstName'>>();
    expectTypeOf<ResponseOf<'get', '/api/customers/{ref}/history'>['items'][number]['id']>().toEqualTypeOf<number>();
    expectTypeOf<ResponseOf<'get', '/api/customers/{ref}/history'>['items'][number]['action']>().toEqualTypeOf<'created' | 'updated' | 'deleted' | 'erased'>();
    expectTypeOf<ResponseOf<'delete', '/api/tags/{id}'>>().toEqualTypeOf<undefined>();
    expectTypeOf<BodyOf<'post', '/api/companies/{id}/customers'>>().toEqualTypeOf<{ customer: string }>();
    // @ts-expect-error: a path the API does not have
    void (() => api.get('/api/nowhere'));
    // @ts-expect-error: a path parameter is required
    void (() => api.get('/api/customers/{ref}'));
    // @ts-expect-error: a field the body does not have
    void (() => api.post('/api/tags', { body: { name: 'x', colour: 'red' } }));
  });
});
