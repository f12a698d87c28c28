import type { Door, EdgeDevice } from '$lib/api';
import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url, depends }) => {
  depends('foyer:devices');
  const [devices, doors] = await Promise.all([
    apiGet<{ items: EdgeDevice[] }>(fetch, '/api/edge/devices', url),
    apiGet<{ items: Door[] }>(fetch, '/api/doors', url),
  ]);
  return { devices: devices.items, doors: doors.items };
};
