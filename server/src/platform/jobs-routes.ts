import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { JobRunSchema } from '@foyer/schema/validation';
import type { Db } from './db/connect.ts';
import { validationHook, type AppEnv } from './http/context.ts';
import { notFound } from './errors.ts';
import { error, json, orgOf, routeDefaults, uuidParams } from './http/openapi.ts';
import { getJobRun } from './jobs.ts';
import { permit } from './permissions.ts';

const get = createRoute({
  ...routeDefaults('jobs'),
  ...permit.signedIn,
  method: 'get',
  path: '/{id}',
  summary: "A background job's status, progress and result (the same as job:progress on /staff brings live)",
  request: { params: uuidParams('job') },
  responses: { 200: json(JobRunSchema, 'The job'), 400: error('Not a job id'), 404: error('No such job in this organization') },
});

/** `GET /api/jobs/{id}`: any staff member of the job's organization; another organization's job is a 404. */
export function jobRoutes(db: Db) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(get, async (c) => {
    const run = await getJobRun(db, orgOf(c), c.req.valid('param').id);
    if (!run) throw notFound('Job');
    return c.json(run, 200);
  });
}
