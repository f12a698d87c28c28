import { z } from 'zod';
import { PageQuerySchema } from './common.ts';

/**
 * R2: what a credential is. `rfid` covers cards and key fobs read by RDM6300/EM4100 or Wiegand
 * readers; `qr` wallet passes (M3) and `barcode` cards are read by scanners as a line of text.
 */
export const credentialKinds = ['rfid', 'qr', 'barcode'] as const;
export type CredentialKind = (typeof credentialKinds)[number];

/**
 * The canonical text of a credential, the same at the desk and at the door, so that both hash it
 * alike. RFID ids are case- and separator-insensitive hex or Wiegand ids ("0A 00 1B 2C 3D" →
 * "0A001B2C3D", "w26:12:3456" → "W26:12:3456"); QR and barcode payloads are exact (a wallet token
 * is case-sensitive), only trimmed.
 */
export function normalizeCredential(kind: CredentialKind, value: string): string {
  const text = value.trim();
  return kind === 'rfid' ? text.toUpperCase().replace(/[\s-]/g, '') : text;
}

/** Wiegand 26/34 as readers report it: facility code and card number. */
export const wiegandCredential = (bits: 26 | 34, facility: number, card: number) => `W${bits}:${facility}:${card}`;

/** What staff see of a credential: its kind and last four characters. */
export const maskCredential = (normalized: string) => `••••${normalized.slice(-4)}`;

export const CredentialCreateSchema = z
  .object({
    kind: z.enum(credentialKinds, { error: `A credential is one of ${credentialKinds.join(', ')}` }),
    /** Absent for `qr`: the server then makes a random wallet token. */
    value: z.string().trim().min(4, 'A credential has at least 4 characters').max(200).optional(),
    label: z.string().trim().max(100).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind !== 'qr' && !c.value) ctx.addIssue({ code: 'custom', path: ['value'], message: 'Enter the card, fob or barcode number' });
    if (c.kind === 'rfid' && c.value && !/^([0-9A-F]{8,20}|W(26|34):\d{1,5}:\d{1,5})$/.test(normalizeCredential('rfid', c.value)))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'An RFID id is 8–20 hex characters, or W26:facility:card' });
  })
  .meta({ id: 'CredentialCreate' });

export const lockTypes = ['fail_safe', 'fail_secure'] as const;

export const DoorCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'A door needs a name').max(100),
    location: z.string().trim().max(200).optional(),
    /** How long the relay holds the lock open. */
    pulseMs: z.number().int().min(100, 'A pulse lasts 100 ms to 30 s').max(30_000, 'A pulse lasts 100 ms to 30 s').default(3000),
    lockType: z.enum(lockTypes).default('fail_secure'),
    /** Seconds the door may stand open before "held open" is reported. */
    heldOpenAlarmSeconds: z.number().int().min(5).max(3600).default(30),
  })
  .strict()
  .meta({ id: 'DoorCreate' });

export const PermissionCreateSchema = z
  .object({
    doorId: z.uuid({ error: 'Not a door id' }),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    /** Absent for open-ended access. */
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    notes: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((p) => !p.startsAt || !p.endsAt || p.endsAt > p.startsAt, { path: ['endsAt'], message: 'Access ends after it starts' })
  .meta({ id: 'PermissionCreate' });

/** The pairing trade: a one-time code for the device's own secret and its organization's credential key. */
export const PairRequestSchema = z.object({ code: z.string().trim().min(6).max(32) }).strict().meta({ id: 'PairRequest' });
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
] as const;
export type EdgeReason = (typeof edgeReasons)[number];

/** A decision the agent made, journaled with its per-device sequence number. */
export const EdgeEventSchema = z.object({
  seq: z.number().int().min(1),
  at: z.string(),
  doorId: z.string(),
  kind: z.enum(['access', 'door']),
  /** access: the decision; door: what the door contact reported. */
  result: z.enum(['granted', 'denied', 'held_open', 'forced_open', 'closed']),
  reason: z.enum(edgeReasons),
  credentialHash: z.string().nullable(),
  credentialMasked: z.string().nullable(),
  customerId: z.string().nullable(),
});
export type EdgeEvent = z.infer<typeof EdgeEventSchema>;

/**
 * The door log pages by a cursor, not by page number: entries keep arriving on top while staff
 * read, and an offset would shift under them (repeats, or entries skipped).
 */
export const DoorLogQuerySchema = z
  .object({
    before: z.coerce
      .number({ error: 'An entry id' })
      .int('An entry id')
      .min(1, 'An entry id')
      .optional()
      .meta({ description: 'The id of the oldest entry shown: the page holds the entries logged before it. Absent: the newest.' }),
    pageSize: PageQuerySchema.shape.pageSize,
  })
  .meta({ id: 'DoorLogQuery' });

// Answers of the door-access API, shared by the server's routes and the web client.

export const DoorSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    location: z.string().nullable(),
    pulseMs: z.number().int(),
    lockType: z.enum(lockTypes),
    heldOpenAlarmSeconds: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Door' });

export const PermissionSchema = z
  .object({
    id: z.uuid(),
    customerId: z.string(),
    doorId: z.uuid(),
    doorName: z.string(),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    notes: z.string().nullable(),
    status: z.enum(['scheduled', 'active', 'expired', 'revoked']),
    createdAt: z.string(),
  })
  .meta({ id: 'DoorPermission' });

export const CredentialSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(credentialKinds),
    /** The last four characters: all anyone sees of a credential after it is issued. */
    masked: z.string(),
    label: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Credential' });

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

export type Door = z.infer<typeof DoorSchema>;
export type DoorPermission = z.infer<typeof PermissionSchema>;
export type Credential = z.infer<typeof CredentialSchema>;
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
export const DoorLogPageSchema = z
  .object({ items: z.array(DoorLogEntrySchema), pageSize: z.number().int(), hasMore: z.boolean() })
  .meta({ id: 'DoorLogPage' });
export type DoorLogPage = z.infer<typeof DoorLogPageSchema>;

/**
 * A PATCH body from a create schema: every field optional and none defaulted, so that a patch
 * that leaves out `pulseMs` keeps the door's pulse instead of resetting it to 3000.
 */
export function patchOf<S extends z.ZodRawShape>(shape: S) {
  const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.removeDefault() : field]));
  return z.object(fields as { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? T : S[K] }).partial().strict();
}

/** PATCH /api/doors/{id}; a blank location clears it. */
export const DoorPatchSchema = patchOf(DoorCreateSchema.shape).meta({ id: 'DoorPatch' });
export type DoorPatch = z.input<typeof DoorPatchSchema>;

// The door of a permission stays: access to another door is another permission. An empty note clears it.
export const PermissionPatchSchema = z.object(PermissionCreateSchema.shape).omit({ doorId: true }).strict().meta({ id: 'DoorPermissionPatch' });
export type PermissionPatch = z.input<typeof PermissionPatchSchema>;

/** POST's answer: a generated wallet pass's token comes this once (M3). */
export const IssuedCredentialSchema = CredentialSchema.extend({
  walletToken: z.string().optional().meta({ description: 'A generated QR payload (kind qr without a value), shown this once to render the wallet pass' }),
}).meta({ id: 'IssuedCredential' });
export type IssuedCredential = z.infer<typeof IssuedCredentialSchema>;

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
