import { z } from 'zod';
import { TimeZoneSchema } from '../bookings/wire.ts';
import { MAX_TAGS_PER_CUSTOMER } from '../customers/wire.ts';

export const roles = ['owner', 'manager', 'staff'] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

export const LoginSchema = z
  .object({
    email: z.email({ error: 'Enter a valid email address' }).max(254),
    password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1024),
  })
  .meta({ id: 'Login' });
export type Login = z.infer<typeof LoginSchema>;

/** A new staff password: long enough to resist guessing, short enough to hash quickly. */
export const NewPasswordSchema = z.string().min(10, 'A password needs at least 10 characters').max(256, 'A password has at most 256 characters');

export const MeSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: RoleSchema }),
    organization: z.object({ id: z.string(), name: z.string(), slug: z.string(), defaultCountry: z.string() }),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

export const SettingsSchema = z
  .object({
    maxTagsPerCustomer: z.number().int().min(1).max(MAX_TAGS_PER_CUSTOMER).nullable(),
    defaultCountry: z.string().regex(/^[A-Z]{2}$/),
    /** How many confirmed future bookings one customer may hold at once; the public booking flow refuses more (C8). */
    maxActiveBookingsPerCustomer: z.number().int().min(1).max(1000),
    /** IANA time zone of the venue: opening hours and booking times are read in it (C8). */
    timezone: TimeZoneSchema,
  })
  .meta({ id: 'Settings' });
export const SettingsPatchSchema = SettingsSchema.partial().strict().meta({ id: 'SettingsPatch' });
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export type Settings = z.infer<typeof SettingsSchema>;
