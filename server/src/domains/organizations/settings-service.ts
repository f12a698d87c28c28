import type { Db } from '../../platform/db/connect.ts';
import { writeEvent } from '../../platform/outbox.ts';
import * as repo from './settings-repository.ts';
import { found } from '../customers/directory-audit.ts';

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
  update(orgId: string, patch: Partial<repo.Settings>): Promise<repo.Settings> {
    if (Object.keys(patch).length === 0) return this.get(orgId);
    return this.db.transaction(async (tx) => {
      const settings = await found(repo.updateSettings(tx, orgId, patch), 'Organization');
      // Sessions carry the organization's country: every node drops the ones it cached.
      await writeEvent(tx, { orgId, name: 'organization.settings.changed', payload: {} });
      return settings;
    });
  }
}
