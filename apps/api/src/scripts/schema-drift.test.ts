/**
 * Drift gate for the migrations against the Drizzle schema (see schema-drift.ts), offline on PGlite. Each of its
 * three checks is shown to fail on a planted drift every run, in temporary copies of the schema and of the
 * migrations folder (the repository's own files are never touched).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkConsistency,
  checkSnapshot,
  compareObjects,
  type DrizzleSetup,
  describeMigrations,
  describeSchema,
  drizzleSetup,
  HAND_WRITTEN,
  loadSchema,
  schemaDriftMessage,
} from './schema-drift';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('drift gate: migrations against the schema', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'schema-drift-'));
  let setup: DrizzleSetup;
  let schema: Record<string, unknown>;
  let fromMigrations: string[];
  let fromSchema: string[];

  /** A copy of the migrations folder, changed by `plant`. */
  function plantedMigrations(name: string, plant: (dir: string) => void): string {
    const dir = path.join(tmp, name, path.basename(setup.migrationsDir));
    cpSync(setup.migrationsDir, dir, { recursive: true });
    plant(dir);
    return dir;
  }
  const journalOf = (dir: string) => path.join(dir, 'meta', '_journal.json');
  const journal = (dir: string) =>
    JSON.parse(readFileSync(journalOf(dir), 'utf8')) as { entries: Array<{ tag: string; when: number }> };

  /** A copy of the schema's folder where the tasks table has one more column, `drift_probe text` (made once). */
  let plantedSchema: Promise<Record<string, unknown>> | undefined;
  function schemaWithExtraColumn(): Promise<Record<string, unknown>> {
    plantedSchema ??= copySchemaWithExtraColumn();
    return plantedSchema;
  }
  async function copySchemaWithExtraColumn(): Promise<Record<string, unknown>> {
    const dir = path.join(tmp, 'schema');
    cpSync(path.dirname(setup.schemaFile), dir, { recursive: true });
    // Bare imports (drizzle-orm) resolve from the copy as they do from the original.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    const tableStart = /pgTable\(\s*'tasks',\s*\{/;
    const file = readdirSync(dir)
      .map((f) => path.join(dir, f))
      .find((f) => f.endsWith('.ts') && tableStart.test(readFileSync(f, 'utf8')));
    if (!file) throw new Error("no pgTable('tasks', { ... }) in the schema: update the plant in schema-drift.test.ts");
    const source = readFileSync(file, 'utf8').replace(
      tableStart,
      (m) => `${m}\n    driftProbe: __driftText('drift_probe'),`,
    );
    writeFileSync(file, `import { text as __driftText } from 'drizzle-orm/pg-core';\n${source}`);
    return loadSchema(path.join(dir, path.basename(setup.schemaFile)));
  }

  beforeAll(async () => {
    setup = await drizzleSetup();
    schema = await loadSchema(setup.schemaFile);
    fromMigrations = await describeMigrations(setup.migrationsDir);
    fromSchema = await describeSchema(schema, setup.casing);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the migrations agree with the schema (drizzle-kit check, the last snapshot, the migrated database)', async () => {
    const problems = [
      ...checkConsistency(setup.migrationsDir),
      ...(await checkSnapshot(schema, setup.migrationsDir, setup.casing)),
      ...compareObjects(fromMigrations, fromSchema),
    ];
    const message = schemaDriftMessage(problems);
    if (message) expect.fail(message);
    expect(fromSchema.some((o) => o.startsWith('column public.tasks.title text not null'))).toBe(true);
  });

  it('consistency fails on a planted drift: a journal entry whose timestamp does not increase', () => {
    const dir = plantedMigrations('journal', (d) => {
      const j = journal(d);
      const [before, last] = j.entries.slice(-2);
      if (!before || !last) throw new Error('the plant needs two migrations');
      last.when = before.when;
      writeFileSync(journalOf(d), JSON.stringify(j, null, 2));
    });
    const problems = checkConsistency(dir);
    expect(problems[0]).toBe(`drizzle-kit check on ${path.relative(ROOT, dir)} (exit 0):`);
    expect(problems.join('\n')).toMatch(/Warning: \d{4}_\w+ .* follows .* but its timestamp is not greater/);
  });

  it('snapshot and SQL fail on a planted drift: a column added to a copy of the schema, no migration', async () => {
    const planted = await schemaWithExtraColumn();
    const snapshot = await checkSnapshot(planted, setup.migrationsDir, setup.casing);
    expect(snapshot[0]).toMatch(/^the schema differs from apps\/api\/drizzle\/meta\/\d{4}_snapshot\.json; /);
    expect(snapshot).toContain('  .tables["public.tasks"].columns.drift_probe: only in the schema');
    expect(snapshot).toContain('    ALTER TABLE "tasks" ADD COLUMN "drift_probe" text;');

    const sql = compareObjects(fromMigrations, await describeSchema(planted, setup.casing));
    expect(sql).toEqual([
      'the migrations, applied to an empty database, do not build what the schema declares:',
      '  only in the schema: column public.tasks.drift_probe text',
    ]);
    console.log(schemaDriftMessage([...snapshot, ...sql]));
  });

  it('SQL fails on a planted drift: a hand-edited migration (the snapshots unchanged, so only this check sees it)', async () => {
    const dir = plantedMigrations('sql', (d) => {
      const last = journal(d).entries.at(-1);
      const file = path.join(d, `${last?.tag}.sql`);
      writeFileSync(
        file,
        `${readFileSync(file, 'utf8')}\n--> statement-breakpoint\nALTER TABLE "tasks" ADD COLUMN "drift_sql" text;\n`,
      );
    });
    expect(checkConsistency(dir)).toEqual([]);
    expect(await checkSnapshot(schema, dir, setup.casing)).toEqual([]);
    const sql = compareObjects(await describeMigrations(dir), fromSchema);
    expect(sql).toEqual([
      'the migrations, applied to an empty database, do not build what the schema declares:',
      '  only in the migrations: column public.tasks.drift_sql text',
    ]);
    console.log(schemaDriftMessage(sql));
  });

  it('a possible rename (a column gone and one added) is reported without the prompt drizzle-kit would show', async () => {
    const dir = plantedMigrations('rename', (d) => {
      const last = journal(d).entries.at(-1);
      const file = path.join(d, 'meta', `${last?.tag.split('_')[0]}_snapshot.json`);
      const snap = JSON.parse(readFileSync(file, 'utf8'));
      snap.tables['public.tasks'].columns.drift_old = {
        name: 'drift_old',
        type: 'text',
        primaryKey: false,
        notNull: false,
      };
      writeFileSync(file, JSON.stringify(snap, null, 2));
    });
    const snapshot = await checkSnapshot(await schemaWithExtraColumn(), dir, setup.casing);
    expect(snapshot.slice(1)).toEqual([
      '  .tables["public.tasks"].columns.drift_old: only in the migrations',
      '  .tables["public.tasks"].columns.drift_probe: only in the schema',
    ]);
  });

  it('lists a hand-written object that is no longer hand-written', () => {
    const gone = 'index CREATE INDEX gone_idx ON public.tasks USING btree (title)';
    expect(compareObjects(fromMigrations, fromSchema, [...HAND_WRITTEN, { object: gone }])).toEqual([
      `HAND_WRITTEN in apps/api/src/scripts/schema-drift.ts lists an object no longer hand-written: ${gone}`,
    ]);
  });
});
