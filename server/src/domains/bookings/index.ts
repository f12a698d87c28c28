import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { serviceRoutes } from './catalog-routes.ts';
import { BookableServices } from './catalog-service.ts';
import { publicBookingRoutes } from './public-routes.ts';
import { bookingRoutes } from './routes.ts';
import { BookingService } from './service.ts';
import { customerData } from './customer-data.ts';
import { DeskBookings } from './desk-service.ts';
import { localSubscriber } from '../../platform/outbox.ts';
import { OrgNotice } from '../../platform/realtime/org-notice.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    bookableServices: BookableServices;
    bookings: BookingService;
    deskBookings: DeskBookings;
    bookingNotice: OrgNotice;
  }
}

/** C8: what a venue offers (services and opening hours), bookings, and the public booking flow. */
export const bookings: Domain = {
  name: 'bookings',
  customerData,
  services: ({ db }, { customers }) => ({
    bookableServices: new BookableServices(db),
    bookings: new BookingService(db, customers),
    deskBookings: new DeskBookings(db, customers),
    bookingNotice: new OrgNotice(),
  }),
  routes: (s) =>
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
      .route('/services', serviceRoutes(s.bookableServices))
      .route('/', bookingRoutes(s.bookings, s.deskBookings))
      .route('/public/book', publicBookingRoutes(s.bookings)),
  realtime: ({ staff, services }) => services.bookingNotice.attach(staff),
  subscribers: (s) => [
    // On every node: its staff with the day view open reload it (a door visit is an arrival).
    localSubscriber({
      id: 'bookings.live',
      on: ['booking.confirmed', 'booking.cancelled', 'booking.moved', 'booking.checkedIn', 'booking.noShow', 'door.visited'],
      handle: (event) =>
        s.bookingNotice.send(event.orgId, 'bookings.view', 'bookings:changed', { bookingId: 'bookingId' in event.payload ? event.payload.bookingId : null }),
    }),
  ],
};
