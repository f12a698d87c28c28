import { OpenAPIHono } from '@hono/zod-openapi';
import type { Domain } from '../../platform/domain.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { localSubscriber } from '../../platform/outbox.ts';
import { OrgNotice } from '../../platform/realtime/org-notice.ts';
import { customerData } from './customer-data.ts';
import { enquiryRoutes, publicEnquiryRoutes } from './routes.ts';
import { EnquiryService } from './service.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    enquiries: EnquiryService;
    enquiryNotice: OrgNotice;
  }
}

/** C8: the public enquiry form per venue and the staff's Enquiries inbox. */
export const enquiries: Domain = {
  name: 'enquiries',
  customerData,
  services: ({ db }, { customers }) => ({ enquiries: new EnquiryService(db, customers), enquiryNotice: new OrgNotice() }),
  routes: (s) =>
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
      .route('/enquiries', enquiryRoutes(s.enquiries))
      .route('/public/enquire', publicEnquiryRoutes(s.enquiries)),
  realtime: ({ staff, services }) => services.enquiryNotice.attach(staff),
  subscribers: (s) => [
    // On every node: its staff with the inbox open reload it.
    localSubscriber({
      id: 'enquiries.live',
      on: ['enquiry.received', 'enquiry.updated'],
      handle: (event) => s.enquiryNotice.send(event.orgId, 'enquiries.view', 'enquiries:changed', { enquiryId: event.payload.enquiryId }),
    }),
  ],
};
