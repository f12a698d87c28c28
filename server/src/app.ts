import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import { validationHook, type AppEnv } from './http/context.ts';
import { limitBody, requestId, requestLog, requireSession, sameOriginOnly } from './http/middleware.ts';
import { AppError } from './lib/errors.ts';
import type { Logger } from './lib/logger.ts';
import { activityRoutes } from './routes/activities.ts';
import { authRoutes } from './routes/auth.ts';
import { bookingRoutes } from './routes/bookings.ts';
import { companyRoutes } from './routes/companies.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { customFieldRoutes } from './routes/custom-fields.ts';
import { customerRoutes } from './routes/customers.ts';
import { doorEventRoutes } from './routes/door-events.ts';
import { doorPermissionRoutes } from './routes/door-permissions.ts';
import { doorRoutes } from './routes/doors.ts';
import { edgeDeviceRoutes, PUBLIC_EDGE_PATHS } from './routes/edge-devices.ts';
import { listRoutes } from './routes/lists.ts';
import { PUBLIC_BOOKING_PREFIX, publicBookingRoutes } from './routes/public-booking.ts';
import { noteRoutes } from './routes/notes.ts';
import { segmentRoutes } from './routes/segments.ts';
import { serviceRoutes } from './routes/services.ts';
import { settingsRoutes } from './routes/settings.ts';
import { tagRoutes } from './routes/tags.ts';
import { ActivityService } from './services/activities.ts';
import { AuthService } from './services/auth.ts';
import { BookableServices } from './services/bookable-services.ts';
import { BookingService } from './services/bookings.ts';
import { CompanyService } from './services/companies.ts';
import { CredentialService } from './services/credentials.ts';
import { CustomFieldService } from './services/custom-fields.ts';
import { CustomerBulkService } from './services/customer-bulk.ts';
import { CustomerPhotoService } from './services/customer-photos.ts';
import { CustomerService } from './services/customers.ts';
import { DoorEventService } from './services/door-events.ts';
import { DoorPermissionService } from './services/door-permissions.ts';
import { DoorService } from './services/doors.ts';
import { EdgeDeviceService } from './services/edge-devices.ts';
import { EdgeSyncService } from './services/edge-sync.ts';
import { MarketingListService } from './services/lists.ts';
import { NoteAttachmentService } from './services/note-attachments.ts';
import { NoteService } from './services/notes.ts';
import { NotificationService } from './services/notifications.ts';
import { SegmentService } from './services/segments.ts';
import { SettingsService } from './services/settings.ts';
import { TagService } from './services/tags.ts';

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
  app.use('*', requestId(logger));
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
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}`, requestId: c.get('requestId') } }, 404));

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json({ error: { code: err.code, message: err.message, issues: err.issues, requestId } }, err.status);
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
      return c.json({ error: { code, message, requestId } }, err.status);
    }
    (c.get('log') ?? logger).error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side', requestId } }, 500);
  });

  return routes;
}

export type AppType = ReturnType<typeof createApp>;
