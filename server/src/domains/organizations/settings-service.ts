import type { Db } from '../../platform/db/connect.ts';
import { writeEvent } from '../../platform/outbox.ts';
import * as repo from './settings-repository.ts';
import { found } from '../customers/directory-audit.ts';
import { invalid } from '../../platform/errors.ts';

/** An organization's settings for its customer directory (T1's tag cap, the phone country). */
export class SettingsService {
  constructor(private readonly db: Db) {}

  get(orgId: string): Promise<repo.Settings> {
    return found(repo.findSettings(this.db, orgId), 'Organization');
  }

  /**
   * Lowering the tag cap below what some customers already carry is allowed: their tags stay
   * (taking them away would lose information nobody asked to lose); only new additions past the
   * cap are refused, so those customers drift down to it as staff edit them.
   */
  async update(orgId: string, patch: Partial<repo.Settings>): Promise<repo.Settings> {
    if (Object.keys(patch).length === 0) return this.get(orgId);
    const now = await this.get(orgId);
    const next = { ...now, ...patch };
    if (next.lifecycleChurnedDays <= next.lifecycleAtRiskDays) {
      const field = patch.lifecycleChurnedDays !== undefined ? 'lifecycleChurnedDays' : 'lifecycleAtRiskDays';
      const message = `Churned comes after At-Risk: the churn days (${next.lifecycleChurnedDays}) must be more than the At-Risk days (${next.lifecycleAtRiskDays})`;
      throw invalid(message, [{ field, message }]);
    }
    // The default currency is accepted by definition: the list keeps the others, once each.
    if (patch.acceptedCurrencies || patch.defaultCurrency)
      patch = { ...patch, acceptedCurrencies: [...new Set(next.acceptedCurrencies)].filter((c) => c !== next.defaultCurrency) };
    const fields = Object.keys(patch);
    return this.db.transaction(async (tx) => {
      const saved = await found(repo.updateSettings(tx, orgId, patch), 'Organization');
      // The lifecycle thresholds and the currency decide every customer's figures: the orders domain recomputes them.
      await writeEvent(tx, { orgId, name: 'settings.changed', payload: { fields } });
      return saved;
    });
  }
}
