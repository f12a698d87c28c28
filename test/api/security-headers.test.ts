import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

let foyer: TestFoyer;
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(() => foyer?.close());

const noFraming = (res: Response) => {
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
};

describe('security headers', () => {
  it('no response may be framed, and API JSON is never stored by a cache', async () => {
    const staff = await foyer.signIn();
    const customers = await fetch(`${foyer.url}/api/customers`, { headers: { cookie: staff.cookie! } });
    expect(customers.status).toBe(200);
    noFraming(customers);
    expect(customers.headers.get('cache-control')).toBe('no-store');

    // Errors and unknown routes too.
    const anonymous = await fetch(`${foyer.url}/api/customers`);
    expect(anonymous.status).toBe(401);
    noFraming(anonymous);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    const missing = await fetch(`${foyer.url}/api/no-such-thing`);
    expect(missing.status).toBe(404);
    noFraming(missing);
    expect(missing.headers.get('cache-control')).toBe('no-store');

    // The UI (built or not).
    noFraming(await fetch(`${foyer.url}/`));
    noFraming(await fetch(`${foyer.url}/login`));
  });
});
