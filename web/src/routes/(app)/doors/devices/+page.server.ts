import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('foyer:devices');
  const [devices, doors] = await Promise.all([apiGet(event, '/api/edge/devices'), apiGet(event, '/api/doors')]);
  return { devices: devices.items, doors: doors.items };
};
