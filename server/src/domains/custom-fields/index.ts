import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { customFieldRoutes } from './routes.ts';
import { CustomFieldService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    customFields: CustomFieldService;
  }
}

/** T2: the organization's own customer fields. */
export const customFields: Domain = {
  name: 'custom-fields',
  customerData,
  services: ({ db }) => ({ customFields: new CustomFieldService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/custom-fields', customFieldRoutes(s.customFields)),
};
