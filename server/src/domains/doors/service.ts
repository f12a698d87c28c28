import type { Db } from '../../platform/db/connect.ts';
import { notFound } from '../../platform/errors.ts';
import * as repo from './repository.ts';
import { nameConflict } from '../customers/directory-audit.ts';
import { withEdgeChange } from '../edge/sync-service.ts';

export type Door = {
  id: string;
  name: string;
  location: string | null;
  pulseMs: number;
  lockType: 'fail_safe' | 'fail_secure';
  heldOpenAlarmSeconds: number;
  createdAt: string;
};

export type DoorInput = { name?: string; location?: string | null; pulseMs?: number; lockType?: Door['lockType']; heldOpenAlarmSeconds?: number };

const toDoorDto = (d: repo.DoorRow): Door => ({
  id: d.id,
  name: d.name,
  location: d.location,
  pulseMs: d.pulseMs,
  lockType: d.lockType,
  heldOpenAlarmSeconds: d.heldOpenAlarmSeconds,
  createdAt: d.createdAt.toISOString(),
});

const NAME_INDEX = 'doors_org_name_idx';

/** Da2: the doors edge devices open. Changing one reaches the devices that drive it. */
export class DoorService {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<{ items: Door[] }> {
    return { items: (await repo.listDoors(this.db, orgId)).map(toDoorDto) };
  }

  async get(orgId: string, id: string): Promise<Door> {
    const door = await repo.findDoor(this.db, orgId, id);
    if (!door) throw notFound('Door');
    return toDoorDto(door);
  }

  async create(orgId: string, input: DoorInput & { name: string }): Promise<Door> {
    try {
      // A new door is on no device yet: nothing for devices to hear.
      return toDoorDto(await repo.insertDoor(this.db, orgId, input));
    } catch (error) {
      throw nameConflict(error, NAME_INDEX, 'door', input.name);
    }
  }

  async update(orgId: string, id: string, patch: DoorInput): Promise<Door> {
    try {
      return await withEdgeChange(this.db, orgId, async (tx, touched) => {
        // A field given as undefined changes nothing: an empty patch only reads the door.
        const changes = Object.values(patch).some((v) => v !== undefined);
        const door = changes ? await repo.updateDoor(tx, orgId, id, patch) : await repo.findDoor(tx, orgId, id);
        if (!door) throw notFound('Door');
        touched.doorIds = [id];
        return toDoorDto(door);
      });
    } catch (error) {
      throw nameConflict(error, NAME_INDEX, 'door', patch.name ?? '');
    }
  }

  /** Its permissions go with it; the devices that drove it drop it and the entries for it. */
  async delete(orgId: string, id: string): Promise<void> {
    await withEdgeChange(this.db, orgId, async (tx, touched) => {
      touched.customerIds = await repo.customersWithPermissionOn(tx, orgId, id);
      if (!(await repo.deleteDoor(tx, orgId, id))) throw notFound('Door');
      touched.doorIds = [id];
    });
  }
}
