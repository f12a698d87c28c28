import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClvModel } from '@foyer/schema/validation';
import { clvFitJob } from '@foyer/server/domains/analytics/jobs.ts';
import { readCdnowSample } from '@foyer/server/domains/analytics/models/cdnow-data.ts';
import { connect, type Database } from '@foyer/server/platform/db/connect.ts';
import { enqueue, getJobRun } from '@foyer/server/platform/jobs.ts';
import { createTestDatabase } from '../support/db.ts';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';
import { until } from '../support/sockets.ts';

/**
 * The clv.fit job end to end: purchases in PostgreSQL (the CDNOW sample, through the
 * `clv_purchases` view the orders domain will define; here it points at a table of this test),
 * summarised in SQL, fitted, stored, and read back through GET /api/analytics/model.
 */
let database: Database;
let foyer: TestFoyer;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  database = connect(databaseUrl, 2);
  foyer = await startTestFoyer({ databaseUrl });
  await database.pool.query('create table test_purchases (org_id uuid not null, customer_id uuid not null, day date not null, value_minor bigint not null)');
  await database.pool.query('create or replace view clv_purchases as select org_id, customer_id, day, value_minor from test_purchases');
});
afterAll(async () => {
  await foyer?.close();
  await database?.close();
});

const fitNow = async (orgId: string, calibrationEnd?: string) => {
  const { id } = await enqueue(database.db, clvFitJob, { orgId, payload: calibrationEnd ? { calibrationEnd } : {} });
  return until(
    async () => {
      const run = await getJobRun(database.db, orgId, id);
      return (run?.status === 'succeeded' || run?.status === 'failed') && run;
    },
    120_000,
    `clv.fit ${id} finished`,
  );
};

describe('clv.fit and GET /api/analytics/model', { timeout: 180_000 }, () => {
  it("fits the CDNOW sample from the database to the published estimates, and shows the fit to the organization's managers only", async () => {
    const owner = await foyer.signIn();
    const before = await owner.get('/api/analytics/model');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ fit: null });

    const sample = readCdnowSample();
    await database.pool.query(
      `insert into test_purchases
       select $1::uuid, md5(c::text)::uuid, to_date(d, 'YYYYMMDD'), round(v * 100)::bigint
       from unnest($2::int[], $3::text[], $4::float8[]) as t(c, d, v)`,
      [owner.orgId, sample.map((t) => t.customer), sample.map((t) => t.yyyymmdd), sample.map((t) => t.value)],
    );
    const run = await fitNow(owner.orgId, '1997-09-30');
    expect(run).toMatchObject({ status: 'succeeded', result: { chosen: 'bgnbd', customers: 2357 } });

    const got = await owner.get('/api/analytics/model');
    expect(got.status).toBe(200);
    const { fit } = got.body as ClvModel;
    expect(fit).toMatchObject({ calibrationEnd: '1997-09-30', timeUnit: 'week' });
    const byModel = Object.fromEntries(fit!.models.map((m) => [m.model, m]));
    const fixed = (m: string, digits: number, scale: Record<string, number> = {}) =>
      Object.fromEntries(Object.entries(byModel[m]!.params!).map(([k, v]) => [k, (v / (scale[k] ?? 1)).toFixed(digits)]));
    expect(byModel.bgnbd).toMatchObject({ chosen: true, customers: 2357, cannotFit: null });
    expect(fixed('bgnbd', 3)).toEqual({ r: '0.243', alpha: '4.414', a: '0.793', b: '2.426' });
    expect(byModel.bgnbd!.logLikelihood!.toFixed(1)).toBe('-9582.4');
    expect(byModel['pareto-nbd']).toMatchObject({ chosen: false, customers: 2357 });
    expect(fixed('pareto-nbd', 3)).toEqual({ r: '0.553', alpha: '10.578', s: '0.606', beta: '11.669' });
    expect(byModel['pareto-nbd']!.logLikelihood!.toFixed(1)).toBe('-9595.0');
    // Spend is stored in minor units (cents): γ is 100 times the published dollars.
    expect(byModel['gamma-gamma']).toMatchObject({ chosen: false, customers: 946 });
    expect(fixed('gamma-gamma', 2, { gamma: 100 })).toEqual({ p: '6.25', q: '3.74', gamma: '15.44' });
    expect(byModel['gamma-gamma']!.details.spendFrequencyCorrelation).toBeCloseTo(0.11, 2);
    for (const m of fit!.models) expect(Object.keys(m.standardErrors!)).toEqual(Object.keys(m.params!));

    const frontDesk = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
    expect((await frontDesk.get('/api/analytics/model')).status).toBe(403);
    const manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
    expect((await manager.get('/api/analytics/model')).body).toEqual(got.body);
    const otherVenue = await foyer.signIn();
    expect((await otherVenue.get('/api/analytics/model')).body).toEqual({ fit: null });
  });

  it('stores why each model cannot be fitted for an organization with no purchases, and one with only one-time buyers', async () => {
    const empty = await foyer.signIn();
    expect(await fitNow(empty.orgId)).toMatchObject({ status: 'succeeded', result: { chosen: null, customers: 0 } });
    const none = (await empty.get('/api/analytics/model')).body as ClvModel;
    expect(none.fit!.models.map((m) => [m.model, m.params, m.cannotFit])).toEqual([
      ['bgnbd', null, 'cannot fit: there are no customers with a purchase'],
      ['gamma-gamma', null, 'cannot fit spend: no customer has a repeat purchase with a value'],
      ['pareto-nbd', null, 'cannot fit: there are no customers with a purchase'],
    ]);

    const once = await foyer.signIn();
    await database.pool.query(
      `insert into test_purchases select $1::uuid, gen_random_uuid(), date '2026-01-01' + (i % 300), 2500 from generate_series(1, 500) i`,
      [once.orgId],
    );
    await fitNow(once.orgId, '2026-12-01');
    const oneTime = (await once.get('/api/analytics/model')).body as ClvModel;
    const bgnbd = oneTime.fit!.models.find((m) => m.model === 'bgnbd')!;
    expect(bgnbd).toMatchObject({ params: null, logLikelihood: null, customers: 500, chosen: false });
    expect(bgnbd.cannotFit).toMatch(/^cannot fit: every customer bought once/);
  });
});
