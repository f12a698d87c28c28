import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  MarkReadSchema,
  NoteAttachmentParamsSchema,
  NoteAttachmentSchema,
  NoteRefParamsSchema,
  NoteSearchHitSchema,
  NoteSearchQuerySchema,
  StaffMemberSchema,
  StaffNotificationsSchema,
  UnreadCountSchema,
} from '@foyer/schema/validation';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { contentDisposition, type NoteAttachmentService } from './attachments-service.ts';
import type { NoteService } from './service.ts';
import type { NotificationService } from './notifications-service.ts';
import { body, error, itemsOf, json, orgOf, routeDefaults } from '../../platform/http/openapi.ts';
import { demand, permit } from '../../platform/permissions.ts';

const notes = routeDefaults('notes');
const RefParams = NoteRefParamsSchema;
const AttachmentParams = NoteAttachmentParamsSchema;
const missing = { 404: error('No such customer (or attachment) in this organization') };

const staff = createRoute({
  ...routeDefaults('staff'),
  ...permit('notes.write'),
  method: 'get',
  path: '/staff',
  summary: 'The organization’s staff, by name (for @-mentions)',
  responses: { 200: json(itemsOf(StaffMemberSchema), 'Staff') },
});

const search = createRoute({
  ...notes,
  ...permit('notes.view'),
  method: 'get',
  path: '/notes/search',
  summary: 'Customers whose notes contain the text (case-insensitive), with the text around it',
  request: { query: NoteSearchQuerySchema },
  responses: { 200: json(itemsOf(NoteSearchHitSchema), 'Matches, most recently edited first'), 400: error('No or too short a query') },
});

const notifications = createRoute({
  ...routeDefaults('notifications'),
  ...permit.signedIn,
  method: 'get',
  path: '/notifications',
  summary: 'My latest notifications and how many are unread',
  responses: { 200: json(StaffNotificationsSchema, 'Notifications') },
});

const markRead = createRoute({
  ...routeDefaults('notifications'),
  ...permit.signedIn,
  method: 'post',
  path: '/notifications/read',
  summary: 'Mark some (or all) of my notifications read',
  request: body(MarkReadSchema),
  responses: { 200: json(UnreadCountSchema, 'How many are still unread'), 400: error('Not valid') },
});

const listAttachments = createRoute({
  ...notes,
  ...permit('notes.view'),
  method: 'get',
  path: '/customers/{ref}/notes/attachments',
  summary: 'Files attached to the customer’s notes, newest first',
  request: { params: RefParams },
  responses: { 200: json(itemsOf(NoteAttachmentSchema), 'Attachments'), ...missing },
});

const upload = createRoute({
  ...notes,
  ...permit('notes.write'),
  method: 'post',
  path: '/customers/{ref}/notes/attachments',
  summary: 'Attach a file (multipart/form-data, field "file"): images, PDF, plain text, CSV or office documents up to 10 MB',
  request: { params: RefParams },
  responses: {
    201: json(NoteAttachmentSchema, 'The attachment'),
    400: error('No file, an empty one, or a type that is not allowed'),
    413: error('Over 10 MB'),
    ...missing,
  },
});

const download = createRoute({
  ...notes,
  ...permit('notes.view'),
  method: 'get',
  path: '/customers/{ref}/notes/attachments/{id}',
  summary: 'The file, as a download',
  request: { params: AttachmentParams },
  responses: { 200: { content: { 'application/octet-stream': { schema: z.string() } }, description: 'The file' }, ...missing },
});

const remove = createRoute({
  ...notes,
  ...permit('notes.write'),
  method: 'delete',
  path: '/customers/{ref}/notes/attachments/{id}',
  summary: 'Delete an attachment',
  request: { params: AttachmentParams },
  responses: { 204: { description: 'Deleted' }, ...missing },
});

type NoteServices = { notes: NoteService; notifications: NotificationService; attachments: NoteAttachmentService };

/** N1: the REST side of notes (the document itself travels on the staff socket, see realtime.ts beside this file). */
export function noteRoutes(services: NoteServices) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(staff, async (c) => c.json({ items: await services.notes.staff(orgOf(c)) }, 200))
    .openapi(search, async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json(await services.notes.search(orgOf(c), q, limit), 200);
    })
    .openapi(notifications, async (c) => c.json(await services.notifications.list(orgOf(c), auth(c).user.id), 200))
    .openapi(markRead, async (c) => c.json(await services.notifications.markRead(orgOf(c), auth(c).user.id, c.req.valid('json').ids), 200))
    .openapi(listAttachments, async (c) => c.json(await services.attachments.list(orgOf(c), c.req.valid('param').ref), 200))
    .openapi(upload, async (c) => {
      const ref = c.req.valid('param').ref;
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      return c.json(await services.attachments.upload({ orgId: orgOf(c), userId: auth(c).user.id }, ref, form.file), 201);
    })
    .openapi(download, async (c) => {
      const { ref, id } = c.req.valid('param');
      const file = await services.attachments.download(orgOf(c), ref, id);
      // Always a download, never rendered in our origin: a file staff attach is not trusted markup.
      return c.body(new Uint8Array(file.data), 200, {
        'content-type': file.contentType,
        'content-disposition': contentDisposition(file.fileName),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
      });
    })
    .openapi(remove, async (c) => {
      const { ref, id } = c.req.valid('param');
      const user = auth(c).user;
      await services.attachments.remove({ orgId: orgOf(c), userId: user.id }, ref, id, (p, what) => demand(user, p, what));
      return c.body(null, 204);
    });
}
