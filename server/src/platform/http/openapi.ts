import { createRoute, z } from '@hono/zod-openapi';
import { ApiErrorSchema, itemsOf, pathParam, uuidParams } from '@foyer/schema/validation';
import type { Context } from 'hono';
import { auth, type AppEnv } from './context.ts';
import type { Actor } from '../../domains/customers/service.ts';
import { permit, type Permission } from '../permissions.ts';

/** The pieces every directory route (companies, tags, custom fields, settings, segments, lists) is declared with. */

export const error = (description: string) => ({ content: { 'application/json': { schema: ApiErrorSchema } }, description });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

// The shapes routes are built from (lists, path parameters) are @foyer/schema's, like every wire shape.
export { itemsOf, pathParam, uuidParams };

/** What every route of one OpenAPI tag shares: the tag and the session cookie. */
export const routeDefaults = (tag: string) => ({ tags: [tag], security: [{ cookieAuth: [] }] });

export const orgOf = (c: Context<AppEnv>) => auth(c).organization.id;

/** Who acts: the signed-in staff member, their organization and its phone country. */
export const actorOf = (c: Context<AppEnv>): Actor => {
  const me = auth(c);
  return { orgId: me.organization.id, userId: me.user.id, defaultCountry: me.organization.defaultCountry };
};

type Responses = Record<number, ReturnType<typeof error>>;
type BodyRoute<B, T> = { permission: Permission; input: B; output: T; summary: string; responses?: Responses };

/**
 * The routes most directory resources have, declared once: `tag` groups them in the OpenAPI
 * document, `what` names one record in messages ("No such tag in this organization"); each names
 * the permission it needs.
 */
export function resourceRoutes(tag: string, what: string) {
  const defaults = routeDefaults(tag);
  const params = uuidParams(what);
  const missing = { 404: error(`No such ${what} in this organization`) };
  return {
    /** `GET /`: all of the organization's records, as `{ items }`. */
    list: <T extends z.ZodType>(permission: Permission, item: T, summary: string) =>
      createRoute({
        ...defaults,
        ...permit(permission),
        method: 'get',
        path: '/',
        summary,
        responses: { 200: json(itemsOf(item), summary) },
      }),

    /** `POST /`: 201 with the new record; 409 when its name (or key) is taken. */
    create: <B extends z.ZodType, T extends z.ZodType>({ permission, input, output, summary, responses }: BodyRoute<B, T>) =>
      createRoute({
        ...defaults,
        ...permit(permission),
        method: 'post',
        path: '/',
        summary,
        request: body(input),
        responses: { 201: json(output, 'Created'), 400: error('Not valid'), 409: error('Its name is taken'), ...responses },
      }),

    /** `PATCH /{id}`: some fields of a record; 200 with the record as it is now. */
    patch: <B extends z.ZodType, T extends z.ZodType>({ permission, input, output, summary, responses }: BodyRoute<B, T>) =>
      createRoute({
        ...defaults,
        ...permit(permission),
        method: 'patch',
        path: '/{id}',
        summary,
        request: { params, ...body(input) },
        responses: { 200: json(output, `The ${what}`), 400: error('Not valid'), ...missing, ...responses },
      }),

    /** `DELETE /{id}`: 204; 404 for an id that is not the organization's, whoever else has it. */
    remove: (permission: Permission, summary: string, responses: Responses = {}) =>
      createRoute({
        ...defaults,
        ...permit(permission),
        method: 'delete',
        path: '/{id}',
        summary,
        request: { params },
        responses: { 204: { description: 'Deleted' }, ...missing, ...responses },
      }),
  };
}
