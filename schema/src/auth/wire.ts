import { z } from 'zod';
import { CustomRoleRefSchema, NewPasswordSchema, RoleSchema } from '../organizations/wire.ts';
import { PermissionNameSchema } from '../organizations/permissions.ts';

// Settings → Team: members, invitations, password reset links, custom roles, one's own profile and sessions.

const DisplayNameSchema = z.string().trim().min(1, 'Enter a name').max(80, 'A name has at most 80 characters');

export const TeamMemberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    customRole: CustomRoleRefSchema.nullable(),
    active: z.boolean(),
    lastSignInAt: z.string().nullable(),
    createdAt: z.string(),
    avatarUrl: z.string().nullable(),
  })
  .meta({ id: 'TeamMember' });
export type TeamMember = z.infer<typeof TeamMemberSchema>;

export const TeamInviteSchema = z
  .object({ id: z.string(), email: z.string(), role: RoleSchema, customRole: CustomRoleRefSchema.nullable(), expiresAt: z.string(), createdAt: z.string() })
  .meta({ id: 'TeamInvite' });
export type TeamInvite = z.infer<typeof TeamInviteSchema>;

export const CustomRoleSchema = z
  .object({ id: z.string(), name: z.string(), permissions: z.array(PermissionNameSchema), members: z.number().int() })
  .meta({ id: 'CustomRole' });
export type CustomRole = z.infer<typeof CustomRoleSchema>;

export const TeamSchema = z
  .object({ members: z.array(TeamMemberSchema), invites: z.array(TeamInviteSchema), roles: z.array(CustomRoleSchema) })
  .meta({ id: 'Team' });
export type Team = z.infer<typeof TeamSchema>;

/** Which role a member gets: a built-in one, or (customRoleId) one of the organization's own. */
const RoleChoice = {
  role: RoleSchema.optional(),
  customRoleId: z.uuid({ error: 'customRoleId is a role id' }).nullable().optional(),
};

export const InviteCreateSchema = z
  .object({ email: z.email({ error: 'Enter a valid email address' }).max(254), ...RoleChoice })
  .strict()
  .meta({ id: 'InviteCreate' });
export type InviteCreate = z.infer<typeof InviteCreateSchema>;

/** A one-time link to copy and send (no mail server is configured yet). */
export const OneTimeLinkSchema = z.object({ url: z.string(), expiresAt: z.string() }).meta({ id: 'OneTimeLink' });
export type OneTimeLink = z.infer<typeof OneTimeLinkSchema>;

export const InviteCreatedSchema = z.object({ invite: TeamInviteSchema, link: OneTimeLinkSchema }).meta({ id: 'InviteCreated' });

export const MemberPatchSchema = z
  .object({ ...RoleChoice, active: z.boolean().optional() })
  .strict()
  .meta({ id: 'MemberPatch' });
export type MemberPatch = z.infer<typeof MemberPatchSchema>;

export const RoleCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name').max(60, 'A role name has at most 60 characters'),
    permissions: z.array(PermissionNameSchema).max(100),
  })
  .strict()
  .meta({ id: 'RoleCreate' });
export const RolePatchSchema = RoleCreateSchema.partial().strict().meta({ id: 'RolePatch' });
export type RoleCreate = z.infer<typeof RoleCreateSchema>;
export type RolePatch = z.infer<typeof RolePatchSchema>;

/** What a one-time link is for, shown before the person sets their password. */
export const LinkInfoSchema = z
  .object({ kind: z.enum(['invite', 'reset']), email: z.string(), organization: z.string(), expiresAt: z.string() })
  .meta({ id: 'LinkInfo' });
export type LinkInfo = z.infer<typeof LinkInfoSchema>;

const TokenSchema = z.string().min(20).max(100);

export const InviteAcceptSchema = z.object({ token: TokenSchema, name: DisplayNameSchema, password: NewPasswordSchema }).strict().meta({ id: 'InviteAccept' });
export type InviteAccept = z.infer<typeof InviteAcceptSchema>;

export const PasswordResetSchema = z.object({ token: TokenSchema, password: NewPasswordSchema }).strict().meta({ id: 'PasswordReset' });
export type PasswordReset = z.infer<typeof PasswordResetSchema>;

export const ProfilePatchSchema = z.object({ name: DisplayNameSchema }).strict().meta({ id: 'ProfilePatch' });
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;

export const OwnSessionSchema = z
  .object({ id: z.string(), current: z.boolean(), userAgent: z.string().nullable(), createdAt: z.string(), expiresAt: z.string() })
  .meta({ id: 'OwnSession' });
export type OwnSession = z.infer<typeof OwnSessionSchema>;
