import type { Services } from '../../platform/domain.ts';
import type { Actor } from '../customers/service.ts';

/** The demo guest's card: what a newcomer types into the simulated agent to open the demo door. */
export const DEMO_CARD = '0A001B2C3D';

/**
 * First start only: a guest of the Demo Venue with a card and access to its front door, so that
 * the edge agent's simulation opens a door within a minute of installing (README, "Try the doors").
 */
export async function createDemoGuest(services: Services, org: { id: string; defaultCountry: string }) {
  const actor: Actor = { orgId: org.id, userId: null, defaultCountry: org.defaultCountry };
  const guest = await services.customers.create(actor, {
    firstName: 'Demo',
    lastName: 'Guest',
    emails: ['guest@demo.foyer.local'],
    customerNumber: 'DEMO-0001',
    source: 'dashboard',
  });
  const [frontDoor] = (await services.doors.list(org.id)).items;
  if (frontDoor) await services.doorPermissions.grant(actor, guest.id, { doorId: frontDoor.id, notes: 'Demo access' });
  await services.credentials.issue(actor, guest.id, { kind: 'rfid', value: DEMO_CARD, label: 'Demo card' });
}

/**
 * First start only: a service with opening hours every day, so that `/book/demo-venue` takes a
 * booking at once (README, quick start).
 */
export async function createDemoService(services: Services, org: { id: string }) {
  await services.bookableServices.create(org.id, {
    name: 'Afternoon tea',
    description: 'Tea, sandwiches and cakes in the lounge.',
    durationMinutes: 90,
    slotIntervalMinutes: 30,
    priceCents: 2800,
    currency: 'GBP',
    capacity: 8,
    openingHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '08:00', closes: '22:00' })),
    active: true,
  });
}
