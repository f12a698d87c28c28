import type { ClvModel } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { latestFit } from './repository.ts';

/** A2: what staff read about the fitted customer-value models. */
export class AnalyticsService {
  constructor(private readonly db: Db) {}

  /** The organization's last fit, or `{ fit: null }` before the first. */
  async lastModel(orgId: string): Promise<ClvModel> {
    const rows = await latestFit(this.db, orgId);
    const first = rows[0];
    if (!first) return { fit: null };
    return {
      fit: {
        fittedAt: first.fittedAt.toISOString(),
        calibrationEnd: first.calibrationEnd,
        timeUnit: 'week',
        models: rows.map((r) => ({
          model: r.model,
          chosen: r.chosen,
          params: r.params,
          standardErrors: r.standardErrors,
          logLikelihood: r.logLikelihood,
          customers: r.customers,
          cannotFit: r.cannotFit,
          details: r.details,
        })),
      },
    };
  }
}
