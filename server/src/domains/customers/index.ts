import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { CustomerBulkService } from './bulk-service.ts';
import { CustomerPhotoService } from './photo-service.ts';
import { customerRoutes } from './routes.ts';
import { CustomerService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    customers: CustomerService;
    photos: CustomerPhotoService;
    bulk: CustomerBulkService;
  }
}

/** C1–C10, L1–L5: the customer record, the list and search, photos, bulk actions, export. */
export const customers: Domain = {
  name: 'customers',
  customerData,
  services: ({ db, customerData: contributors }) => {
    const customers = new CustomerService(db, contributors);
    return { customers, photos: new CustomerPhotoService(db, customers), bulk: new CustomerBulkService(db) };
  },
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/customers', customerRoutes(s)),
};
