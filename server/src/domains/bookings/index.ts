import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { serviceRoutes } from './catalog-routes.ts';
import { BookableServices } from './catalog-service.ts';
import { publicBookingRoutes } from './public-routes.ts';
import { bookingRoutes } from './routes.ts';
import { BookingService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    bookableServices: BookableServices;
    bookings: BookingService;
  }
}

/** C8: what a venue offers (services and opening hours), bookings, and the public booking flow. */
export const bookings: Domain = {
  name: 'bookings',
  customerData,
  services: ({ db }, { customers }) => ({ bookableServices: new BookableServices(db), bookings: new BookingService(db, customers) }),
  routes: (s) =>
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
      .route('/services', serviceRoutes(s.bookableServices))
      .route('/', bookingRoutes(s.bookings))
      .route('/public/book', publicBookingRoutes(s.bookings)),
};
