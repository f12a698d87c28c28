import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { organizations } from '@foyer/schema/tables';
import { IMPORT_MAX_FILE_BYTES_CLI, ImportMappingSchema, RoleSchema, matchActions, type ImportCounts, type MatchAction } from '@foyer/schema/validation';
import { runImportHere } from './domains/imports/run-here.ts';
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

  import customers FILE [--mapping FILE] [--dry-run] [--on-match skip|fill|overwrite] [--org SLUG]
      Import customers from a CSV file (up to 1 GB): the encoding, delimiter and the mapping are
      worked out from the file unless --mapping gives one (JSON: an ImportMapping, as the import
      page saves it); --dry-run counts what would happen without writing. Failed rows go to
      FILE.errors.csv with their line and reason.

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
      mapping: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'on-match': { type: 'string' },
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
  if (!['orgs add', 'users add', 'seed', 'devices add', 'import customers'].includes(command)) throw new UsageError(`Unknown command "${command}"`);
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
    if (command === 'import customers') {
      const org = await findOrg(database, values.org);
      return await importCustomers(database, org, need(arg, 'the file'), { mapping: values.mapping, dryRun: !!values['dry-run'], onMatch: values['on-match'] });
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
    // Order histories for them (and any customer without orders), then every customer's figures.
    const { seedOrders } = await import('./domains/orders/seed.ts');
    const history = await seedOrders(database.pool, org.id);
    return (
      `Seeded ${count.toLocaleString('en')} customers into "${org.name}" with ${history.orders.toLocaleString('en')} orders ` +
      `from ${history.customers.toLocaleString('en')} of them in ${((performance.now() - started) / 1000).toFixed(1)} s`
    );
  } finally {
    await database.close();
    await cluster?.stop();
  }
}

/** `import customers FILE`: upload from disk, map, run here with a progress bar, print the counts. */
async function importCustomers(
  database: Database,
  org: { id: string; name: string },
  given: string,
  opts: { mapping?: string; dryRun: boolean; onMatch?: string },
) {
  // pnpm runs this in server/: a relative path is the caller's (INIT_CWD).
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), given);
  const info = await stat(file).catch(() => {
    throw new UsageError(`No file ${file}`);
  });
  if (info.size > IMPORT_MAX_FILE_BYTES_CLI) throw new UsageError(`${file} is ${(info.size / 1e9).toFixed(2)} GB: the limit is 1 GB; split the file`);
  const [settings] = await database.db.select({ country: organizations.defaultCountry }).from(organizations).where(eq(organizations.id, org.id));
  const actor = { orgId: org.id, userId: null, defaultCountry: settings?.country ?? 'GB' };
  const services = createServices(database.db);
  const uploaded = await services.imports.upload(actor, basename(file), createReadStream(file), IMPORT_MAX_FILE_BYTES_CLI);
  const id = uploaded.import.id;
  let mapping = uploaded.suggested;
  if (opts.mapping) {
    const raw = JSON.parse(await readFile(resolve(process.env.INIT_CWD ?? process.cwd(), opts.mapping), 'utf8')) as { mapping?: unknown };
    const parsed = ImportMappingSchema.safeParse(raw.mapping ?? raw);
    if (!parsed.success) throw new UsageError(`${opts.mapping}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    mapping = parsed.data;
  }
  if (opts.onMatch) {
    if (!matchActions.includes(opts.onMatch as MatchAction)) throw new UsageError(`--on-match is one of ${matchActions.join(', ')}`);
    mapping = { ...mapping, onMatch: opts.onMatch as MatchAction };
  }
  await services.imports.configure(actor, id, { mapping });
  const { encoding, delimiter, format } = uploaded.import;
  process.stderr.write(`${basename(file)}: ${encoding}, ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}-separated${format ? `, a ${format} export` : ''}\n`);
  for (const c of mapping.columns) process.stderr.write(`  ${c.header.padEnd(32)} → ${c.target ?? '(ignored)'}${c.address ? ` (address ${c.address})` : ''}\n`);
  if (!opts.dryRun) await database.db.execute(sql`update customer_imports set status = 'running' where id = ${id}`);
  const started = performance.now();
  const bar = (p: { done?: number; total?: number; message?: string }) => {
    const total = Math.max(p.total ?? 0, p.done ?? 0);
    const share = total ? (p.done ?? 0) / total : 0;
    const filled = Math.round(share * 30);
    process.stderr.write(
      `\r  [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${Math.round(share * 100)}%  ${(p.done ?? 0).toLocaleString('en')} rows  ${p.message ?? ''}   `,
    );
  };
  const result = (await runImportHere(database.db, org.id, { importId: id, dryRun: opts.dryRun, actor }, bar)) as { counts: ImportCounts };
  process.stderr.write('\n');
  const c = result.counts;
  const lines = [
    `${opts.dryRun ? 'Dry run (nothing written)' : 'Imported'} ${c.rows.toLocaleString('en')} rows into "${org.name}" in ${((performance.now() - started) / 1000).toFixed(1)} s:`,
    `  new ${c.created}, matched ${c.matched} (updated ${c.updated}, skipped ${c.skipped}), repeats merged ${c.duplicates}, failed ${c.failed}`,
  ];
  if (!opts.dryRun && c.failed) {
    const out = `${file}.errors.csv`;
    const parts: string[] = [];
    await services.imports.errorsCsv(org.id, id, async (text) => void parts.push(text));
    await writeFile(out, parts.join(''));
    lines.push(`  failed rows, with their line and reason: ${out}`);
  }
  if (!opts.dryRun) lines.push(`  import ${id} (undo it on the import page)`);
  return lines.join('\n');
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
