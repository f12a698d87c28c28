import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { companyRoutes } from './routes.ts';
import { CompanyService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    companies: CompanyService;
  }
}

/** Co1–Co2: companies and the email domains that link people to them. */
export const companies: Domain = {
  name: 'companies',
  customerData,
  services: ({ db }) => ({ companies: new CompanyService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/companies', companyRoutes(s.companies)),
};
