import { z } from 'zod';
import { lockTypes, PermissionCreateSchema } from '../doors/wire.ts';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../platform/wire.ts';

/** The pairing trade: a one-time code for the device's own secret and its organization's credential key. */
export const PairRequestSchema = z
  .object({ code: z.string().trim().min(6).max(32) })
  .strict()
  .meta({ id: 'PairRequest' });
export const PairResponseSchema = z
  .object({
    deviceId: z.string(),
    /** The device's secret, shown once; the server keeps only its hash. */
    secret: z.string(),
    /** Base64 HMAC-SHA256 key the device hashes credentials with, as the server does. */
    credentialKey: z.string(),
  })
  .meta({ id: 'PairResponse' });

/** One permission as a device holds it: this credential may open this door in this window. */
export const EdgeEntrySchema = z.object({
  credentialHash: z.string(),
  customerId: z.string(),
  doorId: z.string(),
  /** ISO times; endsAt null for open-ended. */
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  /**
   * A banned customer's credential: sent with doorId '' (no door), so that the agent denies it
   * saying `banned`, and an agent that predates the flag still denies it (no permission for the door).
   */
  banned: z.literal(true).optional(),
});
export type EdgeEntry = z.infer<typeof EdgeEntrySchema>;

export const EdgeDoorSchema = z.object({
  id: z.string(),
  name: z.string(),
  pulseMs: z.number().int(),
  lockType: z.enum(lockTypes),
  heldOpenAlarmSeconds: z.number().int(),
});
export type EdgeDoor = z.infer<typeof EdgeDoorSchema>;

/**
 * Da2: the fixed vocabulary of why the agent decided what it did, or what a door's contact said.
 * Access: `valid_permission` (granted), `unknown_credential` (no such card on this device: also a
 * banned or erased customer's, whose entries the server never sends), `no_permission` (not for
 * this door), `outside_validity` (before its start or after its end), `relay_failed` (allowed,
 * but the lock did not release), `device_revoked` (staff revoked the device: it holds nothing),
 * `cache_stale` (not synced for longer than the agent's maxOfflineHours). Door: `opened_without_grant`
 * (forced open), `held_open_too_long`, `closed_after_alarm`. The door log says each in words.
 */
export const edgeReasons = [
  'valid_permission',
  'unknown_credential',
  'no_permission',
  'outside_validity',
  'relay_failed',
  'device_revoked',
  'cache_stale',
  'opened_without_grant',
  'held_open_too_long',
  'closed_after_alarm',
  'banned',
] as const;
export type EdgeReason = (typeof edgeReasons)[number];

/** A decision the agent made, journaled with its per-device sequence number. */
/** A string field of a device's event: a control character in it (a NUL) quarantines the event. */
const eventText = () =>
  z
    .string()
    .max(1000)
    .refine((v) => !CONTROL_CHARACTERS.test(v), { error: controlCharacterMessage });

export const EdgeEventSchema = z.object({
  seq: z.number().int().min(1),
  at: eventText(),
  doorId: eventText(),
  kind: z.enum(['access', 'door']),
  /** access: the decision; door: what the door contact reported. */
  result: z.enum(['granted', 'denied', 'held_open', 'forced_open', 'closed']),
  reason: z.enum(edgeReasons),
  credentialHash: eventText().nullable(),
  credentialMasked: eventText().nullable(),
  customerId: eventText().nullable(),
});
export type EdgeEvent = z.infer<typeof EdgeEventSchema>;

/** An event a device sent that will never be stored, with why (issue 12: the batch around it is stored). */
export const QuarantinedEventSchema = z
  .object({
    seq: z.number().int(),
    reason: z.string(),
    event: z.unknown().meta({ description: 'The event as the device sent it (control characters shown as U+FFFD); null on old entries' }),
    receivedAt: z.string(),
  })
  .meta({ id: 'QuarantinedEvent' });
export type QuarantinedEvent = z.infer<typeof QuarantinedEventSchema>;

export const DeviceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    doorIds: z.array(z.uuid()),
    paired: z.boolean(),
    pairedAt: z.string().nullable(),
    pairingExpiresAt: z.string().nullable(),
    online: z.boolean(),
    lastSeenAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'EdgeDevice' });

export const DevicePairingSchema = z
  .object({
    device: DeviceSchema,
    pairingCode: z.string().meta({ description: '8 characters, shown once; the agent trades it at POST /api/edge/pair' }),
    pairingExpiresAt: z.string(),
  })
  .meta({ id: 'EdgeDevicePairing' });

export type EdgeDevice = z.infer<typeof DeviceSchema>;
export type DevicePairing = z.infer<typeof DevicePairingSchema>;

/** Da2: one entry of the door log, as GET /api/door-events lists it and `door:event` brings it live. */
export const DoorLogEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    deviceId: z.string(),
    deviceName: z.string(),
    doorId: z.string(),
    doorName: z.string(),
    kind: EdgeEventSchema.shape.kind,
    result: EdgeEventSchema.shape.result,
    reason: z.string(),
    credentialMasked: z.string().nullable(),
    customer: z.object({ id: z.string(), customerNumber: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: 'DoorLogEntry' });
export type DoorLogEntry = z.infer<typeof DoorLogEntrySchema>;

/** A page of the door log, by cursor: the next one starts before the last item's id. */
export const DoorLogPageSchema = z.object({ items: z.array(DoorLogEntrySchema), pageSize: z.number().int(), hasMore: z.boolean() }).meta({ id: 'DoorLogPage' });
export type DoorLogPage = z.infer<typeof DoorLogPageSchema>;

// The contract has no device body: its pieces are the contract's own (a door id is a door id).
export const DeviceCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'A device needs a name').max(100),
    doorIds: z.array(PermissionCreateSchema.shape.doorId).max(100).optional(),
  })
  .strict()
  .meta({ id: 'EdgeDeviceCreate' });
export const DevicePatchSchema = DeviceCreateSchema.partial().meta({ id: 'EdgeDevicePatch' });
export type DevicePatch = z.input<typeof DevicePatchSchema>;
