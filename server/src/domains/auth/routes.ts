import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { LoginSchema, MeSchema } from '@foyer/schema/validation';
import { body, error } from '../../platform/http/openapi.ts';
import { deleteCookie, getCookie } from 'hono/cookie';
import { auth, clientAddress, SESSION_COOKIE, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { setSessionCookie } from '../../platform/http/middleware.ts';
import type { AuthService } from './service.ts';
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

export function authRoutes(authService: AuthService, secureCookies: boolean) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      const { token, me } = await authService.login(email, password, clientAddress(c));
      setSessionCookie(c, token, secureCookies);
      return c.json(me, 200);
    })
    .openapi(logout, async (c) => {
      await authService.logout(getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    })
    .openapi(me, (c) => c.json(auth(c), 200));
}
