import { z } from 'zod';
import { TimeZoneSchema } from '../bookings/wire.ts';
import { MAX_TAGS_PER_CUSTOMER } from '../customers/wire.ts';
import { CurrencySchema } from '../orders/money.ts';
import { PermissionNameSchema } from './permissions.ts';

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

/** A custom role as a member's: its id and name (its permissions are on the member). */
export const CustomRoleRefSchema = z.object({ id: z.string(), name: z.string() });

export const MeSchema = z
  .object({
    user: z.object({
      id: z.string(),
      email: z.string(),
      /** The display name mentions and presence show. */
      name: z.string(),
      /** The built-in role; with a custom role, only its fallback ('staff'). */
      role: RoleSchema,
      customRole: CustomRoleRefSchema.nullable(),
      /** What the user may do: the web hides the rest (the server refuses it anyway). */
      permissions: z.array(PermissionNameSchema),
      avatarUrl: z.string().nullable(),
    }),
    organization: z.object({ id: z.string(), name: z.string(), slug: z.string(), defaultCountry: z.string(), defaultCurrency: z.string() }),
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
    /** ISO 4217: what figures and CLV are totalled in, and what an order is in when it names none. */
    defaultCurrency: CurrencySchema,
    /** Other currencies orders and payments may be in (the default one always is). */
    acceptedCurrencies: z.array(CurrencySchema).max(20, 'At most 20 currencies'),
    /** A1: an active customer with no order for this many days is At-Risk … */
    lifecycleAtRiskDays: z.number({ error: 'A number of days' }).int('A whole number of days').min(1, 'At least 1 day').max(3650, 'At most 3650 days'),
    /** … and Churned after this many (more than the At-Risk days). */
    lifecycleChurnedDays: z.number({ error: 'A number of days' }).int('A whole number of days').min(2, 'At least 2 days').max(7300, 'At most 7300 days'),
    /** A1's re-activation rule: a churned customer is Active again after this many new orders (At-Risk until then). */
    lifecycleReactivationOrders: z.number({ error: 'A number of orders' }).int('A whole number of orders').min(1, 'At least 1').max(10, 'At most 10'),
  })
  .meta({ id: 'Settings' });
export const SettingsPatchSchema = SettingsSchema.partial().strict().meta({ id: 'SettingsPatch' });
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export type Settings = z.infer<typeof SettingsSchema>;
