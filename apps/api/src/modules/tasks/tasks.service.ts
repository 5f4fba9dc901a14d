/**
 * Task rules: ownership (every query is scoped to the caller, so another user's task is simply not found),
 * versions and ETags, completedAt, history rows in the same transaction as each change, idempotent creation,
 * cache invalidation and domain events after commit.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type BulkBody,
  type CreateTaskBody,
  type HistoryEntry,
  IMPORT_MAX_ROWS,
  importRowSchema,
  type ListTasksQuery,
  type PatchTaskBody,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  type TaskStats,
} from '@primetrade/shared';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Deps } from '../../deps';
import type { Db } from '../../infra/db/client';
import { users } from '../../infra/db/schema';
import { AppError, conflict, type FieldError, notFound, validation } from '../../lib/errors';
import { decodeCursor, encodeCursor } from './tasks.cursor';
import { CSV_COLUMNS, CSV_IMPORT_COLUMNS, CsvError, parseCsv, unguard } from './tasks.csv';
import * as repo from './tasks.repo';
import type { SortSpec, TaskFilters, TaskRecord, TaskWrite } from './tasks.repo';

export const IDEMPOTENCY_TTL_SEC = 24 * 3600;
/** Distinguishes this process's in-memory data versions from another process's (list ETags). */
const PROCESS_TAG = randomBytes(6).toString('base64url');
const STATS_TTL_SEC = 300;
const PRIORITY_BY_RANK = TASK_PRIORITIES;

export function toDto(r: TaskRecord): Task {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    dueDate: r.dueDate ? r.dueDate.toISOString() : null,
    tags: r.tags,
    completedAt: r.completedAt ? r.completedAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  };
}

/** A strong ETag that depends on the id and the version only: every instance computes the same one. */
export function etagOf(id: string, version: number): string {
  return `"${createHash('sha256').update(`${id}:${version}`).digest('base64url').slice(0, 27)}"`;
}

/** Entity tags of an If-Match / If-None-Match header; `*` stays `*`. The W/ prefix is dropped (see docs). */
function parseEtagList(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.startsWith('W/') ? t.slice(2) : t));
}

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEtagList(header);
  return tags.includes('*') || tags.includes(etag);
}

const FIELDS = ['title', 'description', 'status', 'priority', 'dueDate', 'tags', 'completedAt'] as const;

function jsonValue(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : false;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function diff(before: TaskRecord | null, after: TaskRecord | null): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of FIELDS) {
    const from = before ? before[f] : null;
    const to = after ? after[f] : null;
    if (before === null ? to !== null : !same(from, to)) {
      changes[f] = { from: jsonValue(from), to: jsonValue(to) };
    }
  }
  return changes;
}

function activityType(before: TaskRecord, after: TaskRecord): repo.ActivityType {
  if (before.status !== after.status) {
    if (after.status === 'completed') return 'completed';
    if (before.status === 'completed') return 'reopened';
  }
  return 'updated';
}

type WritableFields = Omit<TaskWrite, 'completedAt'>;

/** The writable fields a patch would give; undefined keys keep the current value. */
function applyPatch(current: TaskRecord, patch: PatchTaskBody): WritableFields {
  return {
    title: patch.title ?? current.title,
    description: patch.description ?? current.description,
    status: patch.status ?? current.status,
    priority: patch.priority ?? current.priority,
    dueDate: patch.dueDate === undefined ? current.dueDate : patch.dueDate === null ? null : new Date(patch.dueDate),
    tags: patch.tags ?? current.tags,
  };
}

/** The fields of `next` that differ from `current`, with completedAt following status. */
function changedSet(current: TaskRecord, next: WritableFields): Partial<TaskWrite> {
  const set: Partial<TaskWrite> = {};
  for (const f of ['title', 'description', 'status', 'priority', 'dueDate', 'tags'] as const) {
    if (!same(current[f], next[f])) (set as Record<string, unknown>)[f] = next[f];
  }
  if (set.status !== undefined) {
    if (set.status === 'completed') set.completedAt = sql`now()`;
    else if (current.status === 'completed') set.completedAt = null;
  }
  return set;
}

/** The `created` history entry of a write, as diff(null, row) gives it, without completedAt (the database's). */
function createdChanges(write: TaskWrite): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of FIELDS) {
    if (f === 'completedAt') continue;
    const to = jsonValue(write[f]);
    if (to !== null) changes[f] = { from: null, to };
  }
  return changes;
}

function createWrite(body: CreateTaskBody): TaskWrite {
  return {
    title: body.title,
    description: body.description,
    status: body.status,
    priority: body.priority,
    dueDate: body.dueDate ? new Date(body.dueDate) : null,
    tags: body.tags,
    completedAt: body.status === 'completed' ? sql`now()` : null,
  };
}

function zodIssues(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export interface CreateResult {
  status: number;
  body: { success: true; data: Task };
  headers: Record<string, string>;
  replayed: boolean;
}

export interface ListResult {
  data: Task[];
  meta:
    | { limit: number; hasMore: boolean; nextCursor: string | null }
    | { page: number; limit: number; total: number; totalPages: number };
}

class KeyHeld extends Error {}

export class TasksService {
  private readonly db: Db;
  constructor(private readonly deps: Deps) {
    this.db = deps.database.db;
  }

  /** After a write commits: invalidate the user's cached reads, pin their reads to the primary, publish events. */
  private async afterWrite(userId: string): Promise<void> {
    await Promise.all([this.deps.cache.bump(`tasks:${userId}`), this.deps.reads.noteWrite(userId)]);
    // The change's task_activity row is its outbox entry; the relay publishes it (at least once).
    this.deps.relay.kick();
  }

  // ---- reads ----

  /**
   * A weak ETag for a list response: the user's task-data version (bumped after every write) and a hash of the
   * request's query. With the in-process cache the version restarts with the process, so a per-process id is part
   * of the tag; Redis versions are shared by every instance and never go back.
   */
  async listEtag(userId: string, url: string): Promise<string> {
    const version = await this.deps.cache.version(`tasks:${userId}`);
    const scope = this.deps.cache.kind === 'memory' ? PROCESS_TAG : 'r';
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const h = createHash('sha256').update(`${userId}|${query}`).digest('base64url').slice(0, 16);
    return `W/"l-${scope}-${version}-${h}"`;
  }

  static sortOf(query: { sort?: string | undefined; q?: string | undefined }): SortSpec {
    if (!query.sort) return query.q ? { field: 'rank', desc: true } : { field: 'createdAt', desc: true };
    const desc = query.sort.startsWith('-');
    return { field: (desc ? query.sort.slice(1) : query.sort) as SortSpec['field'], desc };
  }

  static filtersOf(query: TaskFilters): TaskFilters {
    return {
      status: query.status,
      priority: query.priority,
      tag: query.tag,
      q: query.q ? query.q : undefined,
      // As UTC instants: PostgreSQL refuses some offsets JavaScript accepts (beyond ±15:59).
      dueBefore: query.dueBefore ? new Date(query.dueBefore).toISOString() : undefined,
      dueAfter: query.dueAfter ? new Date(query.dueAfter).toISOString() : undefined,
      overdue: query.overdue,
    };
  }

  /** What a cursor is bound to: the filters and the sort (not the limit). */
  private static fingerprint(filters: TaskFilters, sort: SortSpec): string {
    return JSON.stringify([
      sort.field,
      sort.desc,
      filters.status ? [...new Set(filters.status)].sort() : null,
      filters.priority ? [...new Set(filters.priority)].sort() : null,
      filters.tag ?? null,
      filters.q ?? null,
      filters.dueBefore ?? null,
      filters.dueAfter ?? null,
      filters.overdue ?? null,
    ]);
  }

  /** A search that matches by words (the first try) and may fall back to typo matching. */
  private static wordsFirst(filters: TaskFilters): boolean {
    return filters.q !== undefined && repo.searchWords(filters.q).length > 0 && filters.searchMode !== 'typo';
  }

  private static typoMode(filters: TaskFilters): TaskFilters {
    return { ...filters, searchMode: 'typo' };
  }

  async list(userId: string, query: ListTasksQuery): Promise<ListResult> {
    let filters = TasksService.filtersOf(query);
    const sort = TasksService.sortOf({ sort: query.sort, q: filters.q });
    const limit = query.limit;
    if (query.page !== undefined) {
      if (query.cursor !== undefined) {
        throw validation([{ path: 'querystring.cursor', message: 'Use either page or cursor, not both' }]);
      }
      const offset = (query.page - 1) * limit;
      const read = (f: TaskFilters) =>
        Promise.all([
          repo.listTasks(this.db, { userId, filters: f, sort, limit, offset }),
          repo.countTasks(this.db, userId, f, sort),
        ]);
      let [listed, total] = await read(filters);
      if (total === 0 && TasksService.wordsFirst(filters)) [listed, total] = await read(TasksService.typoMode(filters));
      return {
        data: listed.tasks,
        meta: { page: query.page, limit, total, totalPages: Math.ceil(total / limit) },
      };
    }
    const fp = TasksService.fingerprint(filters, sort);
    const after = query.cursor ? decodeCursor(this.deps.cursorKey, userId, fp, query.cursor) : undefined;
    if (after?.typo) filters = TasksService.typoMode(filters);
    const read = (f: TaskFilters) => repo.listTasks(this.db, { userId, filters: f, sort, limit: limit + 1, after });
    let listed = await read(filters);
    if (!after && listed.tasks.length === 0 && TasksService.wordsFirst(filters)) {
      filters = TasksService.typoMode(filters);
      listed = await read(filters);
    }
    const hasMore = listed.tasks.length > limit;
    const page = hasMore ? listed.tasks.slice(0, limit) : listed.tasks;
    const last = page[page.length - 1];
    const position = last && { key: listed.sortKeys[limit - 1] ?? null, id: last.id };
    const nextCursor =
      hasMore && position
        ? encodeCursor(
            this.deps.cursorKey,
            userId,
            fp,
            filters.searchMode === 'typo' ? { ...position, typo: true } : position,
          )
        : null;
    return { data: page, meta: { limit, hasMore, nextCursor } };
  }

  /**
   * Every matching task in the list order, read in keyset batches (constant memory, any size). A search without
   * `sort` exports newest first: every match, where the ranked list ranks the most recent ones (repo.rankedSearchLimits).
   */
  async *exportRows(userId: string, query: { sort?: string | undefined } & TaskFilters): AsyncGenerator<Task> {
    let filters = TasksService.filtersOf(query);
    const sort = TasksService.sortOf({ sort: query.sort });
    let after: { key: string | null; id: string } | undefined;
    const reader = await this.deps.reads.forUser(userId);
    for (;;) {
      let batch = await repo.listTasks(reader, { userId, filters, sort, limit: 500, after });
      if (!after && batch.tasks.length === 0 && TasksService.wordsFirst(filters)) {
        filters = TasksService.typoMode(filters);
        batch = await repo.listTasks(reader, { userId, filters, sort, limit: 500, after });
      }
      const { tasks: rows, sortKeys } = batch;
      yield* rows;
      const last = rows[rows.length - 1];
      if (rows.length < 500 || !last) return;
      after = { key: sortKeys[rows.length - 1] ?? null, id: last.id };
    }
  }

  async get(userId: string, id: string): Promise<Task> {
    const row = await repo.findTask(this.db, userId, id);
    if (!row) throw notFound('Task');
    return toDto(row);
  }

  async history(userId: string, id: string): Promise<HistoryEntry[]> {
    const task = await repo.findTask(this.db, userId, id);
    if (!task) throw notFound('Task');
    const rows = await repo.listActivity(this.db, userId, id);
    return rows.map((r) => ({ id: r.id, type: r.type, changes: r.changes, createdAt: r.createdAt.toISOString() }));
  }

  // ---- create ----

  static requestHash(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body)).digest('hex');
  }

  private replay(found: repo.IdempotencyRecord, hash: string): CreateResult {
    if (found.requestHash !== hash) {
      throw conflict('This Idempotency-Key was already used with a different request body');
    }
    if (found.statusCode === null || !found.response) {
      throw conflict('A request with this Idempotency-Key is still in progress; retry shortly');
    }
    return {
      status: found.statusCode,
      body: found.response.body as CreateResult['body'],
      headers: found.response.headers,
      replayed: true,
    };
  }

  /**
   * Create one task. With an Idempotency-Key, a repeat of the same body within 24 h gets the stored response
   * (no second task), another body gets 409, and concurrent requests with one key create one task.
   * `beforeCreate` runs only when a task will really be created (the creation rate limit).
   */
  async create(
    userId: string,
    body: CreateTaskBody,
    opts: { idempotencyKey?: string | undefined; beforeCreate?: () => Promise<void>; location: (id: string) => string },
  ): Promise<CreateResult> {
    const key = opts.idempotencyKey;
    const hash = key ? TasksService.requestHash(body) : '';
    if (key) {
      const found = await repo.findIdempotencyKey(this.db, userId, key);
      if (found) return this.replay(found, hash);
    }
    await opts.beforeCreate?.();
    if (!key) {
      // No idempotency bookkeeping: the task and its activity row in one statement.
      const write = createWrite(body);
      const task = await repo.createTaskWithActivity(this.db, userId, write, createdChanges(write));
      await this.afterWrite(userId);
      return {
        status: 201,
        body: { success: true, data: task },
        headers: { location: opts.location(task.id), etag: etagOf(task.id, task.version) },
        replayed: false,
      };
    }
    let result: CreateResult;
    try {
      result = await this.db.transaction(async (tx) => {
        if (key && !(await repo.claimIdempotencyKey(tx, userId, key, hash, IDEMPOTENCY_TTL_SEC))) {
          throw new KeyHeld();
        }
        const [row] = await repo.insertTasks(tx, userId, [createWrite(body)]);
        if (!row) throw new Error('insert returned no row');
        const task = toDto(row);
        await repo.insertActivity(tx, userId, [
          { taskId: row.id, type: 'created', changes: diff(null, row), payload: task },
        ]);
        const result: CreateResult = {
          status: 201,
          body: { success: true, data: task },
          headers: { location: opts.location(row.id), etag: etagOf(row.id, row.version) },
          replayed: false,
        };
        if (key) {
          await repo.storeIdempotentResponse(tx, userId, key, 201, { body: result.body, headers: result.headers });
        }
        return result;
      });
    } catch (err) {
      if (err instanceof KeyHeld && key) {
        const found = await repo.findIdempotencyKey(this.db, userId, key);
        if (found) return this.replay(found, hash);
        throw conflict('A request with this Idempotency-Key is still in progress; retry shortly');
      }
      if (isUniqueViolation(err) && key) {
        // Two first uses raced on a server that reported the clash instead of waiting: the later one is told so.
        throw conflict('A request with this Idempotency-Key is still in progress; retry shortly');
      }
      throw err;
    }
    if (key && Math.random() < 0.01) await repo.purgeExpiredIdempotencyKeys(this.db, userId).catch(() => {});
    await this.afterWrite(userId);
    return result;
  }

  // ---- update ----

  /** PATCH (partial) or PUT (full replacement, defaults for absent fields). `ifMatch` mismatch → 412. */
  async update(
    userId: string,
    id: string,
    patch: PatchTaskBody,
    opts: { ifMatch?: string | undefined },
  ): Promise<{ task: Task; changed: boolean }> {
    const out = await this.db.transaction(async (tx) => {
      const current = await repo.findTask(tx, userId, id, true);
      if (!current) throw notFound('Task');
      if (opts.ifMatch !== undefined) this.checkIfMatch(opts.ifMatch, current);
      const set = changedSet(current, applyPatch(current, patch));
      if (Object.keys(set).length === 0) return { row: current, changed: false };
      const row = await repo.updateTask(tx, userId, id, set);
      if (!row) throw notFound('Task');
      await repo.insertActivity(tx, userId, [
        { taskId: id, type: activityType(current, row), changes: diff(current, row), payload: toDto(row) },
      ]);
      return { row, changed: true };
    });
    const task = toDto(out.row);
    if (out.changed) await this.afterWrite(userId);
    return { task, changed: out.changed };
  }

  async remove(userId: string, id: string, opts: { ifMatch?: string | undefined } = {}): Promise<void> {
    const deleted = await this.db.transaction(async (tx) => {
      if (opts.ifMatch !== undefined) {
        const current = await repo.findTask(tx, userId, id, true);
        if (!current) throw notFound('Task');
        this.checkIfMatch(opts.ifMatch, current);
      }
      const rows = await repo.deleteTasks(tx, userId, [id]);
      if (rows.length === 0) throw notFound('Task');
      await repo.insertActivity(tx, userId, [{ taskId: id, type: 'deleted', changes: {} }]);
      return rows;
    });
    if (deleted.length) await this.afterWrite(userId);
  }

  private checkIfMatch(ifMatch: string, current: TaskRecord): void {
    const etag = etagOf(current.id, current.version);
    if (!etagMatches(ifMatch, etag)) {
      throw new AppError('PRECONDITION_FAILED', 'The task has changed since you read it (If-Match does not match)', {
        headers: { etag },
      });
    }
  }

  // ---- bulk ----

  /** One transaction; ids that are not the caller's are ignored; `affected` counts the caller's tasks that changed. */
  async bulk(userId: string, body: BulkBody): Promise<number> {
    const ids = [...new Set(body.ids.map((i) => i.toLowerCase()))];
    const affected = await this.db.transaction(async (tx) => {
      if (body.action === 'delete') {
        const rows = await repo.deleteTasks(tx, userId, ids);
        await repo.insertActivity(
          tx,
          userId,
          rows.map((r) => ({ taskId: r.id, type: 'deleted' as const, changes: {} })),
        );
        return rows.length;
      }
      const current = await repo.findTasksForUpdate(tx, userId, ids);
      let count = 0;
      const activity: repo.ActivityWrite[] = [];
      for (const c of current) {
        const set = changedSet(c, applyPatch(c, body.patch));
        if (Object.keys(set).length === 0) continue;
        const row = await repo.updateTask(tx, userId, c.id, set);
        if (!row) continue;
        count++;
        activity.push({ taskId: c.id, type: activityType(c, row), changes: diff(c, row), payload: toDto(row) });
      }
      await repo.insertActivity(tx, userId, activity);
      return count;
    });
    if (affected > 0) await this.afterWrite(userId);
    return affected;
  }

  // ---- import ----

  /** Rows from a JSON array or CSV text; each row checked; the valid ones inserted in one transaction. */
  async import(
    userId: string,
    input: unknown[] | string,
  ): Promise<{ imported: number; failed: Array<{ row: number; errors: FieldError[] }> }> {
    const rows = typeof input === 'string' ? csvToObjects(input) : input;
    if (rows.length > IMPORT_MAX_ROWS) {
      throw validation([{ path: 'body', message: `At most ${IMPORT_MAX_ROWS} rows` }]);
    }
    const failed: Array<{ row: number; errors: FieldError[] }> = [];
    const writes: TaskWrite[] = [];
    rows.forEach((raw, i) => {
      const parsed = importRowSchema.safeParse(raw);
      if (!parsed.success) {
        failed.push({ row: i + 1, errors: zodIssues(parsed.error) });
        return;
      }
      const { id: _i, completedAt: _c, createdAt: _cr, updatedAt: _u, version: _v, ...body } = parsed.data;
      writes.push(createWrite(body));
    });
    const created = await this.db.transaction(async (tx) => {
      const all: TaskRecord[] = [];
      for (let i = 0; i < writes.length; i += 500) {
        const batch = await repo.insertTasks(tx, userId, writes.slice(i, i + 500));
        await repo.insertActivity(
          tx,
          userId,
          batch.map((r) => ({ taskId: r.id, type: 'created' as const, changes: diff(null, r), payload: toDto(r) })),
        );
        all.push(...batch);
      }
      return all;
    });
    if (created.length) await this.afterWrite(userId);
    return { imported: created.length, failed };
  }

  // ---- stats ----

  /**
   * Exact after every write: cached per task-data version, which every task write and a timezone change bump
   * (the stats are in the user's timezone), so a cache hit costs no database round trip at all.
   */
  async stats(userId: string): Promise<TaskStats> {
    const version = await this.deps.cache.version(`tasks:${userId}`);
    const key = `stats:${userId}:${version}`;
    const hit = await this.deps.cache.get<TaskStats>(key);
    if (hit) return hit;
    const [u] = await this.db.select({ tz: users.timezone }).from(users).where(eq(users.id, userId));
    const tz = u?.tz ?? 'UTC';
    // The replica unless this user wrote recently (then the primary: stats are exact right after own writes).
    const row = await repo.taskStats(await this.deps.reads.forUser(userId), userId, tz);
    const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as TaskStats['byStatus'];
    for (const { k, n } of row.by_status) if (k in byStatus) byStatus[k as keyof typeof byStatus] = Number(n);
    const byPriority = Object.fromEntries(TASK_PRIORITIES.map((p) => [p, 0])) as TaskStats['byPriority'];
    for (const { k, n } of row.by_priority) {
      const name = PRIORITY_BY_RANK[Number(k)];
      if (name) byPriority[name] = Number(n);
    }
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const stats: TaskStats = {
      total,
      byStatus,
      byPriority,
      overdue: Number(row.overdue),
      dueToday: Number(row.due_today),
      dueThisWeek: Number(row.due_week),
      completedLast7Days: Number(row.completed_7d),
      completionRate: total === 0 ? 0 : Math.round((byStatus.completed / total) * 10_000) / 10_000,
      avgCompletionHours: row.avg_hours === null ? null : Math.round(Number(row.avg_hours) * 100) / 100,
      daily: (row.daily ?? []).map((d) => ({
        date: d.date,
        created: Number(d.created),
        completed: Number(d.completed),
      })),
    };
    await this.deps.cache.set(key, stats, STATS_TTL_SEC);
    return stats;
  }
}

function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 3 && e; i++) {
    if ((e as { code?: string }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** CSV text → row objects keyed by the header; unknown columns are a 400 for the whole file. */
export function csvToObjects(text: string): Array<Record<string, unknown>> {
  let records: string[][];
  try {
    records = parseCsv(text, IMPORT_MAX_ROWS + 1);
  } catch (err) {
    if (err instanceof CsvError) throw validation([{ path: 'body', message: err.message }], err.message);
    throw err;
  }
  const header = records.shift();
  if (!header) throw validation([{ path: 'body', message: 'The CSV has no header row' }]);
  const names = header.map((h) => h.trim());
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw validation(
      unknown.map((n) => ({ path: `header.${n}`, message: `Unknown column; expected ${CSV_COLUMNS.join(', ')}` })),
      'The CSV header names unknown columns',
    );
  }
  if (!names.includes('title')) throw validation([{ path: 'header.title', message: 'A title column is required' }]);
  const readable = new Set<string>(CSV_IMPORT_COLUMNS);
  return records.map((cells) => {
    const obj: Record<string, unknown> = {};
    names.forEach((name, i) => {
      if (!readable.has(name)) return;
      const raw = unguard(cells[i] ?? '');
      if (name === 'title') obj.title = raw;
      else if (name === 'tags') {
        if (raw.trim() !== '') obj.tags = raw.split(';').filter((t) => t.trim() !== '');
      } else if (name === 'dueDate') obj.dueDate = raw.trim() === '' ? null : raw.trim();
      else if (raw !== '') obj[name] = name === 'description' ? raw : raw.trim();
    });
    if (cells.length > names.length) obj.__extraCells = cells.length - names.length;
    return obj;
  });
}
