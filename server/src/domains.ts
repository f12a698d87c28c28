import type { Domain } from './platform/domain.ts';
import { analytics } from './domains/analytics/index.ts';
import { auth } from './domains/auth/index.ts';
import { bookings } from './domains/bookings/index.ts';
import { companies } from './domains/companies/index.ts';
import { customFields } from './domains/custom-fields/index.ts';
import { customers } from './domains/customers/index.ts';
import { doors } from './domains/doors/index.ts';
import { edge } from './domains/edge/index.ts';
import { enquiries } from './domains/enquiries/index.ts';
import { imports } from './domains/imports/index.ts';
import { lists } from './domains/lists/index.ts';
import { notes } from './domains/notes/index.ts';
import { orders } from './domains/orders/index.ts';
import { organizations } from './domains/organizations/index.ts';
import { presence } from './domains/presence/index.ts';
import { segments } from './domains/segments/index.ts';
import { tags } from './domains/tags/index.ts';
import { timeline } from './domains/timeline/index.ts';

/**
 * THE list of domains. Adding a domain is its folder under domains/ plus one line here. The order
 * is the order services are built in (a domain may use the services of those before it) and
 * routes are mounted in.
 */
export const domains: readonly Domain[] = [
  auth,
  customers,
  companies,
  tags,
  customFields,
  organizations,
  segments,
  lists,
  doors,
  timeline,
  edge,
  bookings,
  enquiries,
  notes,
  orders,
  presence,
  analytics,
  imports,
];
