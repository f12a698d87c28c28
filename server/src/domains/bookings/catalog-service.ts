import { fieldIssues, ServiceWholeSchema, type OpeningPeriodInput, type Service, type ServiceCreateParsed, type ServicePatch } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import * as repo from './repository.ts';
import { nameConflict } from '../customers/directory-audit.ts';

const NAME_INDEX = 'services_org_name_idx';

/** Periods in a stable order (weekday, then opening time): what staff read back. */
const ordered = (periods: OpeningPeriodInput[]) =>
  [...periods].sort((a, b) => a.weekday - b.weekday || a.opens.localeCompare(b.opens)).map(({ weekday, opens, closes }) => ({ weekday, opens, closes }));

export const toServiceDto = (s: repo.ServiceRow): Service => ({
  id: s.id,
  name: s.name,
  description: s.description,
  durationMinutes: s.durationMinutes,
  slotIntervalMinutes: s.slotIntervalMinutes,
  priceCents: s.priceCents,
  currency: s.currency,
  capacity: s.capacity,
  openingHours: s.openingHours,
  active: s.active,
  createdAt: s.createdAt.toISOString(),
});

/** C8: what staff (owners and managers) offer in the public booking flow. */
export class BookableServices {
  constructor(private readonly db: Db) {}

  async list(orgId: string): Promise<{ items: Service[] }> {
    return { items: (await repo.listServices(this.db, orgId)).map(toServiceDto) };
  }

  async get(orgId: string, id: string): Promise<Service> {
    const row = await repo.findService(this.db, orgId, id);
    if (!row) throw notFound('Service');
    return toServiceDto(row);
  }

  async create(orgId: string, input: ServiceCreateParsed): Promise<Service> {
    try {
      return toServiceDto(await repo.insertService(this.db, orgId, { ...input, openingHours: ordered(input.openingHours) as repo.ServiceRow['openingHours'] }));
    } catch (error) {
      throw nameConflict(error, NAME_INDEX, 'service', input.name);
    }
  }

  /**
   * A patch is checked together with what it leaves as it is: a shorter period is refused for a
   * longer stored duration just as a longer duration is for the stored periods.
   */
  async update(orgId: string, id: string, patch: ServicePatch): Promise<Service> {
    return this.db.transaction(async (tx) => {
      const current = await repo.findService(tx, orgId, id, true);
      if (!current) throw notFound('Service');
      const merged = ServiceWholeSchema.safeParse({ ...toServiceDto(current), ...patch });
      if (!merged.success) {
        const issues = fieldIssues(merged.error);
        throw invalid(`Some fields are not valid: ${[...new Set(issues.map((i) => i.field))].join(', ')}`, issues);
      }
      if (Object.keys(patch).length === 0) return toServiceDto(current);
      // The patched fields as the whole-service check normalized them (trimmed, upper-cased, ordered).
      const values = Object.fromEntries(Object.keys(patch).map((key) => [key, merged.data[key as keyof typeof merged.data]])) as repo.ServiceColumns;
      if (patch.openingHours) values.openingHours = ordered(merged.data.openingHours) as repo.ServiceRow['openingHours'];
      try {
        return toServiceDto((await repo.updateService(tx, orgId, id, values))!);
      } catch (error) {
        throw nameConflict(error, NAME_INDEX, 'service', merged.data.name);
      }
    });
  }

  /** Only a service nobody booked can be deleted; one with bookings is deactivated instead (its bookings stay). */
  async delete(orgId: string, id: string): Promise<void> {
    await this.get(orgId, id);
    const booked = await repo.countBookingsOf(this.db, orgId, id);
    if (booked > 0) {
      throw new AppError(409, 'service_has_bookings', `This service has ${booked} booking${booked === 1 ? '' : 's'}: deactivate it instead, so they stay`);
    }
    if (!(await repo.deleteService(this.db, orgId, id))) throw notFound('Service');
  }
}
