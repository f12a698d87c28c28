import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/connect.ts';
import { validationHook, type AppEnv } from './platform/http/context.ts';
import { limitBody, requestLog, requireSession, sameOriginOnly } from './platform/http/middleware.ts';
import { AppError } from './platform/errors.ts';
import type { Logger } from './platform/logger.ts';
import { activityRoutes } from './domains/timeline/routes.ts';
import { authRoutes } from './domains/auth/routes.ts';
import { bookingRoutes } from './domains/bookings/routes.ts';
import { companyRoutes } from './domains/companies/routes.ts';
import { credentialRoutes } from './domains/doors/credentials-routes.ts';
import { customFieldRoutes } from './domains/custom-fields/routes.ts';
import { customerRoutes } from './domains/customers/routes.ts';
import { doorEventRoutes } from './domains/doors/events-routes.ts';
import { doorPermissionRoutes } from './domains/doors/permissions-routes.ts';
import { doorRoutes } from './domains/doors/routes.ts';
import { edgeDeviceRoutes, PUBLIC_EDGE_PATHS } from './domains/edge/routes.ts';
import { listRoutes } from './domains/lists/routes.ts';
import { PUBLIC_BOOKING_PREFIX, publicBookingRoutes } from './domains/bookings/public-routes.ts';
import { noteRoutes } from './domains/notes/routes.ts';
import { segmentRoutes } from './domains/segments/routes.ts';
import { serviceRoutes } from './domains/bookings/catalog-routes.ts';
import { settingsRoutes } from './domains/organizations/settings-routes.ts';
import { tagRoutes } from './domains/tags/routes.ts';
import { ActivityService } from './domains/timeline/service.ts';
import { AuthService } from './domains/auth/service.ts';
import { BookableServices } from './domains/bookings/catalog-service.ts';
import { BookingService } from './domains/bookings/service.ts';
import { CompanyService } from './domains/companies/service.ts';
import { CredentialService } from './domains/doors/credentials-service.ts';
import { CustomFieldService } from './domains/custom-fields/service.ts';
import { CustomerBulkService } from './domains/customers/bulk-service.ts';
import { CustomerPhotoService } from './domains/customers/photo-service.ts';
import { CustomerService } from './domains/customers/service.ts';
import { DoorEventService } from './domains/doors/events-service.ts';
import { DoorPermissionService } from './domains/doors/permissions-service.ts';
import { DoorService } from './domains/doors/service.ts';
import { EdgeDeviceService } from './domains/edge/service.ts';
import { EdgeSyncService } from './domains/edge/sync-service.ts';
import { MarketingListService } from './domains/lists/service.ts';
import { NoteAttachmentService } from './domains/notes/attachments-service.ts';
import { NoteService } from './domains/notes/service.ts';
import { NotificationService } from './domains/notes/notifications-service.ts';
import { SegmentService } from './domains/segments/service.ts';
import { SettingsService } from './domains/organizations/settings-service.ts';
import { TagService } from './domains/tags/service.ts';

export type AppDeps = {
  db: Db;
  logger: Logger;
  config: Pick<Config, 'secureCookies' | 'allowedOrigins'>;
};

export type Services = {
  auth: AuthService;
  customers: CustomerService;
  photos: CustomerPhotoService;
  bulk: CustomerBulkService;
  companies: CompanyService;
  tags: TagService;
  customFields: CustomFieldService;
  settings: SettingsService;
  segments: SegmentService;
  lists: MarketingListService;
  doors: DoorService;
  doorPermissions: DoorPermissionService;
  credentials: CredentialService;
  edgeDevices: EdgeDeviceService;
  edgeSync: EdgeSyncService;
  doorEvents: DoorEventService;
  activities: ActivityService;
  bookableServices: BookableServices;
  bookings: BookingService;
  notes: NoteService;
  notifications: NotificationService;
  noteAttachments: NoteAttachmentService;
};

export function createServices(db: Db, logger?: Logger): Services {
  const customers = new CustomerService(db);
  const notes = new NoteService(db, logger?.child({ module: 'notes' }));
  return {
    auth: new AuthService(db),
    customers,
    photos: new CustomerPhotoService(db, customers),
    bulk: new CustomerBulkService(db),
    companies: new CompanyService(db),
    tags: new TagService(db),
    customFields: new CustomFieldService(db),
    settings: new SettingsService(db),
    segments: new SegmentService(db),
    lists: new MarketingListService(db),
    doors: new DoorService(db),
    doorPermissions: new DoorPermissionService(db),
    credentials: new CredentialService(db),
    edgeDevices: new EdgeDeviceService(db),
    edgeSync: new EdgeSyncService(db),
    doorEvents: new DoorEventService(db),
    activities: new ActivityService(db),
    bookableServices: new BookableServices(db),
    bookings: new BookingService(db, customers),
    notes,
    notifications: new NotificationService(db),
    noteAttachments: new NoteAttachmentService(db, notes),
  };
}

/** Paths under /api that answer without a session. */
const PUBLIC_PATHS = new Set(['/api/auth/login', '/api/auth/logout', '/api/openapi.json', '/api/health', ...PUBLIC_EDGE_PATHS]);

export function createApp({ logger, config }: AppDeps, services: Services) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', requestLog(logger));
  app.use('/api/*', limitBody, sameOriginOnly(config.allowedOrigins));
  const session = requireSession(services.auth, config.secureCookies);
  app.use('/api/*', (c, next) => (PUBLIC_PATHS.has(c.req.path) || c.req.path.startsWith(PUBLIC_BOOKING_PREFIX) ? next() : session(c, next)));

  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'foyer_session',
  });

  const routes = app
    .route('/api/auth', authRoutes(services.auth, config.secureCookies))
    .route('/api/customers', customerRoutes(services))
    .route('/api/companies', companyRoutes(services.companies))
    .route('/api/tags', tagRoutes(services.tags))
    .route('/api/custom-fields', customFieldRoutes(services.customFields))
    .route('/api/settings', settingsRoutes(services.settings))
    .route('/api/segments', segmentRoutes(services.segments))
    .route('/api/lists', listRoutes(services.lists))
    .route('/api/doors', doorRoutes(services.doors))
    .route('/api', doorPermissionRoutes(services.doorPermissions))
    .route('/api', credentialRoutes(services.credentials))
    .route('/api', activityRoutes(services.activities))
    .route('/api/door-events', doorEventRoutes(services.doorEvents))
    .route('/api/edge', edgeDeviceRoutes(services.edgeDevices))
    .route('/api/services', serviceRoutes(services.bookableServices))
    .route('/api', bookingRoutes(services.bookings))
    .route('/api/public/book', publicBookingRoutes(services.bookings))
    .route('/api', noteRoutes({ notes: services.notes, notifications: services.notifications, attachments: services.noteAttachments }));

  app.get('/api/health', (c) => c.json({ ok: true }));
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Foyer API', version: '0.1.0', description: 'The customer system of a hospitality venue.' },
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));

  app.onError((err, c) => {
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json({ error: { code: err.code, message: err.message, issues: err.issues } }, err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own refusals: malformed JSON, a wrong content type.
      const malformed = /json/i.test(err.message);
      const [code, message] =
        err.status === 415
          ? ['unsupported_media_type', 'Send the body as JSON with content-type: application/json']
          : malformed
            ? ['malformed_json', 'The request body is not valid JSON']
            : ['bad_request', err.message];
      return c.json({ error: { code, message } }, err.status);
    }
    logger.error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side' } }, 500);
  });

  return routes;
}

export type AppType = ReturnType<typeof createApp>;
