import { z } from 'zod';
import { isoDateTime, PageQuerySchema } from '../platform/wire.ts';

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
    startsAt: isoDateTime().optional(),
    /** Absent for open-ended access. */
    endsAt: isoDateTime().nullable().optional(),
    notes: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((p) => !p.startsAt || !p.endsAt || p.endsAt > p.startsAt, { path: ['endsAt'], message: 'Access ends after it starts' })
  .meta({ id: 'PermissionCreate' });

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

export type Door = z.infer<typeof DoorSchema>;
export type DoorPermission = z.infer<typeof PermissionSchema>;
export type Credential = z.infer<typeof CredentialSchema>;

/**
 * A PATCH body from a create schema: every field optional and none defaulted, so that a patch
 * that leaves out `pulseMs` keeps the door's pulse instead of resetting it to 3000.
 */
export function patchOf<S extends z.ZodRawShape>(shape: S) {
  const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.removeDefault() : field]));
  return z
    .object(fields as { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? T : S[K] })
    .partial()
    .strict()
    .refine((patch) => Object.values(patch).some((v) => v !== undefined), { error: 'Nothing to change: give at least one field' });
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
