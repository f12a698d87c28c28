import type { Tag } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { invalid } from '../../platform/errors.ts';
import * as repo from './repository.ts';
import { found, nameConflict, recordChange, type DirectoryActor } from '../customers/directory-audit.ts';

const auditView = (t: repo.TagRow) => ({ name: t.name, color: t.color });

/** T1: built-in and custom tags. Built-in ones keep their names (staff and reports rely on them). */
export class TagService {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<{ items: Tag[] }> {
    return { items: await repo.listTags(this.db, orgId) };
  }

  async create(actor: DirectoryActor, input: { name: string; color: string }): Promise<Tag> {
    try {
      return await this.db.transaction(async (tx) => {
        const id = await repo.insertTag(tx, actor.orgId, input);
        const created = await found(repo.findTag(tx, actor.orgId, id), 'Tag');
        await recordChange(tx, actor, { type: 'tag', id }, null, auditView(created));
        return created;
      });
    } catch (error) {
      throw nameConflict(error, 'tags_org_name_idx', 'tag', input.name);
    }
  }

  /** A built-in tag may change its color, never its name. */
  async update(actor: DirectoryActor, id: string, patch: { name?: string; color?: string }): Promise<Tag> {
    try {
      return await this.db.transaction(async (tx) => {
        const before = await found(repo.findTag(tx, actor.orgId, id), 'Tag');
        if (before.builtin && patch.name !== undefined && patch.name !== before.name)
          throw invalid(`"${before.name}" is a built-in tag: its name cannot change`, [{ field: 'name', message: 'A built-in tag keeps its name' }]);
        if (Object.keys(patch).length) await repo.updateTag(tx, actor.orgId, id, patch);
        const after = await found(repo.findTag(tx, actor.orgId, id), 'Tag');
        await recordChange(tx, actor, { type: 'tag', id }, auditView(before), auditView(after));
        return after;
      });
    } catch (error) {
      throw nameConflict(error, 'tags_org_name_idx', 'tag', patch.name ?? '');
    }
  }

  /** Custom tags only; customers lose the tag. */
  async delete(actor: DirectoryActor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await found(repo.findTag(tx, actor.orgId, id), 'Tag');
      if (before.builtin) throw invalid(`"${before.name}" is a built-in tag and cannot be deleted`);
      await repo.deleteTag(tx, actor.orgId, id);
      await recordChange(tx, actor, { type: 'tag', id }, auditView(before), null);
    });
  }
}
