import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { NoteAttachmentService } from './attachments-service.ts';
import { NotificationService } from './notifications-service.ts';
import { attachNotes } from './realtime.ts';
import { noteRoutes } from './routes.ts';
import { NoteService } from './service.ts';
import { customerData } from './customer-data.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    notes: NoteService;
    notifications: NotificationService;
    noteAttachments: NoteAttachmentService;
  }
}

/** N1, P2: staff notes edited together live, their attachments, mentions and notifications. */
export const notes: Domain = {
  name: 'notes',
  customerData,
  services: ({ db, logger }) => {
    const notes = new NoteService(db, logger.child({ module: 'notes' }));
    return { notes, notifications: new NotificationService(db), noteAttachments: new NoteAttachmentService(db, notes) };
  },
  routes: (s) =>
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).route(
      '/',
      noteRoutes({ notes: s.notes, notifications: s.notifications, attachments: s.noteAttachments }),
    ),
  realtime: ({ staff, services, logger }) => attachNotes(staff, services, logger),
};
