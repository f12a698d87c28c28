import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { addUser, bootstrapDemo } from '@foyer/server/domains/organizations/service.ts';
import { connect } from '@foyer/server/platform/db/connect.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER, startTestFoyer, type TestFoyer } from '../support/foyer.ts';

let foyer: TestFoyer;
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(() => foyer?.close());

/** A login sent from `localAddress` (127.0.0.2, 127.0.0.3…: a different client address each). */
function loginFrom(
  baseUrl: string,
  localAddress: string,
  body: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/api/auth/login`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('staff sign-in', () => {
  it('signs the demo owner in with an HttpOnly, SameSite=Lax session cookie', async () => {
    const client = foyer.client();
    const res = await client.post('/api/auth/login', OWNER);
    expect(res.status).toBe(200);
    expect(res.body.organization.name).toBe('Demo Venue');
    expect(res.body.user.role).toBe('owner');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^foyer_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await client.get('/api/auth/me')).body.user.email).toBe(OWNER.email);
  });

  it('accepts the email in any case', async () => {
    const res = await foyer.client().post('/api/auth/login', { ...OWNER, email: OWNER.email.toUpperCase() });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const wrong = await foyer.client().post('/api/auth/login', { email: OWNER.email, password: 'nope' });
    const unknown = await foyer.client().post('/api/auth/login', { email: 'nobody@x.test', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    // Alike but for the id each request has.
    expect(wrong.body).toEqual({ error: { ...unknown.body.error, requestId: expect.any(String) } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('names the field when the login body is incomplete', async () => {
    const res = await foyer.client().post('/api/auth/login', { email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field).sort()).toEqual(['email', 'password']);
  });

  it('rate-limits repeated failures for one account, even with the right password after', async () => {
    const client = await foyer.signIn();
    const email = client.email;
    for (let i = 0; i < 10; i++) expect((await foyer.client().post('/api/auth/login', { email, password: `guess ${i}` })).status).toBe(401);
    const blocked = await foyer.client().post('/api/auth/login', { email, password: 'a long enough password' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.error.message).toMatch(/Too many sign-in attempts/);
  });

  it('an attacker guessing from one address cannot lock the owner out of their own', async () => {
    const { email } = await foyer.signIn();
    const attacker = '127.0.0.2';
    for (let i = 0; i < 10; i++) expect((await loginFrom(foyer.url, attacker, { email, password: `guess ${i}` })).status).toBe(401);
    const refused = await loginFrom(foyer.url, attacker, { email, password: `guess 10` });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await loginFrom(foyer.url, '127.0.0.3', { email, password: 'a long enough password' })).status).toBe(200);
    // The attacker's address stays refused, even with the right password.
    expect((await loginFrom(foyer.url, attacker, { email, password: 'a long enough password' })).status).toBe(429);
  });

  it('still stops guessing spread over many addresses: a per-account backstop of 100 failures', async () => {
    const { email } = await foyer.signIn();
    for (let a = 1; a <= 10; a++) {
      for (let i = 0; i < 10; i++) expect((await loginFrom(foyer.url, `127.0.1.${a}`, { email, password: `guess ${a}.${i}` })).status).toBe(401);
    }
    const refused = await loginFrom(foyer.url, '127.0.1.11', { email, password: 'a long enough password' });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  });

  it('limits one address guessing across many accounts (credential stuffing)', async () => {
    const stuffer = '127.0.0.4';
    for (let i = 0; i < 50; i++) expect((await loginFrom(foyer.url, stuffer, { email: `victim${i}@x.test`, password: 'password1' })).status).toBe(401);
    const refused = await loginFrom(foyer.url, stuffer, { email: 'victim50@x.test', password: 'password1' });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  });

  it('ends the session on logout: the old cookie no longer works', async () => {
    const client = await foyer.signIn();
    const cookie = client.cookie;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    const stale = foyer.client();
    stale.cookie = cookie;
    expect((await stale.get('/api/customers')).status).toBe(401);
  });

  it('answers 401 without a session and with a forged cookie', async () => {
    expect((await foyer.client().get('/api/customers')).status).toBe(401);
    const forged = foyer.client();
    forged.cookie = 'foyer_session=forged-token-value';
    const res = await forged.get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('refuses a mutating request from a foreign Origin and accepts its own', async () => {
    const client = await foyer.signIn();
    const body = { firstName: 'Ada', lastName: 'Lovelace' };
    const foreign = await client.post('/api/customers', body, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('foreign_origin');
    const crossSite = await client.post('/api/customers', body, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await client.get('/api/customers')).body.total).toBe(0);
    const own = await client.post('/api/customers', body, { origin: foyer.url });
    expect(own.status).toBe(201);
  });

  it('serves an OpenAPI document describing the customer routes', async () => {
    const res = await foyer.client().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/customers', '/api/customers/{ref}']));
    expect(res.body.components.schemas.CustomerCreate).toBeDefined();
  });
});

describe('client address behind a load balancer (TRUST_PROXY)', () => {
  it('without TRUST_PROXY ignores X-Forwarded-For: a new header each try does not escape the limit', async () => {
    const { email } = await foyer.signIn();
    for (let i = 0; i < 10; i++) {
      const res = await loginFrom(foyer.url, '127.0.0.5', { email, password: `guess ${i}` }, { 'x-forwarded-for': `203.0.113.${i}` });
      expect(res.status).toBe(401);
    }
    const refused = await loginFrom(foyer.url, '127.0.0.5', { email, password: 'guess' }, { 'x-forwarded-for': '203.0.113.99' });
    expect(refused.status).toBe(429);
  });

  it('with TRUST_PROXY limits the client the proxy names, not the proxy', async () => {
    const behind = await startTestFoyer({ env: { TRUST_PROXY: '1' } });
    try {
      const { email } = await behind.signIn();
      const lb = '127.0.0.6'; // every request comes through the one load balancer
      const attacker = { 'x-forwarded-for': '203.0.113.7' };
      for (let i = 0; i < 10; i++) expect((await loginFrom(behind.url, lb, { email, password: `guess ${i}` }, attacker)).status).toBe(401);
      const refused = await loginFrom(behind.url, lb, { email, password: 'guess' }, attacker);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      // The owner through the same load balancer, from their own address, signs in.
      const owner = await loginFrom(behind.url, lb, { email, password: 'a long enough password' }, { 'x-forwarded-for': '198.51.100.9' });
      expect(owner.status).toBe(200);
      // Forging an entry to the left does not help the attacker: the balancer's own entry is read.
      const forged = await loginFrom(behind.url, lb, { email, password: 'guess' }, { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' });
      expect(forged.status).toBe(429);
    } finally {
      await behind.close();
    }
  });
});

describe('setting a password', () => {
  it('refuses a common one and one containing the email, naming the rule (CLI users add / orgs add go through addUser)', async () => {
    const { orgId } = await foyer.signIn();
    const db = foyer.database.db;
    await expect(addUser(db, orgId, { email: 'weak@venue.test', password: 'Password123!', role: 'staff' })).rejects.toThrow(/most common passwords/);
    await expect(addUser(db, orgId, { email: 'grace.hopper@venue.test', password: 'grace.hopper rocks', role: 'staff' })).rejects.toThrow(
      /must not contain your email address or its name part/,
    );
    expect((await addUser(db, orgId, { email: 'grace@venue.test', password: 'violet piano harbour', role: 'staff' })).email).toBe('grace@venue.test');
  });

  it('refuses a common FOYER_ADMIN_PASSWORD on first start, naming the setting', async () => {
    const database = connect(await createTestDatabase(), 1);
    try {
      await expect(bootstrapDemo(database.db, { email: 'boss@venue.test', password: 'qwerty12345' })).rejects.toThrow(
        /^FOYER_ADMIN_PASSWORD: .*most common passwords/,
      );
    } finally {
      await database.close();
    }
  });
});
