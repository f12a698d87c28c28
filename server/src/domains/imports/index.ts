import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { customerData } from './customer-data.ts';
import { importRoutes } from './routes.ts';
import { importJob, ImportService } from './service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    imports: ImportService;
  }
}

/** I1: customers from CSV files: upload, mapping, preview, the import job, history and undo. */
export const imports: Domain = {
  name: 'imports',
  customerData,
  services: ({ db }) => ({ imports: new ImportService(db) }),
  routes: (s) => new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route('/imports', importRoutes(s)),
  jobs: () => [importJob],
};
