import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:devices');
  const [devices, doors] = await Promise.all([apiGet(event, '/api/edge/devices'), apiGet(event, '/api/doors')]);
  // Each device's quarantined events (issue 12): a venue has a handful of devices, one small read each.
  const quarantines = await Promise.all(
    devices.items.map(async (d) => [d.id, (await apiGet(event, '/api/edge/devices/{id}/quarantine', { path: { id: d.id } })).items] as const),
  );
  return { devices: devices.items, doors: doors.items, quarantine: Object.fromEntries(quarantines.filter(([, items]) => items.length > 0)) };
};
