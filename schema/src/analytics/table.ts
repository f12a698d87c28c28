import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgRef } from '../platform/columns.ts';

/**
 * A2: the customer-value models fitted for an organization, one row per model per fit (a fit is
 * the rows of one `fitId`): BG/NBD and Pareto/NBD for purchases (`chosen` marks the one with the
 * higher log-likelihood) and Gamma-Gamma for spend. A model that could not be fitted keeps the
 * reason in `cannot_fit` and no parameters. Parameters are by name (r, alpha, a, b …), times in
 * weeks, spend in the currency's minor units.
 */
export const clvModelFits = pgTable(
  'clv_model_fits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgRef(),
    fitId: uuid('fit_id').notNull(),
    model: text('model', { enum: ['bgnbd', 'pareto-nbd', 'gamma-gamma'] }).notNull(),
    chosen: boolean('chosen').notNull().default(false),
    params: jsonb('params').$type<Record<string, number>>(),
    standardErrors: jsonb('standard_errors').$type<Record<string, number>>(),
    logLikelihood: doublePrecision('log_likelihood'),
    /** Customers the model saw (repeat buyers with a value, for Gamma-Gamma). */
    customers: integer('customers').notNull(),
    cannotFit: text('cannot_fit'),
    /** Model-specific figures: the spend/frequency correlation of Gamma-Gamma, evaluations, time taken. */
    details: jsonb('details').$type<Record<string, number>>().notNull().default({}),
    calibrationEnd: date('calibration_end').notNull(),
    fittedAt: timestamp('fitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('clv_model_fits_org_fitted_idx').on(t.orgId, t.fittedAt)],
);
