import type { Domain } from '../../platform/domain.ts';
import { ApiKeyService } from './api-keys.ts';
import { customerData } from './customer-data.ts';
import { nightlyCron, recomputeOrgJob } from './jobs.ts';
import { orderRoutes } from './routes.ts';
import { OrderService } from './service.ts';
import { orderSubscribers } from './subscribers.ts';

declare module '../../platform/domain.ts' {
  interface Services {
    orders: OrderService;
    apiKeys: ApiKeyService;
  }
}

/**
 * Ac2, A1, A2: orders with lines, payments and refunds (of orders and bookings), each customer's
 * figures and lifecycle, and the integrators' way in (API keys, Idempotency-Key).
 */
export const orders: Domain = {
  name: 'orders',
  customerData,
  services: ({ db }, { customers }) => ({ orders: new OrderService(db, customers), apiKeys: new ApiKeyService(db) }),
  routes: (s) => orderRoutes(s.orders.db, s.orders, s.apiKeys),
  realtime: ({ staff, services }) => services.orders.attach(staff),
  subscribers: orderSubscribers,
  jobs: () => [recomputeOrgJob],
  cron: () => [nightlyCron],
};
