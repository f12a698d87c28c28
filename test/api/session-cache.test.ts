import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER, startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';
import { until } from '../support/sockets.ts';

/**
 * The session cache (server/src/domains/auth/session-cache.ts): an API request does not read its
 * session from the database each time, and what ends or changes a session still applies at once,
 * on the node where it happened and on every other.
 */

/** The cache's time to live (SessionCache's default): only a change made behind the application's back waits for it. */
const CACHE_TTL_MS = 5_000;

describe('the session cache on two nodes sharing PostgreSQL', () => {
  let database: Database;
  let nodeA: FoyerProcess;
  let nodeB: FoyerProcess;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    database = connect(databaseUrl);
    // One after the other: the first migrates and creates the demo organization.
    nodeA = await spawnFoyer({ DATABASE_URL: databaseUrl });
    nodeB = await spawnFoyer({ DATABASE_URL: databaseUrl });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await database?.close();
  });

  /** Signed in on node A; the same cookie, as a second tab would send it, to node B. */
  const signInOnA = async () => {
    const onA = new ApiClient(nodeA.url);
    await onA.login(OWNER.email, OWNER.password);
    const onB = new ApiClient(nodeB.url);
    onB.cookie = onA.cookie;
    return { onA, onB };
  };
  const listStatus = async (client: ApiClient) => (await client.get('/api/customers?pageSize=1')).status;

  it('serves a session from the cache: a session deleted behind the application’s back lives on until the cache lets it go', async () => {
    const { onB } = await signInOnA();
    expect(await listStatus(onB)).toBe(200);
    await database.pool.query(`delete from sessions where user_id = (select id from users where email = $1) and created_at > now() - interval '1 minute'`, [
      OWNER.email,
    ]);
    // Served from node B's cache: no statement asked the database.
    expect(await listStatus(onB)).toBe(200);
    await until(async () => (await listStatus(onB)) === 401, CACHE_TTL_MS * 3, 'the cached session to expire');
  });

  it('ends a session signed out on one node on the other at once, well before the cache would let it go', async () => {
    const { onA, onB } = await signInOnA();
    expect(await listStatus(onB)).toBe(200);
    const cachedAt = Date.now();
    expect(await listStatus(onB)).toBe(200);
    expect((await onA.post('/api/auth/logout')).status).toBe(204);
    // The sign-out reaches node B through the outbox within milliseconds; the cache's own expiry
    // would take CACHE_TTL_MS from cachedAt.
    await until(async () => (await listStatus(onB)) === 401, cachedAt + CACHE_TTL_MS - 1_000 - Date.now(), 'node B to refuse the signed-out session');
    expect(await listStatus(onA)).toBe(401);
  });
});

describe('the session cache on one node', () => {
  let foyer: TestFoyer;
  beforeAll(async () => {
    foyer = await startTestFoyer();
  });
  afterAll(() => foyer?.close());

  it('refuses a signed-out session on the very next request', async () => {
    const staff = await foyer.signIn();
    const copy = foyer.client();
    copy.cookie = staff.cookie;
    expect((await copy.get('/api/customers?pageSize=1')).status).toBe(200);
    expect((await staff.post('/api/auth/logout')).status).toBe(204);
    expect((await copy.get('/api/customers?pageSize=1')).status).toBe(401);
  });

  it('applies a new default country to the very next request of a signed-in session', async () => {
    const owner = await foyer.signIn();
    const phone = '06 12 34 56 78';
    // Cached with the organization's country, GB, in which this is not a valid number.
    expect((await owner.post('/api/customers', { firstName: 'Gabrielle', phones: [phone] })).status).toBe(400);
    expect((await owner.patch('/api/settings', { defaultCountry: 'FR' })).status).toBe(200);
    const created = await owner.post('/api/customers', { firstName: 'Gabrielle', phones: [phone] });
    expect(created.status).toBe(201);
    expect(created.body.phones[0].e164).toBe('+33612345678');
  });
});
