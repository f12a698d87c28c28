import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiErrorSchema, permissionDescriptions, rolePermissions, type Permission, type Role } from '@foyer/schema/validation';
import type { Hono, MiddlewareHandler } from 'hono';
import type { StaffClientToServer } from '@foyer/schema/realtime';
import { AppError } from './errors.ts';
import { auth, type AppEnv } from './http/context.ts';
import type { StaffSocket } from './realtime/io.ts';

export { permissionDescriptions, permissions, rolePermissions, type Permission } from '@foyer/schema/validation';

const granted = new Map<Role, ReadonlySet<Permission>>(Object.entries(rolePermissions).map(([role, list]) => [role as Role, new Set(list)]));

/**
 * THE decision: whether this staff member may do that. Every route and /staff socket event asks
 * it through its declaration (`permit(…)`, `onPermitted(…)`); nothing else looks at roles.
 */
export function can(user: { role: Role; permissions?: readonly Permission[] }, permission: Permission): boolean {
  // A signed-in user carries what they may do (their custom role's, or their built-in role's set).
  if (user.permissions) return user.permissions.includes(permission);
  return granted.get(user.role)?.has(permission) ?? false;
}

// ---------------------------------------------------------------------------------------------
// HTTP: each route declares who may call it, spread into its createRoute config.

/** The access middleware of declared routes: what tells a declared route from one that forgot. */
const declared = new WeakSet<MiddlewareHandler>();
const mark = (handler: MiddlewareHandler<AppEnv>) => (declared.add(handler as MiddlewareHandler), handler);

const forbidden = (permission: Permission) =>
  new AppError(403, 'forbidden', `Your role may not do this: it needs the permission ${permission} (${permissionDescriptions[permission]})`);

/**
 * For the rules a route's declaration cannot express (a field of the body, whose object it is): the
 * route has let the user in, but this part of the request needs `permission` too. Refuses with a 403
 * that says what was refused and which permission it needs.
 */
export function demand(user: { role: Role; permissions?: readonly Permission[] }, permission: Permission, what: string): void {
  if (!can(user, permission))
    throw new AppError(403, 'forbidden', `Your role may not ${what}: it needs the permission ${permission} (${permissionDescriptions[permission]})`);
}

/** `demand` bound to the request's user, for a service to call once it knows the object. */
export type Demand = (permission: Permission, what: string) => void;

/**
 * `...permit('customers.edit')` in a createRoute config: the route needs a session (else 401) whose
 * user `can` do that (else 403, before the request is validated or any record looked up). The
 * OpenAPI operation says so as `x-permission`, with its 401 and 403 responses.
 */
export function permit(permission: Permission): { middleware: MiddlewareHandler<AppEnv>; 'x-permission': Permission } {
  const middleware = mark(async (c, next) => {
    const who = auth(c);
    if (!can(who.user, permission)) throw forbidden(permission);
    // An API key may do only what it was given, within what its maker's role allows.
    if (who.apiKey && !who.apiKey.permissions.includes(permission))
      throw new AppError(403, 'forbidden', `This API key may not do this: it needs the permission ${permission} (${permissionDescriptions[permission]})`);
    await next();
  });
  return { middleware, 'x-permission': permission };
}

/** For the few plain Hono routes (the health check, the OpenAPI document): no session needed. */
export const publicHandler = mark((_c, next) => next());

/** No session needed: the public booking flow, device pairing, signing in. `x-public` in the document. */
permit.public = { middleware: publicHandler, 'x-public': true as const };

/** Any signed-in staff member, whatever their role: their own account and notifications. `x-signed-in` in the document. */
permit.signedIn = {
  middleware: mark(async (c, next) => {
    auth(c);
    await next();
  }),
  'x-signed-in': true as const,
};

const errorResponse = (description: string) => ({ content: { 'application/json': { schema: ApiErrorSchema } }, description });

/** Gives every declared operation of the document the 401 and 403 its declaration answers. */
export function documentAccess(registry: OpenAPIHono['openAPIRegistry']) {
  for (const def of registry.definitions) {
    if (def.type !== 'route') continue;
    const route = def.route as typeof def.route & { 'x-permission'?: Permission; 'x-signed-in'?: true };
    const permission = route['x-permission'];
    if (!permission && !route['x-signed-in']) continue;
    route.responses = {
      ...route.responses,
      401: route.responses[401] ?? errorResponse('Not signed in'),
      ...(permission && { 403: errorResponse(`The role lacks ${permission}: ${permissionDescriptions[permission]}`) }),
    };
  }
}

/**
 * The routes of `app` that declare no access (`METHOD /path`): none may, so the server refuses to
 * start with one (a route that forgot would otherwise answer without a session). Middleware
 * registered for all methods or a wildcard path is not a route.
 */
export function undeclaredRoutes(app: Hono<AppEnv>): string[] {
  const routes = new Map<string, boolean>();
  for (const { method, path, handler } of app.routes) {
    if (method === 'ALL' || path.endsWith('*')) continue;
    const key = `${method} ${path}`;
    const own = (handler as { __COMPOSED_HANDLER?: MiddlewareHandler }).__COMPOSED_HANDLER ?? handler;
    routes.set(key, (routes.get(key) ?? false) || declared.has(own as MiddlewareHandler));
  }
  return [...routes].filter(([, ok]) => !ok).map(([route]) => route);
}

// ---------------------------------------------------------------------------------------------
// Sockets: each /staff event handler declares the permission it needs.

type StaffEvent = keyof StaffClientToServer;
const permittedHandlers = new WeakSet<(...args: never[]) => unknown>();

/** Every /staff event declared so far, with the permission it needs (for the tests and the docs). */
export const staffEventPermissions = new Map<StaffEvent, Permission>();

/**
 * `socket.on(event, handler)` for a /staff event that needs `permission`: the handler runs only
 * when the socket's user `can`; otherwise the event is dropped and its ack (if it has one) answers
 * `{ error: 'forbidden' }`.
 */
export function onPermitted<E extends StaffEvent>(socket: StaffSocket, event: E, permission: Permission, handler: StaffClientToServer[E]) {
  const guarded = (...args: unknown[]) => {
    if (can(socket.data.auth.user, permission)) return (handler as (...a: unknown[]) => unknown)(...args);
    const ack = args.at(-1);
    if (typeof ack === 'function') ack({ error: 'forbidden' });
  };
  permittedHandlers.add(guarded);
  staffEventPermissions.set(event, permission);
  socket.on(event, guarded as never);
}

/** socket.io's own events, which no client sends. */
const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener', 'error']);

/** The events of a connected /staff socket with a handler that was not declared through `onPermitted`. */
export function undeclaredSocketHandlers(socket: StaffSocket): string[] {
  return socket
    .eventNames()
    .map(String)
    .filter((event) => !RESERVED_EVENTS.has(event) && socket.listeners(event as StaffEvent).some((h) => !permittedHandlers.has(h as never)));
}
