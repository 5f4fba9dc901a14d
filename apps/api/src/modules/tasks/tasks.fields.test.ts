/**
 * One task field list. A task's fields are named in four places, and only there:
 * 1. the migrations (apps/api/drizzle/*.sql): the column, as the migrated database has it;
 * 2. the Drizzle table (infra/db/schema/tasks.ts);
 * 3. the shared zod schema (packages/shared/src/tasks.ts: `taskSchema`, and the create/patch bodies for a
 *    writable field) — the source of the list this test checks;
 * 4. the mapper (tasks.mapper.ts: TASK_FIELDS), from which the DTO, the SQL column lists, the history diff, the
 *    patch and the CSV columns are derived.
 * The web form needs no entry: its fields, defaults, input conversion and PATCH diff derive from the shared
 * `createTaskBody` (task-form-values.ts; checked below) — showing a new field is a choice of layout in
 * task-form-dialog.tsx, and a field the dialog does not show keeps its default on create and its value on edit.
 * The checker reads each place programmatically and names the files that miss a field; the planted fields below
 * show it catching them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { taskSchema } from '@primetrade/shared';
import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tasks } from '../../infra/db/schema/tasks';
import { migrationsFolder } from '../../infra/db/migrate';
import { TASK_FIELDS } from './tasks.mapper';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

const FILES = {
  migration: 'apps/api/drizzle/*.sql',
  table: 'apps/api/src/infra/db/schema/tasks.ts',
  shared: 'packages/shared/src/tasks.ts',
  mapper: 'apps/api/src/modules/tasks/tasks.mapper.ts',
  form: 'apps/web/src/features/tasks/components/task-form-values.ts',
} as const;

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The SQL of every migration in the journal, in order. */
function readMigrations(): string[] {
  const folder = migrationsFolder();
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  expect(readdirSync(folder).filter((f) => f.endsWith('.sql'))).toHaveLength(journal.entries.length);
  return journal.entries.map(({ tag }) => readFileSync(path.join(folder, `${tag}.sql`), 'utf8'));
}

/** The columns of "tasks" after these migrations (CREATE TABLE, ADD COLUMN, DROP COLUMN). */
function columnsAfter(migrations: string[]): Set<string> {
  const columns = new Set<string>();
  for (const sql of migrations) {
    for (const statement of sql.split(/--> statement-breakpoint|;\s*\n/)) {
      const create = /create table (?:if not exists )?"?tasks"?\s*\(([\s\S]*)\)/i.exec(statement);
      if (create?.[1]) for (const m of create[1].matchAll(/^\s*"(\w+)"/gm)) columns.add(m[1] as string);
      for (const m of statement.matchAll(/alter table "?tasks"? add column (?:if not exists )?"?(\w+)"?/gi)) {
        columns.add(m[1] as string);
      }
      for (const m of statement.matchAll(/alter table "?tasks"? drop column (?:if exists )?"?(\w+)"?/gi)) {
        columns.delete(m[1] as string);
      }
    }
  }
  return columns;
}

/** The web form's field handling: derived from the shared schema when it reads `createTaskBody.shape` and names no field. */
function formDerivesFields(fields: string[]): boolean {
  const text = readFileSync(path.join(ROOT, FILES.form), 'utf8');
  const named = fields.filter((f) => text.includes(`'${f}'`) || text.includes(`"${f}"`));
  return text.includes('createTaskBody.shape') && named.length === 0;
}

interface Place {
  file: string;
  has(field: string): boolean;
}

function realPlaces(fields: string[], migrations = readMigrations()): Place[] {
  const migrated = columnsAfter(migrations);
  const tableColumns = getTableColumns(tasks) as Record<string, { name: string }>;
  const formText = readFileSync(path.join(ROOT, FILES.form), 'utf8');
  return [
    { file: FILES.migration, has: (f) => migrated.has(tableColumns[f]?.name ?? snake(f)) },
    { file: FILES.table, has: (f) => f in tableColumns },
    { file: FILES.shared, has: (f) => f in taskSchema.shape },
    { file: FILES.mapper, has: (f) => f in TASK_FIELDS },
    // A form that lists fields would be a place of its own; this one derives them (see formDerivesFields).
    ...(formDerivesFields(fields) ? [] : [{ file: FILES.form, has: (f: string) => formText.includes(`'${f}'`) }]),
  ];
}

/** For each field some place misses: the files that would need it. */
function missingPlaces(fields: string[], places: Place[] = realPlaces(fields)): Record<string, string[]> {
  const missing: Record<string, string[]> = {};
  for (const field of fields) {
    const files = places.filter((p) => !p.has(field)).map((p) => p.file);
    if (files.length) missing[field] = files;
  }
  return missing;
}

/** The field list: the shared schema's Task. */
const FIELDS = Object.keys(taskSchema.shape);

describe('the task field list', () => {
  it('is the shared schema’s: every field is in the migrations, the table and the mapper', () => {
    expect(FIELDS).toContain('dueDate');
    expect(missingPlaces(FIELDS)).toEqual({});
    // …and the mapper names nothing else.
    expect(Object.keys(TASK_FIELDS)).toEqual(FIELDS);
  });

  it('the web form needs no entry: it derives its fields, defaults and diff from the shared schema', () => {
    expect(formDerivesFields(FIELDS)).toBe(true);
  });

  it('a planted new field is reported missing from exactly the files that would need it (4)', () => {
    const report = missingPlaces([...FIELDS, 'estimate']);
    expect(report).toEqual({ estimate: [FILES.migration, FILES.table, FILES.shared, FILES.mapper] });
    expect(report.estimate?.length).toBeLessThanOrEqual(4);
  });

  it('a field dropped from one place is reported against that place only', () => {
    // A migration that drops a column.
    const dropped = [...readMigrations(), 'ALTER TABLE "tasks" DROP COLUMN "priority";'];
    expect(missingPlaces(FIELDS, realPlaces(FIELDS, dropped))).toEqual({ priority: [FILES.migration] });
    // A mapper without one of the fields.
    const { tags: _, ...mapperWithoutTags } = TASK_FIELDS;
    const places = realPlaces(FIELDS).map((p) =>
      p.file === FILES.mapper ? { ...p, has: (f: string) => f in mapperWithoutTags } : p,
    );
    expect(missingPlaces(FIELDS, places)).toEqual({ tags: [FILES.mapper] });
  });

  it('the migration check reads the real DDL: columns created, dropped and re-added', () => {
    const columns = columnsAfter(readMigrations());
    expect(columns).toContain('due_date');
    expect(columns).toContain('search'); // dropped and re-added by 0004
    expect(columns).not.toContain('estimate');
    expect(columnsAfter([...readMigrations(), 'ALTER TABLE "tasks" ADD COLUMN "estimate" integer;'])).toContain(
      'estimate',
    );
  });
});
