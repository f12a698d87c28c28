import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import {
  ImportPreviewSchema,
  ImportSchema,
  ImportSettingsSchema,
  ImportUploadResultSchema,
  JobRunSchema,
  SavedMappingCreateSchema,
  SavedMappingSchema,
} from '@foyer/schema/validation';
import { AppError } from '../../platform/errors.ts';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import { actorOf, body, error, itemsOf, json, orgOf, routeDefaults, uuidParams } from '../../platform/http/openapi.ts';
import { permit } from '../../platform/permissions.ts';
import type { ImportService } from './service.ts';

const common = { ...routeDefaults('imports'), ...permit('customers.import') };
const params = { params: uuidParams('import') };
const missing = error('No such import in this organization');

const upload = createRoute({
  ...common,
  method: 'post',
  path: '/customers',
  summary: 'Upload a CSV file of customers (the raw bytes as the body, up to 200 MB; ?fileName=): its encoding, delimiter, header and a suggested mapping',
  request: {
    query: z.object({ fileName: z.string().max(200).optional() }),
    body: { content: { 'text/csv': { schema: z.string() }, 'application/octet-stream': { schema: z.string() } }, required: true },
  },
  responses: {
    201: json(ImportUploadResultSchema, 'The import, the suggested mapping and the first rows'),
    400: error('Not a text file, empty, only a header, duplicate column names, broken quoting (the message names the line)'),
    413: error('Over the upload limit'),
  },
});
const list = createRoute({
  ...common,
  method: 'get',
  path: '/',
  summary: 'The import history, newest first',
  responses: { 200: json(itemsOf(ImportSchema), 'Imports') },
});
const get = createRoute({
  ...common,
  method: 'get',
  path: '/{id}',
  summary: 'An import',
  request: params,
  responses: { 200: json(ImportSchema, 'The import'), 404: missing },
});
const configure = createRoute({
  ...common,
  method: 'put',
  path: '/{id}/settings',
  summary: 'Set the mapping (and override the encoding or delimiter); checked against the file',
  request: { ...params, ...body(ImportSettingsSchema) },
  responses: {
    200: json(ImportSchema, 'The import'),
    400: error('A field mapped twice, an unknown custom field, columns that do not match'),
    404: missing,
    409: error('Already run'),
  },
});
const preview = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/preview',
  summary: 'The first 100 rows as they would land: customer, match, row errors. Writes nothing',
  request: params,
  responses: { 200: json(ImportPreviewSchema, 'The preview'), 404: missing, 409: error('No mapping yet') },
});
const run = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/run',
  summary: 'Run the import, or a dry run of the whole file (counts only), as a background job (progress: job:progress on /staff)',
  request: { ...params, ...body(z.object({ dryRun: z.boolean().default(false) }).strict()) },
  responses: { 202: json(JobRunSchema, 'The job'), 404: missing, 409: error('No mapping yet, or already run') },
});
const cancel = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/cancel',
  summary: 'Stop a running import after its current batch; what it finished stays (undo takes it back)',
  request: params,
  responses: { 200: json(ImportSchema, 'The import'), 404: missing, 409: error('Not running') },
});
const undo = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/undo',
  summary: 'Undo an import: remove the customers it created that nobody changed since, put back what it overwrote; says what it kept',
  request: params,
  responses: { 200: json(ImportSchema, 'The import, with what undo did'), 404: missing, 409: error('Running, or nothing to undo') },
});
const errorsCsv = createRoute({
  ...common,
  method: 'get',
  path: '/{id}/errors.csv',
  summary: "The rows that failed, as the file had them, with each row's line and reasons",
  request: params,
  responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV' }, 404: missing },
});
const listMappings = createRoute({
  ...common,
  method: 'get',
  path: '/mappings',
  summary: 'Saved mappings',
  responses: { 200: json(itemsOf(SavedMappingSchema), 'Saved mappings') },
});
const saveMapping = createRoute({
  ...common,
  method: 'post',
  path: '/mappings',
  summary: 'Save a mapping under a name (the same name replaces it)',
  request: body(SavedMappingCreateSchema),
  responses: { 201: json(SavedMappingSchema, 'Saved'), 400: error('Not a valid mapping') },
});
const deleteMapping = createRoute({
  ...common,
  method: 'delete',
  path: '/mappings/{id}',
  summary: 'Delete a saved mapping',
  request: { params: uuidParams('mapping') },
  responses: { 204: { description: 'Deleted' }, 404: error('No such mapping') },
});

export function importRoutes({ imports }: { imports: ImportService }) {
  return (
    new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
      .openapi(upload, async (c) => {
        const raw = c.req.raw.body;
        if (!raw) throw new AppError(400, 'empty', 'This file is empty');
        const fileName = c.req.valid('query').fileName ?? 'customers.csv';
        return c.json(await imports.upload(actorOf(c), fileName, raw as unknown as AsyncIterable<Uint8Array>), 201);
      })
      .openapi(list, async (c) => c.json({ items: await imports.list(orgOf(c)) }, 200))
      // Static paths before /{id}.
      .openapi(listMappings, async (c) => c.json({ items: await imports.listMappings(orgOf(c)) }, 200))
      .openapi(saveMapping, async (c) => {
        const { name, mapping } = c.req.valid('json');
        return c.json(await imports.saveMapping(actorOf(c), name, mapping), 201);
      })
      .openapi(deleteMapping, async (c) => {
        await imports.deleteMapping(orgOf(c), c.req.valid('param').id);
        return c.body(null, 204);
      })
      .openapi(get, async (c) => c.json(await imports.get(orgOf(c), c.req.valid('param').id), 200))
      .openapi(configure, async (c) => c.json(await imports.configure(actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200))
      .openapi(preview, async (c) => c.json(await imports.preview(actorOf(c), c.req.valid('param').id), 200))
      .openapi(run, async (c) => {
        const job = await imports.run(actorOf(c), c.req.valid('param').id, c.req.valid('json').dryRun);
        c.header('location', `/api/jobs/${job.id}`);
        return c.json(job, 202);
      })
      .openapi(cancel, async (c) => c.json(await imports.cancel(actorOf(c), c.req.valid('param').id), 200))
      .openapi(undo, async (c) => c.json(await imports.undo(actorOf(c), c.req.valid('param').id), 200))
      .openapi(errorsCsv, async (c) => {
        const orgId = orgOf(c);
        const { id } = c.req.valid('param');
        await imports.get(orgId, id); // a 404 before the first byte
        c.header('content-type', 'text/csv; charset=utf-8');
        c.header('content-disposition', `attachment; filename="import-errors-${id.slice(0, 8)}.csv"`);
        return stream(c, async (out) => {
          await imports.errorsCsv(orgId, id, (text) => out.write(text).then(() => undefined));
        });
      })
  );
}
