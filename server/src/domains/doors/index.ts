import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { credentialRoutes } from './credentials-routes.ts';
import { CredentialService } from './credentials-service.ts';
import { doorEventRoutes } from './events-routes.ts';
import { DoorEventService } from './events-service.ts';
import { doorPermissionRoutes } from './permissions-routes.ts';
import { DoorPermissionService } from './permissions-service.ts';
import { doorRoutes } from './routes.ts';
import { DoorService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    doors: DoorService;
    doorPermissions: DoorPermissionService;
    credentials: CredentialService;
    doorEvents: DoorEventService;
  }
}

/** Da1, R2: doors, who may open them (permissions, credentials) and the door log. */
export const doors: Domain = {
  name: 'doors',
  customerData,
  services: ({ db }) => ({
    doors: new DoorService(db),
    doorPermissions: new DoorPermissionService(db),
    credentials: new CredentialService(db),
    doorEvents: new DoorEventService(db),
  }),
  routes: (s) =>
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
      .route('/doors', doorRoutes(s.doors))
      .route('/', doorPermissionRoutes(s.doorPermissions))
      .route('/', credentialRoutes(s.credentials))
      .route('/door-events', doorEventRoutes(s.doorEvents)),
};
