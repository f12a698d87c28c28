import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  CompanyCreateSchema,
  CompanyCustomerLinkSchema,
  CompanyCustomerParamsSchema,
  CompanyDomainAddedSchema,
  CompanyDomainAddSchema,
  CompanyDomainParamsSchema,
  CompanyDomainRemovedSchema,
  CompanyListQuerySchema,
  CompanyParamsSchema,
  CompanyPatchSchema,
  CompanySchema,
  CompanyMemberPageSchema,
  PageQuerySchema,
} from '@foyer/schema/validation';
import { validationHook, type AppEnv } from '../../platform/http/context.ts';
import type { CompanyService } from './service.ts';
import { permit } from '../../platform/permissions.ts';
import { actorOf, body, error, itemsOf, json, orgOf, resourceRoutes, routeDefaults } from '../../platform/http/openapi.ts';

const route = resourceRoutes('companies', 'company');
const common = routeDefaults('companies');
const IdParams = CompanyParamsSchema;
const missing = { 404: error('No such company in this organization') };

const list = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/',
  summary: 'The companies, by name; q matches part of a name or a domain',
  request: { query: CompanyListQuerySchema },
  responses: { 200: json(itemsOf(CompanySchema), 'Companies') },
});

const create = route.create({
  permission: 'companies.edit',
  input: CompanyCreateSchema,
  output: CompanySchema,
  summary: 'Create a company; customers with an email at one of its domains are linked (Co2)',
  responses: { 409: error('The name, or a domain, belongs to another company') },
});

const get = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/{id}',
  summary: 'One company',
  request: { params: IdParams },
  responses: { 200: json(CompanySchema, 'The company'), ...missing },
});

const rename = route.patch({
  permission: 'companies.edit',
  input: CompanyPatchSchema,
  output: CompanySchema,
  summary: 'Rename a company',
  responses: { 409: error('Another company has this name, in some case') },
});

const remove = route.remove('companies.delete', 'Delete a company and its links; its customers stay');

const addDomain = createRoute({
  ...common,
  ...permit('companies.domains'),
  method: 'post',
  path: '/{id}/domains',
  summary: 'Add an email domain and link the customers at it; adding one the company has changes nothing',
  request: { params: IdParams, ...body(CompanyDomainAddSchema) },
  responses: {
    200: json(CompanyDomainAddedSchema, 'The company, and how many customers were linked'),
    400: error('Not a domain'),
    ...missing,
    409: error('Another company has this domain'),
  },
});

const removeDomain = createRoute({
  ...common,
  ...permit('companies.domains'),
  method: 'delete',
  path: '/{id}/domains/{domain}',
  summary: 'Remove an email domain; the links it made go, manual links stay',
  request: { params: CompanyDomainParamsSchema },
  responses: {
    200: json(CompanyDomainRemovedSchema, 'The company, and how many customers were unlinked'),
    400: error('Not a domain'),
    404: error('No such company, or it has no such domain'),
  },
});

const customers = createRoute({
  ...common,
  ...permit('customers.view'),
  method: 'get',
  path: '/{id}/customers',
  summary: "The company's customers as list rows, newest first, in pages of 50",
  request: { params: IdParams, query: PageQuerySchema },
  responses: { 200: json(CompanyMemberPageSchema, 'A page of its people, each with how it is linked'), 400: error('Bad paging'), ...missing },
});

const link = createRoute({
  ...common,
  ...permit('companies.edit'),
  method: 'post',
  path: '/{id}/customers',
  summary: 'Link a customer by hand (a domain link becomes manual); a manual link stays until removed',
  request: { params: IdParams, ...body(CompanyCustomerLinkSchema) },
  responses: { 204: { description: 'Linked' }, 400: error('Not valid'), 404: error('No such company or customer') },
});

const unlink = createRoute({
  ...common,
  ...permit('companies.edit'),
  method: 'delete',
  path: '/{id}/customers/{ref}',
  summary: 'Remove a customer from a company, however they were linked',
  request: { params: CompanyCustomerParamsSchema },
  responses: { 204: { description: 'Unlinked' }, 404: error('No such company or customer, or no link between them') },
});

export function companyRoutes(companies: CompanyService) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(list, async (c) => c.json(await companies.list(orgOf(c), c.req.valid('query').q || undefined), 200))
    .openapi(create, async (c) => c.json(await companies.create(actorOf(c), c.req.valid('json')), 201))
    .openapi(get, async (c) => c.json(await companies.get(orgOf(c), c.req.valid('param').id), 200))
    .openapi(rename, async (c) => c.json(await companies.rename(actorOf(c), c.req.valid('param').id, c.req.valid('json').name), 200))
    .openapi(remove, async (c) => {
      await companies.delete(actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(addDomain, async (c) => c.json(await companies.addDomain(actorOf(c), c.req.valid('param').id, c.req.valid('json').domain), 200))
    .openapi(removeDomain, async (c) => {
      const { id, domain } = c.req.valid('param');
      return c.json(await companies.removeDomain(actorOf(c), id, domain), 200);
    })
    .openapi(customers, async (c) => {
      const { page, pageSize } = c.req.valid('query');
      return c.json(await companies.customers(orgOf(c), c.req.valid('param').id, page, pageSize), 200);
    })
    .openapi(link, async (c) => {
      await companies.link(orgOf(c), c.req.valid('param').id, c.req.valid('json').customer);
      return c.body(null, 204);
    })
    .openapi(unlink, async (c) => {
      const { id, ref } = c.req.valid('param');
      await companies.unlink(orgOf(c), id, ref);
      return c.body(null, 204);
    });
}
