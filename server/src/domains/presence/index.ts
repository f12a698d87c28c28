import type { Domain } from '../../platform/domain.ts';
import { attachFlow } from './flow-realtime.ts';
import { attachProfileViewers } from './profile-viewers.ts';
import { CustomerPresence } from './realtime.ts';
import { MemoryPresenceStore, RedisPresenceStore } from './store.ts';

/**
 * P1: customers online while they are in a booking flow (the public /flow namespace), and which
 * colleagues are on the same profile.
 */
export const presence: Domain = {
  name: 'presence',
  realtime: ({ io, staff, db, logger, redis, redisPrefix, flowDoneLingerMs }) => {
    const presence = new CustomerPresence(redis ? new RedisPresenceStore(redis, redisPrefix) : new MemoryPresenceStore(), staff, logger);
    attachFlow(io, { db, presence, doneLingerMs: flowDoneLingerMs }, logger);
    attachProfileViewers(staff, db, logger);
    return { close: () => presence.close() };
  },
};
