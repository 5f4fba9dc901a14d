/**
 * Import (a JSON array or CSV text: each row checked, the valid ones inserted) and export (every matching task as
 * CSV or JSON, streamed in keyset batches: constant memory, any size).
 *
 * Neither may stop other users' requests (R11). The CPU work (CSV parsing, row checks, CSV/JSON writing) runs in
 * slices of ~10 ms with an event-loop turn between them. The inserts depend on the database:
 * - PostgreSQL: one transaction (other sessions go on meanwhile: MVCC); all valid rows or none.
 * - PGlite (embedded, one session on this thread): a transaction would hold the database for everyone until it
 *   ends (10,000 rows with their search indexes: seconds). The rows go in as a series of short transactions,
 *   each sized to take ~IMPORT_CHUNK_MS, with a loop turn between them in which other requests' statements run.
 *   The end state stays all or nothing: when a piece fails, the tasks already inserted are deleted again (with
 *   their `deleted` history, so a subscriber that saw them created sees them go) and the error is the answer.
 *   Meanwhile the importer's own lists may show a part of the import; a crash midway keeps the pieces committed.
 */
import {
  type ExportTasksQuery,
  hasBeforeReminder,
  IMPORT_MAX_ROWS,
  importRowSchema,
  REMINDER_NEEDS_DUE_DATE,
  type Task,
} from '@primetrade/shared';
import type { z } from 'zod';
import { type Db, type DbOrTx, isSingleSession } from '../../infra/db/client';
import type { ReadRouter } from '../../infra/db/read-router';
import { boundFieldErrors, type FieldError, validation } from '../../lib/errors';
import { allows, type ProjectPolicy } from '../projects';
import { nextTurn, TimeSlicer } from '../../lib/time-slice';
import { csvHeader, csvRow, csvToObjectsAsync } from './tasks.csv';
import { withAllDayDue } from './importers/drafts';
import { diff } from './tasks.history';
import { insertActivity } from './tasks.history.repo';
import { listTasks } from './tasks.list.repo';
import { type TaskRecord, type TaskWrite, toDto } from './tasks.mapper';
import { deleteTasks, insertTasks } from './tasks.repo';
import { filtersOf, sortOf, type TaskFilters, withTypoFallback } from './tasks.search';
import { createWrite } from './tasks.writes';

const EXPORT_BATCH = 500;
const INSERT_BATCH = 500;
/** PGlite: the time one import transaction aims at; the next piece's size follows the last one's rows per ms. */
const IMPORT_CHUNK_MS = 25;
/** PGlite: the first piece's size, and the smallest piece. */
const IMPORT_CHUNK_FIRST = 5;
const IMPORT_CHUNK_MIN = 5;
/** PGlite: export reads sized like the import's pieces (~IMPORT_CHUNK_MS each), from the first size up to EXPORT_BATCH. */
const EXPORT_BATCH_FIRST = 100;
const EXPORT_BATCH_MIN = 50;
/** PGlite: rows of an undo (a failed import's tasks deleted again) per transaction. */
const UNDO_CHUNK = 200;

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
      afterWrite: (userId: string, projectIds?: string[]) => Promise<void>;
      /** Today's date names the export file. */
      now: () => Date;
      /** Where rows may go (a row's projectId: owner or editor there; else the caller's inbox) and what an export covers. */
      policy: Pick<ProjectPolicy, 'memberships' | 'readScope' | 'inboxId'>;
    },
  ) {}

  /** Rows from a JSON array, or CSV text when the request said text/csv; each row checked. */
  /** `zone`: the user's time zone, where a plain due date (`2026-12-31`) is midnight (an all-day task). */
  async import(userId: string, input: unknown[] | string, opts: { csv: boolean; zone: string }): Promise<ImportResult> {
    if (!opts.csv && typeof input === 'string') {
      throw validation([{ path: 'body', message: 'Send a JSON array of tasks, or CSV as text/csv' }]);
    }
    const slicer = new TimeSlicer();
    const rows = typeof input === 'string' ? await csvToObjectsAsync(input, slicer) : input;
    if (rows.length > IMPORT_MAX_ROWS) {
      throw validation([{ path: 'body', message: `At most ${IMPORT_MAX_ROWS} rows` }]);
    }
    const failed: ImportResult['failed'] = [];
    const writes: TaskWrite[] = [];
    const roles = await this.deps.policy.memberships(userId);
    const inbox = await this.deps.policy.inboxId(userId);
    for (let i = 0; i < rows.length; i++) {
      const parsed = importRowSchema.safeParse(withAllDayDue(rows[i], opts.zone));
      // A row's projectId is kept when the caller may add tasks there; any other (an export of another account,
      // a project since left) lands in the caller's inbox, as every import did before projects.
      const target = (p: string | undefined) => (p && allows(roles.get(p) ?? null, 'write') ? p : inbox);
      if (!parsed.success) failed.push({ row: i + 1, errors: zodIssues(parsed.error) });
      else if (parsed.data.recurrence && parsed.data.dueDate === null) {
        failed.push({ row: i + 1, errors: [{ path: 'recurrence', message: 'A recurring task needs a dueDate' }] });
      } else if (parsed.data.dueDate === null && hasBeforeReminder(parsed.data.reminders)) {
        failed.push({ row: i + 1, errors: [{ path: 'reminders', message: REMINDER_NEEDS_DUE_DATE }] });
      } else {
        // An import carries no assignee or parent (issue 15 item 5: ids of another export would not be checked).
        const row = { ...parsed.data, projectId: target(parsed.data.projectId), assigneeId: null, parentId: null };
        writes.push(createWrite(row));
      }
      if (i % 32 === 31) await slicer.pause();
    }
    const created = isSingleSession(this.deps.db)
      ? await this.insertInPieces(userId, writes)
      : await this.deps.db.transaction(async (tx) => {
          const all: TaskRecord[] = [];
          for (let i = 0; i < writes.length; i += INSERT_BATCH) {
            all.push(...(await insertCreated(tx, userId, writes.slice(i, i + INSERT_BATCH))));
          }
          return all;
        });
    if (created.length) await this.deps.afterWrite(userId, [...new Set(created.map((r) => r.projectId))]);
    return { imported: created.length, failed };
  }

  /**
   * PGlite: the rows in short transactions (see the top of this file), a loop turn between two; on a failure the
   * tasks already in are deleted again and the failure is thrown.
   */
  private async insertInPieces(userId: string, writes: TaskWrite[]): Promise<TaskRecord[]> {
    const created: TaskRecord[] = [];
    let size = IMPORT_CHUNK_FIRST;
    try {
      for (let i = 0; i < writes.length; ) {
        const piece = writes.slice(i, i + size);
        let ms = 0;
        const batch = await this.deps.db.transaction(async (tx) => {
          const t0 = performance.now(); // from the first statement: the wait for the database is not counted
          const rows = await insertCreated(tx, userId, piece);
          ms = performance.now() - t0;
          return rows;
        });
        created.push(...batch);
        i += piece.length;
        const perMs = piece.length / Math.max(ms, 1);
        size = Math.min(INSERT_BATCH, Math.max(IMPORT_CHUNK_MIN, Math.floor(perMs * IMPORT_CHUNK_MS)));
        await nextTurn();
      }
    } catch (err) {
      if (created.length) await this.undoImport(userId, created);
      throw err;
    }
    return created;
  }

  /** A failed import's tasks deleted again, each with its `deleted` history row, in short transactions. */
  private async undoImport(userId: string, created: TaskRecord[]): Promise<void> {
    try {
      for (let i = 0; i < created.length; i += UNDO_CHUNK) {
        const ids = created.slice(i, i + UNDO_CHUNK).map((r) => r.id);
        await this.deps.db.transaction(async (tx) => {
          const rows = await deleteTasks(tx, userId, ids);
          await insertActivity(
            tx,
            userId,
            rows.map((r) => ({ taskId: r.id, type: 'deleted' as const, changes: {} })),
          );
        });
        await nextTurn();
      }
    } finally {
      await this.deps.afterWrite(userId, [...new Set(created.map((r) => r.projectId))]);
    }
  }

  /** Every matching task in the list's order (list filters apply), as a CSV or JSON download. */
  async export(userId: string, query: ExportTasksQuery): Promise<ExportFile> {
    const { format, ...filters } = query;
    // Resolved before the download starts: ?projectId of a project the caller is not a member of is a 404.
    const projectIds = await this.deps.policy.readScope(userId, query.projectId);
    const rows = this.rows(userId, filters, projectIds);
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
  private async *rows(
    userId: string,
    query: Omit<ExportTasksQuery, 'format'>,
    projectIds: string[],
  ): AsyncGenerator<Task[]> {
    let filters: TaskFilters = { ...filtersOf(query, userId), projectIds };
    const sort = sortOf({ sort: query.sort });
    let after: { key: string | null; id: string } | undefined;
    const reader = await this.deps.reads.forUser(userId);
    // PGlite: one read holds the database for everyone, so reads are sized to take ~IMPORT_CHUNK_MS (measured
    // with the wait for the database included: smaller when other requests are queued, never below the minimum).
    const adaptive = isSingleSession(reader);
    let limit = adaptive ? EXPORT_BATCH_FIRST : EXPORT_BATCH;
    for (;;) {
      const read = (f: typeof filters) => listTasks(reader, { userId, filters: f, sort, limit, after });
      const t0 = performance.now();
      let batch: Awaited<ReturnType<typeof read>>;
      if (after) batch = await read(filters);
      else ({ result: batch, filters } = await withTypoFallback(filters, read, (b) => b.tasks.length > 0));
      const ms = performance.now() - t0;
      const { tasks: rows, sortKeys } = batch;
      if (rows.length) yield rows;
      const last = rows[rows.length - 1];
      if (rows.length < limit || !last) return;
      after = { key: sortKeys[rows.length - 1] ?? null, id: last.id };
      if (adaptive) {
        const perMs = rows.length / Math.max(ms, 1);
        limit = Math.min(EXPORT_BATCH, Math.max(EXPORT_BATCH_MIN, Math.floor(perMs * IMPORT_CHUNK_MS)));
      }
    }
  }
}

/** The tasks inserted, with their `created` history rows (the outbox entries): one transaction's statements. */
async function insertCreated(tx: DbOrTx, userId: string, writes: TaskWrite[]): Promise<TaskRecord[]> {
  const batch = await insertTasks(tx, userId, writes);
  await insertActivity(
    tx,
    userId,
    batch.map((r) => ({ taskId: r.id, type: 'created' as const, changes: diff(null, r), payload: toDto(r) })),
  );
  return batch;
}

/** Rows written a batch at a time (one chunk per batch), a loop turn whenever ~10 ms of writing has run. */
async function* textChunks(batches: AsyncIterable<Task[]>, write: (t: Task) => string): AsyncGenerator<string> {
  const slicer = new TimeSlicer();
  for await (const batch of batches) {
    let text = '';
    for (let i = 0; i < batch.length; i++) {
      text += write(batch[i] as Task);
      if (i % 64 === 63) await slicer.pause();
    }
    yield text;
    await slicer.pause();
  }
}

async function* csvChunks(batches: AsyncIterable<Task[]>): AsyncGenerator<string> {
  yield csvHeader();
  yield* textChunks(batches, csvRow);
}

async function* jsonChunks(batches: AsyncIterable<Task[]>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  yield* textChunks(batches, (t) => {
    const text = `${first ? '' : ','}\n${JSON.stringify(t)}`;
    first = false;
    return text;
  });
  yield first ? ']' : '\n]';
}
