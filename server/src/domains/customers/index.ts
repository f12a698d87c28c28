import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { CustomerBulkService } from './bulk-service.ts';
import { CustomerPhotoService } from './photo-service.ts';
import { customerRoutes } from './routes.ts';
import { CustomerService } from './service.ts';
import { customerData } from './customer-data.ts';
import { CustomerJobService, customerJobs } from './jobs.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    customers: CustomerService;
    photos: CustomerPhotoService;
    bulk: CustomerBulkService;
    customerJobs: CustomerJobService;
  }
}

/** C1–C10, L1–L5, I2: the customer record, the list and search, photos, bulk actions, export (a segment's as jobs). */
export const customers: Domain = {
  name: 'customers',
  customerData,
  services: ({ db, customerData: contributors }) => {
    const customers = new CustomerService(db, contributors);
    return { customers, photos: new CustomerPhotoService(db, customers), bulk: new CustomerBulkService(db), customerJobs: new CustomerJobService(db) };
  },
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/customers', customerRoutes(s)),
  jobs: () => customerJobs,
};
