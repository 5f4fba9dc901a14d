/**
 * Import (a JSON array or CSV text: each row checked, the valid ones inserted in one transaction) and export (every
 * matching task as CSV or JSON, streamed in keyset batches: constant memory, any size).
 */
import { type ExportTasksQuery, IMPORT_MAX_ROWS, importRowSchema, type Task } from '@primetrade/shared';
import type { z } from 'zod';
import type { Db } from '../../infra/db/client';
import type { ReadRouter } from '../../infra/db/read-router';
import { boundFieldErrors, type FieldError, validation } from '../../lib/errors';
import { csvHeader, csvRow, csvToObjects } from './tasks.csv';
import { diff } from './tasks.history';
import { insertActivity } from './tasks.history.repo';
import { listTasks } from './tasks.list.repo';
import { type TaskRecord, type TaskWrite, toDto } from './tasks.mapper';
import { insertTasks } from './tasks.repo';
import { filtersOf, sortOf, withTypoFallback } from './tasks.search';
import { createWrite } from './tasks.writes';

const EXPORT_BATCH = 500;
const INSERT_BATCH = 500;

export interface ImportResult {
  imported: number;
  failed: Array<{ row: number; errors: FieldError[] }>;
}

/** A download: its media type, file name and body (streamed). */
export interface ExportFile {
  contentType: string;
  filename: string;
  chunks: AsyncIterable<string>;
}

function zodIssues(error: z.ZodError): FieldError[] {
  return boundFieldErrors(error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
}

export class TaskTransfer {
  constructor(
    private readonly deps: {
      db: Db;
      reads: ReadRouter;
      afterWrite: (userId: string) => Promise<void>;
      /** Today's date names the export file. */
      now: () => Date;
    },
  ) {}

  /** Rows from a JSON array, or CSV text when the request said text/csv; each row checked. */
  async import(userId: string, input: unknown[] | string, opts: { csv: boolean }): Promise<ImportResult> {
    if (!opts.csv && typeof input === 'string') {
      throw validation([{ path: 'body', message: 'Send a JSON array of tasks, or CSV as text/csv' }]);
    }
    const rows = typeof input === 'string' ? csvToObjects(input) : input;
    if (rows.length > IMPORT_MAX_ROWS) {
      throw validation([{ path: 'body', message: `At most ${IMPORT_MAX_ROWS} rows` }]);
    }
    const failed: ImportResult['failed'] = [];
    const writes: TaskWrite[] = [];
    rows.forEach((raw, i) => {
      const parsed = importRowSchema.safeParse(raw);
      if (parsed.success) writes.push(createWrite(parsed.data));
      else failed.push({ row: i + 1, errors: zodIssues(parsed.error) });
    });
    const created = await this.deps.db.transaction(async (tx) => {
      const all: TaskRecord[] = [];
      for (let i = 0; i < writes.length; i += INSERT_BATCH) {
        const batch = await insertTasks(tx, userId, writes.slice(i, i + INSERT_BATCH));
        await insertActivity(
          tx,
          userId,
          batch.map((r) => ({ taskId: r.id, type: 'created' as const, changes: diff(null, r), payload: toDto(r) })),
        );
        all.push(...batch);
      }
      return all;
    });
    if (created.length) await this.deps.afterWrite(userId);
    return { imported: created.length, failed };
  }

  /** Every matching task in the list's order (list filters apply), as a CSV or JSON download. */
  export(userId: string, query: ExportTasksQuery): ExportFile {
    const { format, ...filters } = query;
    const rows = this.rows(userId, filters);
    const date = this.deps.now().toISOString().slice(0, 10);
    return {
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      filename: `tasks-${date}.${format}`,
      chunks: format === 'csv' ? csvChunks(rows) : jsonChunks(rows),
    };
  }

  /**
   * Every matching task in the list order, read in keyset batches. A search without `sort` exports newest first:
   * every match, where the ranked list ranks only the most recent ones (tasks.search.ts).
   */
  private async *rows(userId: string, query: Omit<ExportTasksQuery, 'format'>): AsyncGenerator<Task> {
    let filters = filtersOf(query);
    const sort = sortOf({ sort: query.sort });
    let after: { key: string | null; id: string } | undefined;
    const reader = await this.deps.reads.forUser(userId);
    for (;;) {
      const read = (f: typeof filters) => listTasks(reader, { userId, filters: f, sort, limit: EXPORT_BATCH, after });
      let batch: Awaited<ReturnType<typeof read>>;
      if (after) batch = await read(filters);
      else ({ result: batch, filters } = await withTypoFallback(filters, read, (b) => b.tasks.length > 0));
      const { tasks: rows, sortKeys } = batch;
      yield* rows;
      const last = rows[rows.length - 1];
      if (rows.length < EXPORT_BATCH || !last) return;
      after = { key: sortKeys[rows.length - 1] ?? null, id: last.id };
    }
  }
}

async function* csvChunks(rows: AsyncIterable<Task>): AsyncGenerator<string> {
  yield csvHeader();
  for await (const t of rows) yield csvRow(t);
}

async function* jsonChunks(rows: AsyncIterable<Task>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const t of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(t)}`;
    first = false;
  }
  yield first ? ']' : '\n]';
}
