import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { organizations } from '@foyer/schema/tables';
import { RoleSchema } from '@foyer/schema/validation';
import { readConfig } from './platform/config.ts';
import { connect, type Database } from './platform/db/connect.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from './platform/db/embedded.ts';
import { migrate } from './platform/db/migrate.ts';
import { AppError } from './platform/errors.ts';
import { addUser, createOrganization } from './domains/organizations/service.ts';
import { createServices } from './app.ts';

/** A config for the agent's simulation mode: simulated doors, no readers, state beside the file. */
async function writeAgentConfig(path: string, serverUrl: string, pairingCode: string, doors: { id: string }[]) {
  const config = {
    serverUrl,
    pairingCode,
    stateDir: join(dirname(resolve(path)), 'foyer-edge-state'),
    readers: [],
    doors: doors.map((d) => ({ id: d.id, driver: 'simulated' })),
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

const HELP = `foyer — manage a Foyer installation

Usage: pnpm foyer <command> [options]

  orgs add NAME --owner EMAIL --password P [--country GB]
      Create an organization and its owner.
  users add EMAIL --password P [--org SLUG] [--role staff|manager|owner] [--name NAME]
      Add a staff member (the organization may be left out when there is only one).
  seed --customers N [--org SLUG]
      Add N realistic customers through COPY.
  devices add NAME [--org SLUG] [--doors "Front door,Back door"] [--agent-config FILE] [--server URL]
      Add an edge device for these doors (default: all) and print its one-time pairing code;
      with --agent-config, also write a config for the agent's simulation mode.

The database is DATABASE_URL, or the embedded one under FOYER_DATA_DIR (default ./.foyer),
shared with a running server.`;

class UsageError extends Error {}

/**
 * The seed generator, loaded only when seeding runs: its faker is a devDependency, so the server and
 * the other commands run on a production install (`pnpm install --prod`) without it.
 */
async function loadSeeder() {
  try {
    return (await import('./seed.ts')).seedCustomers;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes('@faker-js/faker'))
      throw new UsageError('Seeding needs the development dependencies (@faker-js/faker): run `pnpm install` without --prod');
    throw err;
  }
}

async function openDatabase(): Promise<{ database: Database; cluster?: EmbeddedCluster }> {
  const config = readConfig();
  let cluster: EmbeddedCluster | undefined;
  let url = config.databaseUrl;
  if (!url) {
    cluster = await startEmbeddedPostgres(config.dataDir);
    url = cluster.url('foyer');
  }
  const database = connect(url);
  await migrate(database.db);
  return { database, cluster };
}

async function findOrg(database: Database, slug: string | undefined) {
  const orgs = await database.db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
    .from(organizations)
    .where(slug ? eq(organizations.slug, slug) : undefined);
  if (slug && !orgs[0]) throw new UsageError(`No organization with slug "${slug}"`);
  if (orgs.length === 0) throw new UsageError('There is no organization yet: start Foyer once (it creates the demo venue) or run "pnpm foyer orgs add"');
  if (orgs.length !== 1) throw new UsageError(`Name the organization with --org; there are ${orgs.length}: ${orgs.map((o) => o.slug).join(', ')}`);
  return orgs[0]!;
}

async function run(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      owner: { type: 'string' },
      password: { type: 'string' },
      country: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string', default: 'staff' },
      name: { type: 'string' },
      customers: { type: 'string' },
      doors: { type: 'string' },
      'agent-config': { type: 'string' },
      server: { type: 'string', default: 'http://localhost:3000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [noun, verb, arg] = positionals;
  if (values.help || !noun) return HELP;
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new UsageError(`Missing ${what}`);
    return v;
  };

  const command = `${noun} ${verb ?? ''}`.trim();
  if (!['orgs add', 'users add', 'seed', 'devices add'].includes(command)) throw new UsageError(`Unknown command "${command}"`);
  const { database, cluster } = await openDatabase();
  try {
    if (command === 'orgs add') {
      const { org } = await createOrganization(database.db, {
        name: need(arg, 'the organization name'),
        ownerEmail: need(values.owner, '--owner EMAIL'),
        password: need(values.password, '--password P'),
        defaultCountry: values.country?.toUpperCase(),
      });
      return `Created organization "${org.name}" (slug ${org.slug}) with owner ${values.owner}`;
    }
    if (command === 'users add') {
      const role = RoleSchema.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role is one of ${RoleSchema.options.join(', ')}`);
      const org = await findOrg(database, values.org);
      const user = await addUser(database.db, org.id, {
        email: need(arg, 'the email'),
        password: need(values.password, '--password P'),
        name: values.name,
        role: role.data,
      });
      return `Added ${user.email} to "${org.name}" as ${user.role}`;
    }
    if (command === 'devices add') {
      const org = await findOrg(database, values.org);
      const services = createServices(database.db);
      const doors = (await services.doors.list(org.id)).items;
      const wanted = values.doors?.split(',').map((d) => d.trim().toLowerCase());
      const chosen = wanted ? doors.filter((d) => wanted.includes(d.name.toLowerCase())) : doors;
      if (wanted && chosen.length !== wanted.length)
        throw new UsageError(`Unknown door among "${values.doors}". Doors: ${doors.map((d) => d.name).join(', ')}`);
      const { device, pairingCode, pairingExpiresAt } = await services.edgeDevices.create(org.id, {
        name: need(arg, 'the device name'),
        doorIds: chosen.map((d) => d.id),
      });
      if (values['agent-config']) await writeAgentConfig(values['agent-config'], values.server!, pairingCode, chosen);
      return [
        `Added device "${device.name}" for ${chosen.map((d) => d.name).join(', ') || 'no doors'}.`,
        `Pairing code: ${pairingCode} (one use, until ${pairingExpiresAt})`,
        values['agent-config'] ? `Agent config written to ${values['agent-config']}` : '',
      ]
        .filter(Boolean)
        .join('\n');
    }
    const count = Number(need(values.customers, '--customers N'));
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000) throw new UsageError('--customers is a whole number from 1 to 10,000,000');
    const seedCustomers = await loadSeeder();
    const org = await findOrg(database, values.org);
    const started = performance.now();
    await seedCustomers(database.pool, org.id, count, {
      onProgress: ({ done, total }) => process.stderr.write(`\r  seeded ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`),
    });
    process.stderr.write('\n');
    return `Seeded ${count.toLocaleString('en')} customers into "${org.name}" in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  } finally {
    await database.close();
    await cluster?.stop();
  }
}

run(process.argv.slice(2)).then(
  (message) => console.log(message),
  (error) => {
    const refusal = error instanceof UsageError || error instanceof AppError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (refusal) console.error(`foyer: ${(error as Error).message}\n\nRun "pnpm foyer --help" for usage.`);
    else console.error(error);
    // Every refusal exits non-zero, also once the embedded database ran: its exit hook
    // (async-exit-hook) ends the process itself, and with 0, so exitCode alone was lost.
    process.exitCode = 1;
    process.stderr.write('', () => process.exit(1));
  },
);
