/**
 * `npm run db:check`: the migrations (apps/api/drizzle) agree with the Drizzle schema, offline (PGlite only).
 * `drizzle-kit check` alone only checks that the migration folder is consistent, so three checks run:
 *
 * 1. consistency — `drizzle-kit check` on the folder: malformed or colliding snapshots, and journal timestamps
 *    that do not increase (drizzle-kit only warns about those, but the migrator then silently skips the entry on
 *    a database that has the one before it: here a warning fails);
 * 2. snapshot — the snapshot drizzle-kit takes of the schema today equals the folder's last snapshot, i.e.
 *    `npm run db:generate` would write no new migration;
 * 3. SQL — the migrations applied to an empty PGlite build the same tables, columns, indexes, constraints,
 *    enums, sequences, views and policies as the SQL drizzle-kit generates from the schema (catches a
 *    hand-edited migration, and SQL that does not match its snapshot).
 *
 * The paths and casing come from apps/api/drizzle.config.ts. schema-drift.test.ts runs the checks in `npm test`
 * and plants a drift for each one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { jsonDiff } from './json-diff';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DRIZZLE_CONFIG = 'apps/api/drizzle.config.ts';
export const SCHEMA_FIX = 'run npm run db:generate (then review the new migration)';

type Casing = 'snake_case' | 'camelCase';
type SchemaExports = Record<string, unknown>;

/**
 * Objects the migrations create on purpose that the schema does not declare, as the SQL check describes them,
 * each with its reason. An entry that no longer appears is reported too, so this list cannot go stale.
 */
export const HAND_WRITTEN: ReadonlyArray<{ object: string; why: string }> = [
  {
    object:
      "index CREATE INDEX tasks_active_due_global_idx ON public.tasks USING btree (due_date) WHERE ((status = ANY (ARRAY['pending'::text, 'in_progress'::text])) AND (due_date IS NOT NULL))",
    why: 'written by hand in migration 0003 for the reminder scan across users; not declared in schema/tasks.ts',
  },
];

export interface DrizzleSetup {
  /** The schema module drizzle-kit reads (absolute). */
  schemaFile: string;
  /** The migrations folder (absolute). */
  migrationsDir: string;
  casing: Casing | undefined;
}

/** The schema file, migrations folder and casing that apps/api/drizzle.config.ts gives drizzle-kit. */
export async function drizzleSetup(): Promise<DrizzleSetup> {
  const mod = (await import(pathToFileURL(path.join(ROOT, DRIZZLE_CONFIG)).href)) as {
    default: { schema?: unknown; out?: unknown; casing?: Casing };
  };
  const { schema, out, casing } = mod.default;
  if (typeof schema !== 'string' || typeof out !== 'string') {
    throw new Error(`${DRIZZLE_CONFIG}: expected one schema file (a string) and an out folder`);
  }
  // drizzle-kit resolves both against the directory it runs in: the repository root (npm run db:generate).
  return { schemaFile: path.resolve(ROOT, schema), migrationsDir: path.resolve(ROOT, out), casing };
}

export async function loadSchema(schemaFile: string): Promise<SchemaExports> {
  return (await import(pathToFileURL(schemaFile).href)) as SchemaExports;
}

const relative = (p: string) => path.relative(ROOT, p) || '.';

/** 1. `drizzle-kit check` on `migrationsDir`: its complaints, warnings included. */
export function checkConsistency(migrationsDir: string): string[] {
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('drizzle-kit/api')), 'bin.cjs');
  // drizzle-kit prefixes --out with './', so it is given relative to its working directory.
  const run = spawnSync(
    process.execPath,
    [bin, 'check', '--dialect', 'postgresql', '--out', path.basename(migrationsDir)],
    { cwd: path.dirname(migrationsDir), encoding: 'utf8', timeout: 60_000 },
  );
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('Everything') && !line.startsWith('Reading config'));
  if (run.status === 0 && output.length === 0) return [];
  const status = run.error ? String(run.error) : `exit ${run.status}`;
  return [`drizzle-kit check on ${relative(migrationsDir)} (${status}):`, ...output.map((line) => `  ${line}`)];
}

interface Journal {
  entries: Array<{ idx: number; tag: string; when: number }>;
}

async function drizzleKitApi() {
  // biome-ignore lint/correctness/noUndeclaredDependencies: drizzle-kit is the repository's dev tool (root package.json), like npm run db:generate
  return import('drizzle-kit/api');
}

/** The schema as a drizzle-kit snapshot, in the JSON form drizzle-kit writes to meta/ (undefined fields dropped). */
export async function schemaSnapshot(schema: SchemaExports, casing: Casing | undefined, prevId?: string) {
  const { generateDrizzleJson } = await drizzleKitApi();
  return JSON.parse(JSON.stringify(generateDrizzleJson(schema, prevId, undefined, casing))) as Record<string, unknown>;
}

/** 2. Where the schema differs from the last snapshot in `migrationsDir/meta`, and the SQL a migration would need. */
export async function checkSnapshot(
  schema: SchemaExports,
  migrationsDir: string,
  casing: Casing | undefined,
): Promise<string[]> {
  const journal = JSON.parse(readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as Journal;
  const last = journal.entries.at(-1);
  const lastFile = last
    ? path.join(migrationsDir, 'meta', `${last.tag.split('_')[0]}_snapshot.json`)
    : path.join(migrationsDir, 'meta', '(none)');
  if (last && !existsSync(lastFile)) return [`${relative(lastFile)} (the snapshot of ${last.tag}) is missing`];
  const prev = last
    ? (JSON.parse(readFileSync(lastFile, 'utf8')) as Record<string, unknown>)
    : await schemaSnapshot({}, casing);
  const cur = await schemaSnapshot(schema, casing, prev.id as string);
  const structure = (s: Record<string, unknown>) => {
    const { id: _id, prevId: _prevId, _meta, ...rest } = s;
    return rest;
  };
  const names = { expected: 'the migrations', actual: 'the schema' };
  const diff = jsonDiff(structure(prev), structure(cur), names);
  if (diff.length === 0) return [];
  const lines = [
    `the schema differs from ${relative(lastFile)}; npm run db:generate would write a new migration:`,
    ...diff.slice(0, 30).map((line) => `  ${line}`),
  ];
  if (diff.length > 30) lines.push(`  ... and ${diff.length - 30} more`);
  // With something both added and removed drizzle-kit asks whether it was renamed (a prompt): the SQL preview
  // is only shown when nothing was removed.
  if (!diff.some((line) => line.endsWith(`only in ${names.expected}`))) {
    const { generateMigration } = await drizzleKitApi();
    const sql = await generateMigration(prev as never, cur as never);
    if (sql.length) lines.push('  its SQL would be:', ...sql.map((s) => `    ${s}`));
  }
  return lines;
}

/** Every schema object of a database, one line each (see the SQL check above), in sorted order. */
const DESCRIBE = `
with ns as (
  select oid, nspname from pg_namespace
   where nspname not in ('information_schema', 'drizzle') and nspname not like 'pg\\_%'
)
select 'table ' || ns.nspname || '.' || c.relname || case when c.relrowsecurity then ' (row level security)' else '' end as d
  from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p')
union all
select 'column ' || ns.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || case when a.attnotnull then ' not null' else '' end
       || coalesce(case when a.attgenerated = 's' then ' generated always as ' else ' default ' end
                   || pg_get_expr(d.adbin, d.adrelid), '')
       || case when a.attidentity in ('a', 'd') then ' identity' else '' end
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid and c.relkind in ('r', 'p')
  join ns on ns.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
 where a.attnum > 0 and not a.attisdropped
union all
select 'index ' || indexdef from pg_indexes where schemaname in (select nspname from ns)
union all
select 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  from pg_constraint where connamespace in (select oid from ns)
union all
select 'enum ' || ns.nspname || '.' || t.typname || ' (' || string_agg(e.enumlabel, ', ' order by e.enumsortorder) || ')'
  from pg_type t join ns on ns.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
 group by ns.nspname, t.typname
union all
select 'sequence ' || schemaname || '.' || sequencename || ' ' || data_type::text || ' start ' || start_value
       || ' increment ' || increment_by || ' min ' || min_value || ' max ' || max_value || ' cache ' || cache_size
       || case when cycle then ' cycle' else '' end
  from pg_sequences where schemaname in (select nspname from ns)
union all
select 'view ' || schemaname || '.' || viewname || ' ' || definition from pg_views
 where schemaname in (select nspname from ns)
union all
select 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || cmd
       || ' to ' || array_to_string(roles, ',') || coalesce(' using ' || qual, '') || coalesce(' check ' || with_check, '')
  from pg_policies where schemaname in (select nspname from ns)
order by 1`;

const EXTENSIONS = { pg_trgm, btree_gin };
/** A freshly initialised, empty cluster, dumped once per process: each check then starts from it (~0.4 s) instead of initdb (~3 s). */
let emptyCluster: Promise<Blob> | undefined;

/** An empty in-memory PGlite with the extensions the app's PGlite loads (infra/db/client.ts). */
async function emptyPglite(): Promise<PGlite> {
  emptyCluster ??= (async () => {
    const first = await PGlite.create(undefined, { extensions: EXTENSIONS });
    try {
      return await first.dumpDataDir('none');
    } finally {
      await first.close();
    }
  })();
  return PGlite.create(undefined, { extensions: EXTENSIONS, loadDataDir: await emptyCluster });
}

async function listObjects(client: PGlite): Promise<string[]> {
  return (await client.query<{ d: string }>(DESCRIBE)).rows.map((row) => row.d);
}

/** The objects the migrations in `migrationsDir` create, applied by the app's own migrator to an empty PGlite. */
export async function describeMigrations(migrationsDir: string): Promise<string[]> {
  const client = await emptyPglite();
  try {
    await migrate(drizzle(client), { migrationsFolder: migrationsDir });
    return await listObjects(client);
  } finally {
    await client.close();
  }
}

/** The objects the schema declares: the SQL drizzle-kit generates for it from nothing, applied to an empty PGlite. */
export async function describeSchema(schema: SchemaExports, casing: Casing | undefined): Promise<string[]> {
  const { generateMigration } = await drizzleKitApi();
  const statements = await generateMigration(
    (await schemaSnapshot({}, casing)) as never,
    (await schemaSnapshot(schema, casing)) as never,
  );
  const client = await emptyPglite();
  try {
    // The extensions come from a hand-written migration (0000_extensions), not from the schema.
    await client.exec('create extension if not exists pg_trgm; create extension if not exists btree_gin;');
    for (const statement of statements) await client.exec(statement);
    return await listObjects(client);
  } finally {
    await client.close();
  }
}

/** 3. Where the migrations' objects and the schema's differ, HAND_WRITTEN aside. */
export function compareObjects(
  fromMigrations: string[],
  fromSchema: string[],
  handWritten: ReadonlyArray<{ object: string }> = HAND_WRITTEN,
): string[] {
  const allowed = new Set(handWritten.map((h) => h.object));
  const inSchema = new Set(fromSchema);
  const inMigrations = new Set(fromMigrations);
  const onlyMigrations = fromMigrations.filter((o) => !inSchema.has(o) && !allowed.has(o));
  const onlySchema = fromSchema.filter((o) => !inMigrations.has(o));
  const gone = [...allowed].filter((o) => !inMigrations.has(o) || inSchema.has(o));
  const lines: string[] = [];
  if (onlyMigrations.length || onlySchema.length) {
    lines.push('the migrations, applied to an empty database, do not build what the schema declares:');
    for (const o of onlyMigrations) lines.push(`  only in the migrations: ${o}`);
    for (const o of onlySchema) lines.push(`  only in the schema: ${o}`);
  }
  for (const o of gone) {
    lines.push(`HAND_WRITTEN in apps/api/src/scripts/schema-drift.ts lists an object no longer hand-written: ${o}`);
  }
  return lines;
}

/** All three checks on the project's own schema and migrations (or `setup`'s); [] when they agree. */
export async function checkSchemaDrift(setup?: DrizzleSetup): Promise<string[]> {
  const { schemaFile, migrationsDir, casing } = setup ?? (await drizzleSetup());
  const schema = await loadSchema(schemaFile);
  const consistency = checkConsistency(migrationsDir);
  const snapshot = await checkSnapshot(schema, migrationsDir, casing);
  const [fromMigrations, fromSchema] = await Promise.all([
    describeMigrations(migrationsDir),
    describeSchema(schema, casing),
  ]);
  return [...consistency, ...snapshot, ...compareObjects(fromMigrations, fromSchema)];
}

/** The gate's message for `problems`, or undefined when there are none. */
export function schemaDriftMessage(problems: string[]): string | undefined {
  if (problems.length === 0) return undefined;
  return [`migrations and schema have drifted: ${SCHEMA_FIX}`, ...problems].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const started = performance.now();
  const message = schemaDriftMessage(await checkSchemaDrift());
  if (message) {
    console.error(message);
    process.exitCode = 1;
  } else {
    const ms = Math.round(performance.now() - started);
    console.log(`migrations match the schema (drizzle-kit check, last snapshot, migrated PGlite; ${ms} ms)`);
  }
}
