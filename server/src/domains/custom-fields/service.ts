import type { CustomField } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, uniqueViolation } from '../../platform/errors.ts';
import { loadFieldDefinitions } from './customer-repository.ts';
import * as repo from './repository.ts';
import { found, recordChange, type DirectoryActor } from '../customers/directory-audit.ts';

const toCustomFieldDto = (f: repo.CustomFieldRow): CustomField => ({
  id: f.id,
  key: f.key,
  label: f.label,
  type: f.type,
  options: f.options,
  position: f.position,
});

const auditView = ({ key, label, type, options, position }: repo.CustomFieldRow) => ({ key, label, type, options, position });

/**
 * The key a label gives when none is chosen: its slug with underscores, starting with a letter as
 * filters (`cf.<key>`) need ("Favourite drink" → favourite_drink, "2nd visit" → field_2nd_visit).
 */
export function keyFromLabel(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  const key = /^[a-z]/.test(slug) ? slug : `field_${slug}`;
  return key.slice(0, 50).replace(/_+$/, '');
}

/** T2: the organization's own customer fields. A field's type never changes: values are stored by type. */
export class CustomFieldService {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<{ items: CustomField[] }> {
    return { items: (await loadFieldDefinitions(this.db, orgId)).map(toCustomFieldDto) };
  }

  async create(actor: DirectoryActor, input: { label: string; type: CustomField['type']; key?: string; options?: string[] }): Promise<CustomField> {
    const key = input.key ?? keyFromLabel(input.label);
    try {
      return await this.db.transaction(async (tx) => {
        const created = await repo.insertCustomField(tx, actor.orgId, { ...input, key });
        await recordChange(tx, actor, { type: 'custom_field', id: created.id }, null, auditView(created));
        return toCustomFieldDto(created);
      });
    } catch (error) {
      if (uniqueViolation(error) !== 'custom_fields_org_key_idx') throw error;
      const message = `A custom field with the key "${key}" already exists${input.key ? '' : ' (made from its label); choose a key'}`;
      throw new AppError(409, 'custom_field_key_taken', message, [{ field: 'key', message }]);
    }
  }

  /** Changing a choice field's options leaves values already given as they are. */
  async update(actor: DirectoryActor, id: string, patch: { label?: string; options?: string[]; position?: number }): Promise<CustomField> {
    return this.db.transaction(async (tx) => {
      const before = await found(repo.findCustomField(tx, actor.orgId, id), 'Custom field');
      if (patch.options && before.type !== 'choice')
        throw invalid('Only a choice field has options', [{ field: 'options', message: `${before.label} is a ${before.type} field` }]);
      if (Object.keys(patch).length === 0) return toCustomFieldDto(before);
      const after = (await repo.updateCustomField(tx, actor.orgId, id, patch))!;
      await recordChange(tx, actor, { type: 'custom_field', id }, auditView(before), auditView(after));
      return toCustomFieldDto(after);
    });
  }

  async delete(actor: DirectoryActor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await found(repo.findCustomField(tx, actor.orgId, id), 'Custom field');
      await repo.deleteCustomField(tx, actor.orgId, id);
      await recordChange(tx, actor, { type: 'custom_field', id }, auditView(before), null);
    });
  }
}
