import { z } from 'zod';

/** What the edge domain tells every node (see ../platform/events.ts and server/src/domains/edge/index.ts). */
export const edgeEvents = {
  /**
   * Something that devices hold changed, as of `version` (organizations.edge_version after the
   * change, bumped in the same transaction): these customers' entries, these doors' settings, or
   * everything these devices hold. Every node pushes the deltas to the devices connected to it.
   */
  'edge.changed': z.object({
    version: z.number().int().nonnegative(),
    customerIds: z.array(z.uuid()).optional(),
    doorIds: z.array(z.uuid()).optional(),
    deviceIds: z.array(z.uuid()).optional(),
  }),
  /**
   * A device was revoked (told so before it goes) or paired anew: its live connections must go,
   * on whichever node they are.
   */
  'edge.device.signedOut': z.object({ deviceId: z.uuid(), revoked: z.boolean().optional() }),
} as const;
