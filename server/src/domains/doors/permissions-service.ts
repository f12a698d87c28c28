import { doorPermissions } from '@foyer/schema/tables';
import { toSystemId, type DoorPermission } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import * as repo from './permissions-repository.ts';
import { findDoor } from './repository.ts';
import type { Actor } from '../customers/service.ts';
import { customerIdOf, lockCustomerForAccess, recordAccessChange, revokeAccess } from './customer-access.ts';
import { withEdgeChange } from '../edge/sync-service.ts';

export type Permission = DoorPermission;

export type PermissionInput = { doorId: string; startsAt?: string; endsAt?: string | null; notes?: string };
export type PermissionPatch = { startsAt?: string; endsAt?: string | null; notes?: string | null };

function statusOf(p: repo.PermissionRow, now = Date.now()): Permission['status'] {
  if (p.revokedAt) return 'revoked';
  if (p.endsAt && p.endsAt.getTime() <= now) return 'expired';
  return p.startsAt.getTime() > now ? 'scheduled' : 'active';
}

const toPermissionDto = (p: repo.PermissionRow): Permission => ({
  id: p.id,
  customerId: toSystemId(p.customerId),
  doorId: p.doorId,
  doorName: p.doorName,
  startsAt: p.startsAt.toISOString(),
  endsAt: p.endsAt?.toISOString() ?? null,
  notes: p.notes,
  status: statusOf(p),
  createdAt: p.createdAt.toISOString(),
});

/** How the history shows a permission: "Front door from … until … (notes)". */
const describe = (p: repo.PermissionRow) =>
  `${p.doorName} from ${p.startsAt.toISOString()} ${p.endsAt ? `until ${p.endsAt.toISOString()}` : 'with no end'}${p.notes ? ` (${p.notes})` : ''}`;

const windowError = () => invalid('Access ends after it starts', [{ field: 'endsAt', message: 'Access ends after it starts' }]);

/** Da1: which doors a customer may open, and when. Every change reaches the devices concerned. */
export class DoorPermissionService {
  constructor(private readonly db: Db) {}

  async list(orgId: string, ref: string): Promise<{ items: Permission[] }> {
    const customerId = await customerIdOf(this.db, orgId, ref);
    return { items: (await repo.listPermissions(this.db, orgId, customerId)).map(toPermissionDto) };
  }

  async grant(actor: Actor, ref: string, input: PermissionInput): Promise<Permission> {
    return withEdgeChange(this.db, actor.orgId, async (tx, touched) => {
      const customerId = await lockCustomerForAccess(tx, actor.orgId, ref);
      if (!(await findDoor(tx, actor.orgId, input.doorId))) throw notFound('Door');
      const startsAt = input.startsAt ? new Date(input.startsAt) : undefined;
      const endsAt = input.endsAt ? new Date(input.endsAt) : null;
      // The schema compares the two given; an end alone must also fall after now, when access starts.
      if (endsAt && endsAt <= (startsAt ?? new Date())) throw windowError();
      const id = await repo.insertPermission(tx, actor.orgId, { customerId, doorId: input.doorId, startsAt, endsAt, notes: input.notes || null });
      const created = (await repo.findPermission(tx, actor.orgId, id))!;
      await recordAccessChange(tx, actor, customerId, 'doorAccess', null, describe(created));
      touched.customerIds = [customerId];
      return toPermissionDto(created);
    });
  }

  async update(actor: Actor, id: string, patch: PermissionPatch): Promise<Permission> {
    return withEdgeChange(this.db, actor.orgId, async (tx, touched) => {
      const before = await repo.findPermission(tx, actor.orgId, id);
      if (!before) throw notFound('Door permission');
      if (before.revokedAt) throw new AppError(409, 'revoked', 'This permission was revoked; grant a new one');
      const startsAt = patch.startsAt === undefined ? before.startsAt : new Date(patch.startsAt);
      const endsAt = patch.endsAt === undefined ? before.endsAt : patch.endsAt ? new Date(patch.endsAt) : null;
      if (endsAt && endsAt <= startsAt) throw windowError();
      await repo.updatePermission(tx, actor.orgId, id, { startsAt, endsAt, notes: patch.notes === undefined ? before.notes : patch.notes || null });
      const after = (await repo.findPermission(tx, actor.orgId, id))!;
      if (describe(after) !== describe(before)) await recordAccessChange(tx, actor, before.customerId, 'doorAccess', describe(before), describe(after));
      touched.customerIds = [before.customerId];
      return toPermissionDto(after);
    });
  }

  revoke(actor: Actor, id: string): Promise<void> {
    return revokeAccess(this.db, actor, id, { table: doorPermissions, what: 'Door permission', field: 'doorAccess', find: repo.findPermission, describe });
  }
}
