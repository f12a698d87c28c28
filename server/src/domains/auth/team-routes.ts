import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  CustomRoleSchema,
  InviteCreatedSchema,
  InviteCreateSchema,
  MemberPatchSchema,
  OneTimeLinkSchema,
  RoleCreateSchema,
  RolePatchSchema,
  TeamMemberSchema,
  TeamSchema,
} from '@foyer/schema/validation';
import type { Context } from 'hono';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { body, error, json, uuidParams } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';
import type { TeamService } from './team-service.ts';

const team = { tags: ['team'] };
const missing = { 404: error('No such member, invitation or role in this organization') };

const list = createRoute({
  ...team,
  ...permit('team.view'),
  method: 'get',
  path: '/',
  summary: 'The members (role, last sign-in, active), pending invitations and custom roles',
  responses: { 200: json(TeamSchema, 'The team') },
});

const invite = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'post',
  path: '/invites',
  summary: 'Invite someone by email: a one-time link (7 days) to copy and send; replaces a pending invitation to the same address',
  request: body(InviteCreateSchema),
  responses: {
    201: json(InviteCreatedSchema, 'The invitation and its link'),
    400: error('Not valid'),
    404: error('No such role'),
    409: error('The email already has an account'),
    429: error('Too many links made this hour'),
  },
});

const revokeInvite = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'delete',
  path: '/invites/{id}',
  summary: 'Withdraw a pending invitation: its link stops working',
  request: { params: uuidParams('invitation') },
  responses: { 204: { description: 'Withdrawn' }, ...missing },
});

const patchMember = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'patch',
  path: '/members/{id}',
  summary: "Change a member's role, deactivate (their sessions and sockets end at once) or reactivate them",
  request: { params: uuidParams('member'), ...body(MemberPatchSchema) },
  responses: {
    200: json(TeamMemberSchema, 'The member'),
    400: error('Not valid'),
    ...missing,
    409: error('Oneself, or the last active owner'),
  },
});

const resetLink = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'post',
  path: '/members/{id}/reset-link',
  summary: "A one-time link (1 hour) for the member to set a new password; using it ends the member's other sessions",
  request: { params: uuidParams('member') },
  responses: { 201: json(OneTimeLinkSchema, 'The link'), ...missing, 409: error('The member is deactivated'), 429: error('Too many links made this hour') },
});

const avatar = createRoute({
  ...team,
  ...permit.signedIn,
  method: 'get',
  path: '/members/{id}/avatar',
  summary: "A member's picture (the URL carries its version)",
  request: { params: uuidParams('member') },
  responses: { 200: { content: { 'image/*': { schema: z.string() } }, description: 'The picture' }, 404: error('No picture') },
});

const createRole = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'post',
  path: '/roles',
  summary: 'Define a custom role from the permission list',
  request: body(RoleCreateSchema),
  responses: { 201: json(CustomRoleSchema, 'The role'), 400: error('Not valid'), 409: error('The name is taken') },
});

const patchRole = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'patch',
  path: '/roles/{id}',
  summary: "Rename a custom role or change its permissions (its holders' sockets reconnect with them)",
  request: { params: uuidParams('role'), ...body(RolePatchSchema) },
  responses: { 200: json(CustomRoleSchema, 'The role'), 400: error('Not valid'), ...missing, 409: error('The name is taken') },
});

const deleteRole = createRoute({
  ...team,
  ...permit('team.manage'),
  method: 'delete',
  path: '/roles/{id}',
  summary: 'Delete a custom role that no member holds',
  request: { params: uuidParams('role') },
  responses: { 204: { description: 'Deleted' }, ...missing, 409: error('Members hold the role') },
});

const actor = (c: Context<AppEnv>) => {
  const me = auth(c);
  return { orgId: me.organization.id, userId: me.user.id, role: me.user.role };
};

/** Where the links point: the site the owner's browser is on (the API checked the Origin), else this server. */
const siteOf = (c: Context<AppEnv>) => c.req.header('origin') ?? new URL(c.req.url).origin;

/** Settings → Team: the members, invitations, reset links and custom roles. */
export function teamRoutes(service: TeamService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await service.team(auth(c).organization.id), 200))
    .openapi(invite, async (c) => c.json(await service.invite(actor(c), c.req.valid('json'), siteOf(c)), 201))
    .openapi(revokeInvite, async (c) => {
      await service.revokeInvite(auth(c).organization.id, c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(patchMember, async (c) => c.json(await service.updateMember(actor(c), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(resetLink, async (c) => c.json(await service.resetLink(actor(c), c.req.valid('param').id, siteOf(c)), 201))
    .openapi(avatar, async (c) => {
      const picture = await service.avatar(auth(c).organization.id, c.req.valid('param').id);
      return c.body(new Uint8Array(picture.bytes), 200, {
        'content-type': picture.contentType,
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
    })
    .openapi(createRole, async (c) => c.json(await service.createRole(auth(c).organization.id, c.req.valid('json')), 201))
    .openapi(patchRole, async (c) => c.json(await service.updateRole(auth(c).organization.id, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(deleteRole, async (c) => {
      await service.deleteRole(auth(c).organization.id, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
