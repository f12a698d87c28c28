import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { InviteAcceptSchema, LinkInfoSchema, LoginSchema, MeSchema, OwnSessionSchema, PasswordResetSchema, ProfilePatchSchema } from '@foyer/schema/validation';
import { z } from 'zod';
import { body, error, json, uuidParams } from '../../platform/http/openapi.ts';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { auth, clientAddress, SESSION_COOKIE, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { setSessionCookie } from '../../platform/http/middleware.ts';
import { hashToken, type AuthService } from './service.ts';
import type { TeamService } from './team-service.ts';
import { permit } from '../../platform/permissions.ts';

const login = createRoute({
  ...permit.public,
  method: 'post',
  path: '/login',
  tags: ['auth'],
  summary: 'Sign in; sets the HttpOnly session cookie',
  request: body(LoginSchema),
  responses: {
    200: { content: { 'application/json': { schema: MeSchema } }, description: 'Signed in' },
    400: error('Malformed request'),
    401: error('Wrong email or password'),
    429: error('Too many failed attempts; see Retry-After'),
  },
});

const logout = createRoute({
  ...permit.public,
  method: 'post',
  path: '/logout',
  tags: ['auth'],
  summary: 'Sign out; ends the session',
  responses: { 204: { description: 'Signed out' } },
});

const me = createRoute({
  ...permit.signedIn,
  method: 'get',
  path: '/me',
  tags: ['auth'],
  summary: 'The signed-in staff member and their organization',
  security: [{ cookieAuth: [] }],
  responses: { 200: { content: { 'application/json': { schema: MeSchema } }, description: 'Who is signed in' }, 401: error('Not signed in') },
});

const linkErrors = { 400: error('Not valid'), 410: error('The link expired or was used'), 429: error('Too many invalid links; see Retry-After') };

const checkLink = createRoute({
  ...permit.public,
  method: 'post',
  path: '/links/check',
  tags: ['auth'],
  summary: 'What a one-time link (invitation or password reset) is for, without using it (the token stays out of URLs)',
  request: body(z.object({ token: z.string().min(1).max(100) }).meta({ id: 'LinkCheck' })),
  responses: { 200: json(LinkInfoSchema, 'The live link'), ...linkErrors },
});

const acceptInvite = createRoute({
  ...permit.public,
  method: 'post',
  path: '/invites/accept',
  tags: ['auth'],
  summary: 'Join with an invitation: set a name and password; signs in',
  request: body(InviteAcceptSchema),
  responses: { 200: json(MeSchema, 'Joined and signed in'), 409: error('The email already has an account'), ...linkErrors },
});

const resetPassword = createRoute({
  ...permit.public,
  method: 'post',
  path: '/password-reset',
  tags: ['auth'],
  summary: 'Set a new password with a reset link: every other session of the member ends; signs in',
  request: body(PasswordResetSchema),
  responses: { 200: json(MeSchema, 'Password set and signed in'), ...linkErrors },
});

const patchMe = createRoute({
  ...permit.signedIn,
  method: 'patch',
  path: '/me',
  tags: ['auth'],
  summary: "Change one's own display name (mentions and presence show it)",
  request: body(ProfilePatchSchema),
  responses: { 200: json(MeSchema, 'Who is signed in, renamed'), 400: error('Not valid') },
});

const putAvatar = createRoute({
  ...permit.signedIn,
  method: 'put',
  path: '/me/avatar',
  tags: ['auth'],
  summary: "Set one's own picture: raw JPEG, PNG, WebP or GIF bytes up to 1 MiB; stored as a 160 px WebP",
  responses: { 200: json(MeSchema, 'Who is signed in, with the picture'), 400: error('Not an image') },
});

const deleteAvatar = createRoute({
  ...permit.signedIn,
  method: 'delete',
  path: '/me/avatar',
  tags: ['auth'],
  summary: "Remove one's own picture",
  responses: { 200: json(MeSchema, 'Who is signed in') },
});

const ownSessions = createRoute({
  ...permit.signedIn,
  method: 'get',
  path: '/sessions',
  tags: ['auth'],
  summary: "One's own sessions (browsers signed in), newest first",
  responses: { 200: json(z.object({ items: z.array(OwnSessionSchema) }), 'The sessions') },
});

const endSession = createRoute({
  ...permit.signedIn,
  method: 'delete',
  path: '/sessions/{id}',
  tags: ['auth'],
  summary: "Sign one of one's own sessions out (its sockets end at once)",
  request: { params: uuidParams('session') },
  responses: { 204: { description: 'Signed out' }, 404: error('No such session of yours') },
});

const endOtherSessions = createRoute({
  ...permit.signedIn,
  method: 'post',
  path: '/sessions/end-others',
  tags: ['auth'],
  summary: "Sign out everywhere else: every session of one's own but this one",
  responses: { 200: json(z.object({ ended: z.number().int() }), 'How many sessions ended') },
});

export function authRoutes(authService: AuthService, team: TeamService, secureCookies: boolean) {
  const fresh = async (c: Context<AppEnv>) => {
    const session = await authService.authenticate(getCookie(c, SESSION_COOKIE));
    return { user: session!.user, organization: session!.organization };
  };
  const currentHash = (c: Context<AppEnv>) => hashToken(getCookie(c, SESSION_COOKIE) ?? '');
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      const { token, me } = await authService.login(email, password, clientAddress(c), c.req.header('user-agent'));
      setSessionCookie(c, token, secureCookies);
      return c.json(me, 200);
    })
    .openapi(logout, async (c) => {
      await authService.logout(getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    })
    .openapi(me, (c) => c.json(auth(c), 200))
    .openapi(checkLink, async (c) => c.json(await team.linkInfo(c.req.valid('json').token, clientAddress(c)), 200))
    .openapi(acceptInvite, async (c) => {
      const { token, me } = await team.acceptInvite(c.req.valid('json'), clientAddress(c), c.req.header('user-agent'));
      setSessionCookie(c, token, secureCookies);
      return c.json(me, 200);
    })
    .openapi(resetPassword, async (c) => {
      const { token, me } = await team.resetPassword(c.req.valid('json'), clientAddress(c), c.req.header('user-agent'));
      setSessionCookie(c, token, secureCookies);
      return c.json(me, 200);
    })
    .openapi(patchMe, async (c) => {
      const { user, organization } = auth(c);
      await team.setName(organization.id, user.id, c.req.valid('json').name);
      return c.json(await fresh(c), 200);
    })
    .openapi(putAvatar, async (c) => {
      const { user, organization } = auth(c);
      await team.setAvatar(organization.id, user.id, await c.req.arrayBuffer());
      return c.json(await fresh(c), 200);
    })
    .openapi(deleteAvatar, async (c) => {
      const { user, organization } = auth(c);
      await team.removeAvatar(organization.id, user.id);
      return c.json(await fresh(c), 200);
    })
    .openapi(ownSessions, async (c) => c.json({ items: await team.sessions(auth(c).user.id, currentHash(c)) }, 200))
    .openapi(endSession, async (c) => {
      await team.endSession(auth(c).user.id, c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(endOtherSessions, async (c) => c.json({ ended: await team.endOtherSessions(auth(c).user.id, currentHash(c)) }, 200));
}
