import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import {
  DEFAULT_PAGE_SIZE,
  BulkActionSchema,
  BulkResultSchema,
  CustomerExportRequestSchema,
  DIRECT_EXPORT_MAX,
  JobRunSchema,
  CustomerCreateSchema,
  CustomerPageSchema,
  CustomerPatchSchema,
  CustomerHistorySchema,
  CustomerRefParamsSchema,
  CustomerSchema,
  customerQueryKeys,
  DeletionImpactSchema,
  parseCustomerQuery,
} from '@foyer/schema/validation';
import { AppError, invalid } from '../../platform/errors.ts';
import type { CustomerJobService } from './jobs.ts';
import { auth, validationHook, type AppEnv } from '../../platform/http/context.ts';
import { demand, permit } from '../../platform/permissions.ts';
import type { CustomerBulkService } from './bulk-service.ts';
import type { CustomerPhotoService } from './photo-service.ts';
import type { CustomerService } from './service.ts';
import { actorOf, body, error, json, orgOf, uuidParams } from '../../platform/http/openapi.ts';

const RefParams = CustomerRefParamsSchema;

const common = { tags: ['customers'], security: [{ cookieAuth: [] }] };
const listQueryDoc = `Query parameters: ${customerQueryKeys.join(', ')}, cf.<custom field key>. See docs/directory-api.md.`;

const list = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/',
  summary: 'A page of the list: search, filters, sort (L1–L4)',
  description: listQueryDoc,
  responses: { 200: json(CustomerPageSchema, 'A page of customers'), 400: error('An unknown or invalid parameter'), 401: error('Not signed in') },
});

const create = createRoute({
  ...common,
  ...permit('customers.edit'),
  method: 'post',
  path: '/',
  summary: 'Create a customer (C4: a first + last name, an email, or a first name + a valid phone)',
  request: body(CustomerCreateSchema),
  responses: {
    201: json(CustomerSchema, 'Created'),
    400: error('Not a valid customer; issues name the fields'),
    401: error('Not signed in'),
    409: error('An email or the customer number belongs to another customer'),
  },
});

const exportCsv = createRoute({
  ...common,
  ...permit('customers.export'),
  method: 'get',
  path: '/export.csv',
  summary: `Export chosen customers (ids=a,b,c) or a list query of at most ${DIRECT_EXPORT_MAX} matches as CSV, streamed, in the list's sort order (I2)`,
  description: `${listQueryDoc} A query matching more than ${DIRECT_EXPORT_MAX} customers answers 413: export it with POST /api/customers/exports.`,
  responses: {
    200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' },
    400: error('Bad query'),
    413: error(`More than ${DIRECT_EXPORT_MAX} customers match: use POST /api/customers/exports`),
  },
});

const startExport = createRoute({
  ...common,
  ...permit('customers.export'),
  method: 'post',
  path: '/exports',
  summary:
    "Export a whole segment (a list query) as CSV in the background (I2): 202 with the job; GET /api/jobs/{id} or job:progress on /staff follow it, and its result's fileUrl downloads the file",
  request: body(CustomerExportRequestSchema),
  responses: {
    202: json(JobRunSchema, 'The export job (Location: /api/jobs/{id}); the same export while one runs is that job'),
    400: error('Bad query or sort'),
  },
});

const exportFile = createRoute({
  ...common,
  ...permit('customers.export'),
  method: 'get',
  path: '/exports/{id}/file',
  summary: 'The CSV a finished export job wrote, streamed; kept for 24 hours after it finished',
  request: { params: uuidParams('export') },
  responses: {
    200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' },
    404: error('No such export in this organization'),
    409: error('The export is still running, or failed'),
    410: error('The export is older than 24 hours and its file is gone'),
  },
});

const bulk = createRoute({
  ...common,
  ...permit('customers.bulk'),
  method: 'post',
  path: '/bulk',
  summary: 'Add or remove tags, or add to a marketing list, for chosen customers (in the request) or a whole query (as a background job) (L5)',
  request: body(BulkActionSchema),
  responses: {
    200: json(BulkResultSchema, 'Chosen ids: what changed'),
    202: json(
      JobRunSchema,
      'A list query: the job (Location: /api/jobs/{id}); its result is a BulkResult. The same action on the same query while one runs is that job',
    ),
    400: error('Not valid'),
    404: error('No such list'),
  },
});

const get = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/{ref}',
  summary: 'One customer by system id or customer number',
  request: { params: RefParams },
  responses: { 200: json(CustomerSchema, 'The customer'), 401: error('Not signed in'), 404: error('No such customer') },
});

const patch = createRoute({
  ...common,
  ...permit('customers.edit'),
  method: 'patch',
  path: '/{ref}',
  summary: 'Change some fields; lists replace the old list; null clears; custom changes only its keys',
  request: { params: RefParams, ...body(CustomerPatchSchema) },
  responses: {
    200: json(CustomerSchema, 'The updated customer'),
    400: error('Not valid'),
    401: error('Not signed in'),
    404: error('No such customer'),
    409: error('An email or the customer number belongs to another customer'),
  },
});

const remove = createRoute({
  ...common,
  ...permit('customers.delete'),
  method: 'delete',
  path: '/{ref}',
  summary: 'Delete a customer; see deletion-impact first',
  request: { params: RefParams },
  responses: { 204: { description: 'Deleted' }, 401: error('Not signed in'), 404: error('No such customer') },
});

const impact = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/{ref}/deletion-impact',
  summary: 'What a delete takes with it (C9)',
  request: { params: RefParams },
  responses: { 200: json(DeletionImpactSchema, 'Counts'), 404: error('No such customer') },
});

const erase = createRoute({
  ...common,
  ...permit('customers.erase'),
  method: 'post',
  path: '/{ref}/erase',
  summary: 'Erase the personal data on request, keeping the anonymous record (C9)',
  request: { params: RefParams },
  responses: { 200: json(CustomerSchema, 'The erased customer'), 404: error('No such customer') },
});

const history = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/{ref}/history',
  summary: 'Who changed what and when (C10), newest first',
  request: { params: RefParams },
  responses: { 200: json(CustomerHistorySchema, 'Audit entries'), 401: error('Not signed in'), 404: error('No such customer') },
});

const putPhoto = createRoute({
  ...common,
  ...permit('customers.edit'),
  method: 'put',
  path: '/{ref}/photo',
  summary: 'Set the photo: raw JPEG, PNG, WebP or GIF bytes up to 8 MiB; stored as a 512 px WebP',
  request: { params: RefParams },
  responses: { 200: json(CustomerSchema, 'The customer with its photoUrl'), 400: error('Not an image'), 413: error('Too large'), 415: error('Wrong type') },
});

const deletePhoto = createRoute({
  ...common,
  ...permit('customers.edit'),
  method: 'delete',
  path: '/{ref}/photo',
  summary: 'Remove the photo',
  request: { params: RefParams },
  responses: { 200: json(CustomerSchema, 'The customer'), 404: error('No such customer') },
});

const getPhoto = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/{ref}/photo',
  summary: 'The photo (image/webp)',
  request: { params: RefParams },
  responses: { 200: { content: { 'image/webp': { schema: z.string() } }, description: 'The photo' }, 404: error('No photo') },
});

type CustomerServices = { customers: CustomerService; photos: CustomerPhotoService; bulk: CustomerBulkService; customerJobs: CustomerJobService };

export function customerRoutes({ customers, photos, bulk: bulkService, customerJobs }: CustomerServices) {
  return (
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
      .openapi(list, async (c) => {
        const params = new URL(c.req.url).searchParams;
        // A page larger than the default pages out the base as an export would, without being one.
        if (Number(params.get('pageSize')) > DEFAULT_PAGE_SIZE)
          demand(auth(c).user, 'customers.browse', `list more than ${DEFAULT_PAGE_SIZE} customers at once`);
        return c.json(await customers.list(actorOf(c), params), 200);
      })
      .openapi(create, async (c) => c.json(await customers.create(actorOf(c), c.req.valid('json')), 201))
      // Static paths before /{ref}: the router tries routes in the order they were added.
      .openapi(exportCsv, async (c) => {
        const params = new URL(c.req.url).searchParams;
        const ids = params.get('ids');
        const sort = params.get('sort') ?? undefined;
        for (const key of ['page', 'pageSize', 'sort']) params.delete(key);
        const target = ids ? { ids: ids.split(',').filter(Boolean) } : { query: params.toString() };
        const actor = actorOf(c);
        // Validate before the first byte goes out, so a bad query is a 400 and not a broken download.
        const sortCheck = parseCustomerQuery(sort ? { sort } : {});
        if (!sortCheck.ok) throw invalid('Not a valid sort', sortCheck.issues);
        if (await bulkService.tooManyToStream(actor, target))
          throw new AppError(
            413,
            'export_too_large',
            `More than ${DIRECT_EXPORT_MAX} customers match: export them with POST /api/customers/exports, which runs as a background job`,
          );
        c.header('content-type', 'text/csv; charset=utf-8');
        c.header('content-disposition', `attachment; filename="customers-${new Date().toISOString().slice(0, 10)}.csv"`);
        return stream(c, async (out) => {
          await bulkService.exportCsv(
            actor,
            target,
            sort,
            (chunk) => out.write(chunk).then(() => undefined),
            () => out.aborted,
          );
        });
      })
      .openapi(startExport, async (c) => {
        const job = await customerJobs.startExport(actorOf(c), c.req.valid('json'));
        c.header('location', `/api/jobs/${job.id}`);
        return c.json(job, 202);
      })
      .openapi(exportFile, async (c) => {
        const orgId = orgOf(c);
        const { id } = c.req.valid('param');
        const file = await customerJobs.exportDownload(orgId, id);
        c.header('content-type', 'text/csv; charset=utf-8');
        c.header('content-length', String(file.bytes));
        c.header('content-disposition', `attachment; filename="${file.filename}"`);
        c.header('cache-control', 'private, no-store');
        return stream(c, async (out) => {
          await customerJobs.readExport(
            orgId,
            id,
            (data) => out.write(data).then(() => undefined),
            () => out.aborted,
          );
        });
      })
      .openapi(bulk, async (c) => {
        const action = c.req.valid('json');
        if ('ids' in action.target) return c.json(await bulkService.run(actorOf(c), action), 200);
        demand(auth(c).user, 'segments.bulk', 'act on every customer of a segment or query at once (choose rows instead)');
        const job = await customerJobs.startBulk(actorOf(c), { ...action, target: action.target });
        c.header('location', `/api/jobs/${job.id}`);
        return c.json(job, 202);
      })
      .openapi(get, async (c) => c.json(await customers.get(auth(c).organization.id, c.req.valid('param').ref), 200))
      .openapi(patch, async (c) => {
        const user = auth(c).user;
        return c.json(await customers.update(actorOf(c), c.req.valid('param').ref, c.req.valid('json'), (p, what) => demand(user, p, what)), 200);
      })
      .openapi(remove, async (c) => {
        await customers.delete(actorOf(c), c.req.valid('param').ref);
        return c.body(null, 204);
      })
      .openapi(impact, async (c) => c.json(await customers.deletionImpact(auth(c).organization.id, c.req.valid('param').ref), 200))
      .openapi(erase, async (c) => {
        return c.json(await customers.erase(actorOf(c), c.req.valid('param').ref), 200);
      })
      .openapi(history, async (c) => c.json(await customers.history(auth(c).organization.id, c.req.valid('param').ref), 200))
      .openapi(putPhoto, async (c) =>
        c.json(await photos.set(actorOf(c), c.req.valid('param').ref, c.req.header('content-type'), await c.req.arrayBuffer()), 200),
      )
      .openapi(deletePhoto, async (c) => c.json(await photos.remove(actorOf(c), c.req.valid('param').ref), 200))
      .openapi(getPhoto, async (c) => {
        const photo = await photos.get(auth(c).organization.id, c.req.valid('param').ref);
        // The URL carries the photo's version, so a cached copy is never stale.
        return c.body(new Uint8Array(photo.bytes), 200, {
          'content-type': photo.contentType,
          'cache-control': 'private, max-age=31536000, immutable',
        });
      })
  );
}
