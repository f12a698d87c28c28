import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionDescriptions, permissions, rolePermissions, roles, type Permission, type Role } from '@foyer/schema/validation';
import { can, onPermitted, staffEventPermissions } from '@foyer/server/platform/permissions.ts';
import type { StaffSocket } from '@foyer/server/platform/realtime/io.ts';
import type { ApiClient } from '../support/client.ts';
import { startTestFoyer } from '../support/foyer.ts';
import { connectStaff } from '../support/sockets.ts';

/**
 * The role matrix, enforced over the real OpenAPI document: every route declares who may call it,
 * and for every declared route × built-in role the answer is 403 exactly when the role lacks the
 * route's permission. The server and the document are read before the tests are collected, so
 * each route × role is a row of its own.
 */
const foyer = await startTestFoyer();
afterAll(() => foyer.close());

type Operation = { method: string; path: string; permission?: Permission; public?: true; signedIn?: true; responses: Record<string, unknown> };
const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'];

const document = (await foyer.client().get('/api/openapi.json')).body as { paths: Record<string, Record<string, Record<string, unknown>>> };
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => HTTP_METHODS.includes(method))
    .map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      permission: op['x-permission'] as Permission | undefined,
      public: op['x-public'] as true | undefined,
      signedIn: op['x-signed-in'] as true | undefined,
      responses: op.responses as Record<string, unknown>,
    })),
);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Deletions and erasure last, so the records the other routes are tried on still exist: the
// records others hang off (a customer, a door, a company) after everything else.
const ROOTS = ['/api/customers/{ref}', '/api/doors/{id}', '/api/companies/{id}'];
const rank = (op: Operation) => (op.method === 'DELETE' && ROOTS.includes(op.path) ? 3 : op.path.endsWith('/erase') ? 2 : op.method === 'DELETE' ? 1 : 0);
const staffRoutes = operations.filter((op) => !op.public).sort((a, b) => rank(a) - rank(b));

const sessions = {} as Record<Role, ApiClient & { orgId: string; email: string }>;
let outsider: ApiClient;
/** Existing records of the organization, by what names them in a path. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  const owner = await foyer.signIn();
  sessions.owner = owner;
  sessions.manager = await foyer.signIn({ role: 'manager', orgId: owner.orgId });
  sessions.staff = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
  outsider = await foyer.signIn();

  const made = async (path: string, body: unknown) => {
    const res = await owner.post(path, body);
    expect(res.status, `${path}: ${res.text}`).toBe(201);
    return res.body;
  };
  ids.customer = (await made('/api/customers', { firstName: 'Ada', lastName: 'Lovelace' })).id;
  ids.company = (await made('/api/companies', { name: 'Analytical Engines', domains: ['engines.test'] })).id;
  expect((await owner.post(`/api/companies/${ids.company}/customers`, { customer: ids.customer })).status).toBe(204);
  ids.tag = (await made('/api/tags', { name: 'Matrix test', color: '#336699' })).id;
  ids.field = (await made('/api/custom-fields', { label: 'Allergies', type: 'text' })).id;
  ids.segment = (await made('/api/segments', { name: 'Everyone', query: '' })).id;
  ids.list = (await made('/api/lists', { name: 'Newsletter' })).id;
  ids.door = (await made('/api/doors', { name: 'Front door' })).id;
  ids.service = (await made('/api/services', { name: 'Sauna', durationMinutes: 30 })).id;
  ids.device = (await made('/api/edge/devices', { name: 'Desk agent' })).device.id;
  ids.doorPermission = (await made(`/api/customers/${ids.customer}/door-permissions`, { doorId: ids.door })).id;
  ids.credential = (await made(`/api/customers/${ids.customer}/credentials`, { kind: 'rfid', value: '0A1B2C3D' })).id;
  const form = new FormData();
  form.append('file', new Blob(['allergic to nuts'], { type: 'text/plain' }), 'allergies.txt');
  const upload = await fetch(`${foyer.url}/api/customers/${ids.customer}/notes/attachments`, {
    method: 'POST',
    body: form,
    // The front desk's own: it may delete it (someone else's needs notes.moderate, a rule below).
    headers: { cookie: sessions.staff.cookie! },
  });
  expect(upload.status).toBe(201);
  ids.attachment = ((await upload.json()) as { id: string }).id;
  const colleague = await foyer.signIn({ role: 'staff', orgId: owner.orgId });
  ids.member = ((await owner.get('/api/team')).body as { members: { id: string; email: string }[] }).members.find((m) => m.email === colleague.email)!.id;
  ids.invite = (await made('/api/team/invites', { email: 'invited@matrix.test' })).invite.id;
  ids.role = (await made('/api/team/roles', { name: 'Door manager', permissions: ['doors.view', 'access.grant'] })).id;
});

/** Which record an `{id}` names, by the collection before it. */
const idOf: Record<string, string> = {
  companies: 'company',
  tags: 'tag',
  'custom-fields': 'field',
  segments: 'segment',
  lists: 'list',
  doors: 'door',
  services: 'service',
  devices: 'device',
  'door-permissions': 'doorPermission',
  credentials: 'credential',
  attachments: 'attachment',
  members: 'member',
  invites: 'invite',
  roles: 'role',
};
const NOBODY = '00000000-0000-4000-8000-000000000000';

/** The path with its parameters filled with existing records (or, where none is kept, an id of nothing). */
function filled(path: string, records: Record<string, string> = ids): string {
  return path
    .replace('{ref}', records.customer ?? NOBODY.replaceAll('-', ''))
    .replace('{domain}', 'engines.test')
    .replace(/\/([^/{}]+)\/\{id\}/, (_, collection: string) => `/${collection}/${records[idOf[collection]!] ?? NOBODY}`);
}

const call = (client: ApiClient, op: Operation, path = filled(op.path)) =>
  client.request(op.method, path, MUTATING.has(op.method) && op.method !== 'DELETE' ? {} : undefined);

describe('every route declares who may call it', () => {
  it('has a permission, or is marked public or for any signed-in staff member', () => {
    const undeclared = operations.filter((op) => [op.permission, op.public, op.signedIn].filter(Boolean).length !== 1);
    expect(undeclared.map((op) => `${op.method} ${op.path}`)).toEqual([]);
    expect(operations.length).toBeGreaterThan(60);
  });

  it('names only permissions of the vocabulary, and documents the 401 and 403 it answers', () => {
    const declared = operations.filter((op) => op.permission);
    expect(declared.filter((op) => !permissions.includes(op.permission!)).map((op) => op.permission)).toEqual([]);
    expect(declared.filter((op) => !op.responses['401'] || !op.responses['403']).map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  it('changes who may call a route only in review: the table of routes and what they need', () => {
    const table = operations.map((op) => `${op.method} ${op.path}: ${op.permission ?? (op.public ? 'public' : 'signed in')}`);
    expect(table.join('\n')).toMatchSnapshot();
  });

  it("leaves no permission unused: each is a route's, or a rule within routes (below)", () => {
    const used = new Set([...operations.map((op) => op.permission), ...rules.map((r) => r.permission)].filter(Boolean) as string[]);
    expect(permissions.filter((p) => !used.has(p))).toEqual([]);
  });
});

describe('another organization sees nothing', () => {
  const withRecords = staffRoutes.filter((op) => op.path.includes('{') && !op.signedIn);
  it.each(withRecords.map((op) => ({ ...op, route: `${op.method} ${op.path}` })))(
    '$route answers the owner of another organization as for a record that does not exist',
    async (op) => {
      const foreign = await call(outsider, op);
      const missing = await call(outsider, op, filled(op.path, {}));
      expect(foreign.status).not.toBe(403);
      expect(foreign.status).toBe(missing.status);
    },
  );
});

describe('the role matrix, route by route', () => {
  const rows = staffRoutes.flatMap((op) =>
    (['anonymous', 'staff', 'manager', 'owner'] as const).map((role) => ({
      ...op,
      role,
      route: `${op.method} ${op.path}`,
      needs: op.permission ?? 'a session',
    })),
  );

  it.each(rows)('$route as $role ($needs)', async ({ role, ...op }) => {
    const res = await call(role === 'anonymous' ? foyer.client() : sessions[role], op);
    if (role === 'anonymous') {
      expect(res.status).toBe(401);
      return;
    }
    const allowed = !op.permission || rolePermissions[role].includes(op.permission);
    expect(res.status === 403, `${res.status} ${res.text.slice(0, 200)}`).toBe(!allowed);
    expect(res.status).not.toBe(401);
    if (!allowed) expect(res.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining(op.permission!), requestId: expect.any(String) } });
  });
});

/**
 * The rules a route's declaration cannot express: a field of the body, whose object it is, how much
 * is asked for. Each prepares (as the owner) a fresh object to try, so that a role allowed before
 * does not leave nothing to change for the next; the answer is 403 naming the permission exactly
 * when the role lacks it.
 */
type Rule = { permission: Permission; what: string; request: (role: Role) => Promise<{ method: string; path: string; body?: unknown; as?: ApiClient }> };
/** Records of the rules' own: the route matrix above deleted its records at its end. */
const fresh: Record<string, string> = {};
const customer = async (patch?: Record<string, unknown>) => {
  const id = (await sessions.owner.post('/api/customers', { firstName: 'Rule', lastName: `Case ${Math.random()}` })).body.id as string;
  if (patch) expect((await sessions.owner.patch(`/api/customers/${id}`, patch)).status).toBe(200);
  return id;
};
const attach = async (client: ApiClient) => {
  const form = new FormData();
  form.append('file', new Blob(['note'], { type: 'text/plain' }), 'note.txt');
  const res = await fetch(`${foyer.url}/api/customers/${fresh.customer}/notes/attachments`, {
    method: 'POST',
    body: form,
    headers: { cookie: client.cookie! },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};
/** An online booking (nobody's) of a new customer, written as the public flow would have. */
const onlineBooking = async () => {
  const customerId = (await customer()).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const { rows } = await foyer.database.pool.query<{ id: string }>(
    `insert into bookings (org_id, service_id, customer_id, starts_at, ends_at) values ($1, $2, $3, now() + interval '1 day', now() + interval '1 day 30 minutes') returning id`,
    [sessions.owner.orgId, fresh.service, customerId],
  );
  return rows[0]!.id;
};
const rules: Rule[] = [
  { permission: 'customers.browse', what: 'a page of more than 50 customers', request: async () => ({ method: 'GET', path: '/api/customers?pageSize=51' }) },
  {
    permission: 'customers.ban',
    what: 'banning',
    request: async () => ({ method: 'PATCH', path: `/api/customers/${await customer()}`, body: { status: 'banned' } }),
  },
  {
    permission: 'customers.ban',
    what: 'lifting a ban',
    request: async () => ({ method: 'PATCH', path: `/api/customers/${await customer({ status: 'banned' })}`, body: { status: 'active' } }),
  },
  {
    permission: 'customers.renumber',
    what: "changing a customer's number",
    request: async () => ({
      method: 'PATCH',
      path: `/api/customers/${await customer()}`,
      body: { customerNumber: `R-${Date.now()}-${Math.round(Math.random() * 1e6)}` },
    }),
  },
  {
    permission: 'segments.bulk',
    what: 'a bulk action over a whole query',
    request: async () => ({
      method: 'POST',
      path: '/api/customers/bulk',
      body: { target: { query: 'q=Rule' }, action: { type: 'addTags', tagIds: [fresh.tag] } },
    }),
  },
  {
    permission: 'notes.moderate',
    what: "deleting someone else's attachment",
    request: async () => ({ method: 'DELETE', path: `/api/customers/${fresh.customer}/notes/attachments/${await attach(sessions.owner)}` }),
  },
  {
    permission: 'bookings.manage',
    what: 'cancelling an online booking',
    request: async () => ({ method: 'POST', path: `/api/bookings/${await onlineBooking()}/cancel` }),
  },
];

describe('the role matrix, rule by rule', () => {
  beforeAll(async () => {
    fresh.customer = await customer();
    fresh.tag = (await sessions.owner.post('/api/tags', { name: 'Rule test', color: '#336699' })).body.id;
    fresh.service = (await sessions.owner.post('/api/services', { name: 'Rule sauna', durationMinutes: 30 })).body.id;
  });
  const rows = rules.flatMap((rule) => (['staff', 'manager', 'owner'] as const).map((role) => ({ ...rule, role })));
  it.each(rows)('$what as $role ($permission)', async ({ role, permission, request }) => {
    const { method, path, body } = await request(role);
    const res = await sessions[role].request(method, path, body);
    const allowed = rolePermissions[role].includes(permission);
    expect(res.status === 403, `${res.status} ${res.text.slice(0, 200)}`).toBe(!allowed);
    expect(res.status).toBeLessThan(300 + (allowed ? 0 : 200));
    if (!allowed) expect(res.body.error.message).toContain(permission);
  });

  it('leaves what the rules guard to the front desk when it is their own or unchanged', async () => {
    // One's own attachment, a page of 50, and the same status and number sent back unchanged.
    const own = await attach(sessions.staff);
    expect((await sessions.staff.delete(`/api/customers/${fresh.customer}/notes/attachments/${own}`)).status).toBe(204);
    expect((await sessions.staff.get('/api/customers?pageSize=50')).status).toBe(200);
    const id = await customer();
    const current = (await sessions.staff.get(`/api/customers/${id}`)).body;
    const res = await sessions.staff.patch(`/api/customers/${id}`, { status: current.status, customerNumber: current.customerNumber, firstName: 'Renamed' });
    expect(res.status, res.text).toBe(200);
  });
});

describe('the /staff socket', () => {
  it('declares a permission for every event handler, and a staff socket stays connected to use them', async () => {
    const socket = await connectStaff(foyer.url, sessions.staff.cookie);
    try {
      expect(Object.fromEntries(staffEventPermissions)).toEqual({
        'note:open': 'notes.view',
        'note:update': 'notes.write',
        'note:awareness': 'notes.view',
        'note:close': 'notes.view',
        'profile:open': 'customers.view',
        'profile:close': 'customers.view',
        'presence:sync': 'customers.view',
      });
      // The server refuses a socket with an undeclared handler right after welcoming it.
      const refused = (reason: string) => new Error(`the server dropped the socket (${reason}): a /staff handler declares no permission`);
      const dropped = new Promise<never>((_, reject) => {
        if (!socket.connected) reject(refused('before the first event'));
        socket.once('disconnect', (reason) => reject(refused(reason)));
      });
      const online = await Promise.race([socket.timeout(2000).emitWithAck('presence:sync'), dropped]);
      expect(online.customerIds).toEqual([]);
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });

  /**
   * The events with an ack, for the built-in roles and two custom ones: the ack answers forbidden
   * exactly when the role lacks the event's permission (a custom role's permissions ride on the socket).
   */
  const socketRoles = {
    owner: undefined,
    manager: undefined,
    staff: undefined,
    'reader (custom)': ['customers.view', 'notes.view'],
    'lookup (custom)': ['customers.view'],
  } as const;
  // As declared (the test above checks the declarations); listed here since sockets declare theirs only once connected.
  const ackEvents = { 'presence:sync': 'customers.view', 'note:open': 'notes.view', 'note:update': 'notes.write' } as const;
  const socketRows = Object.entries(socketRoles).flatMap(([role, custom]) =>
    Object.entries(ackEvents).map(([event, permission]) => ({ role, event, custom, permission })),
  );
  it.each(socketRows)('$event as $role ($permission)', async ({ role, event, custom, permission }) => {
    let client: ApiClient;
    if (!custom) client = sessions[role as Role];
    else {
      const created = await sessions.owner.post('/api/team/roles', { name: `${role} ${event}`, permissions: custom });
      client = await foyer.signIn({ role: 'staff', orgId: sessions.owner.orgId });
      const member = ((await sessions.owner.get('/api/team')).body.members as { id: string; email: string }[]).find(
        (m) => m.email === (client as ApiClient & { email: string }).email,
      )!;
      expect((await sessions.owner.patch(`/api/team/members/${member.id}`, { customRoleId: created.body.id })).status).toBe(200);
    }
    const allowed = custom ? (custom as readonly string[]).includes(permission) : rolePermissions[role as Role].includes(permission);
    const customerId = (await sessions.owner.post('/api/customers', { firstName: 'Socket', lastName: `${role} ${event}` })).body.id;
    const socket = await connectStaff(foyer.url, client.cookie);
    try {
      const args =
        event === 'presence:sync'
          ? []
          : event === 'note:open'
            ? [{ customerId, stateVector: new Uint8Array([0]) }]
            : [{ customerId, update: new Uint8Array([0, 0]) }];
      const reply = (await (socket.timeout(3000) as unknown as { emitWithAck: (e: string, ...a: unknown[]) => Promise<unknown> }).emitWithAck(
        event,
        ...args,
      )) as {
        error?: string;
      };
      expect(reply?.error === 'forbidden', JSON.stringify(reply)).toBe(!allowed);
    } finally {
      socket.close();
    }
  });

  it('drops an event the role may not send: the handler never runs, its ack answers forbidden', () => {
    const socket = Object.assign(new EventEmitter(), { data: { auth: { user: { role: 'staff' } } } }) as unknown as StaffSocket;
    const ran: string[] = [];
    const event = 'test:permitted' as 'note:close';
    onPermitted(socket, event, 'customers.delete', (() => ran.push('refused')) as never);
    onPermitted(socket, event, 'notes.write', (() => ran.push('allowed')) as never);
    staffEventPermissions.delete(event);
    const acks: unknown[] = [];
    (socket as unknown as EventEmitter).emit(event, 'x', (reply: unknown) => acks.push(reply));
    expect(ran).toEqual(['allowed']);
    expect(acks).toEqual([{ error: 'forbidden' }]);
  });
});

describe('the roles', () => {
  it('can() answers what the built-in roles hold, and owners hold every permission', () => {
    for (const role of roles) for (const p of permissions) expect(can({ role }, p), `${role} ${p}`).toBe(rolePermissions[role].includes(p));
    expect(rolePermissions.owner).toEqual(permissions);
  });

  it("are the README's matrix", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const matrix = Object.fromEntries(
      [...readme.matchAll(/^\| `([a-z]+\.[a-z]+)` \|[^|]*\|([^\n]*)\|$/gm)].map(([, name, cells]) => [
        name,
        cells!.split('|').map((cell) => cell.trim() === '✓'),
      ]),
    );
    const expected = Object.fromEntries(permissions.map((p) => [p, (['owner', 'manager', 'staff'] as const).map((role) => rolePermissions[role].includes(p))]));
    expect(matrix).toEqual(expected);
    for (const p of permissions) expect(readme).toContain(permissionDescriptions[p]);
  });
});
