/**
 * Task writes: create (rate limited, optionally idempotent), update (PATCH / PUT, If-Match), delete and bulk.
 * Ownership: every query is scoped to the caller, so another user's task is simply not found. Each change writes
 * its history row (the outbox entry) in the same transaction; `afterWrite` runs once it has committed.
 */
import type { BulkBody, CreateTaskBody, PatchTaskBody, Task } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { hit, type LimitResult, type RateLimitStore } from '../../infra/rate-limit';
import { notFound, rateLimited } from '../../lib/errors';
import { checkIfMatch, etagOf } from './tasks.etag';
import { activityType, createdChanges, diff } from './tasks.history';
import { type ActivityWrite, insertActivity } from './tasks.history.repo';
import { type IdempotencyKeys, requestHash, type StoredResponse } from './tasks.idempotency';
import {
  sameValue,
  type TaskRecord,
  type TaskWrite,
  toDto,
  toRowValue,
  WRITABLE_FIELDS,
  type WritableField,
} from './tasks.mapper';
import {
  createTaskWithActivity,
  deleteTasks,
  findTask,
  findTasksForUpdate,
  insertTasks,
  updateTask,
} from './tasks.repo';

/** Tasks a user may create per window (TASK_CREATE_MAX per TASK_CREATE_WINDOW_SEC). */
export interface CreateLimit {
  store: RateLimitStore;
  max: number;
  windowSec: number;
}

export interface CreateResult {
  status: number;
  body: { success: true; data: Task };
  /** Location and ETag (and `idempotent-replayed` for a stored response). */
  headers: Record<string, string>;
}

type Fields = Omit<TaskWrite, 'completedAt'>;

/** A new task's row values; created as completed, it is completed now (the database's clock). */
export function createWrite(body: CreateTaskBody): TaskWrite {
  const write = { completedAt: body.status === 'completed' ? 'now' : null } as TaskWrite;
  for (const f of WRITABLE_FIELDS) (write as Record<WritableField, unknown>)[f] = toRowValue(f, body[f]);
  return write;
}

/** The writable fields a patch would give; undefined keys keep the current value. */
function applyPatch(current: TaskRecord, patch: PatchTaskBody): Fields {
  const next = {} as Record<WritableField, unknown>;
  for (const f of WRITABLE_FIELDS) {
    const given = patch[f];
    next[f] = given === undefined ? current[f] : toRowValue(f, given);
  }
  return next as Fields;
}

/** The fields of `next` that differ from `current`, with completedAt following status. */
function changedSet(current: TaskRecord, next: Fields): Partial<TaskWrite> {
  const set: Partial<Record<keyof TaskWrite, unknown>> = {};
  for (const f of WRITABLE_FIELDS) if (!sameValue(current[f], next[f])) set[f] = next[f];
  if (set.status !== undefined) {
    if (set.status === 'completed') set.completedAt = 'now';
    else if (current.status === 'completed') set.completedAt = null;
  }
  return set as Partial<TaskWrite>;
}

const replayed = (stored: StoredResponse): CreateResult => ({
  status: stored.status,
  body: stored.body as CreateResult['body'],
  headers: { ...stored.headers, 'idempotent-replayed': 'true' },
});

export class TaskWrites {
  constructor(
    private readonly deps: {
      db: Db;
      idempotency: IdempotencyKeys;
      limit: CreateLimit;
      afterWrite: (userId: string) => Promise<void>;
    },
  ) {}

  /** The creation rate limit: counted only when a task will really be created; `report` shows the window. */
  private async checkCreateLimit(userId: string, report?: (r: LimitResult) => void): Promise<void> {
    const { store, max, windowSec } = this.deps.limit;
    const r = await hit(store, `tasks:create:${userId}`, max, windowSec);
    report?.(r);
    if (!r.allowed) throw rateLimited(r.resetMs / 1000, 'Too many tasks created, try again later');
  }

  /**
   * Create one task. With an Idempotency-Key, a repeat of the same body within 24 h gets the stored response
   * (no second task), another body gets 409, and concurrent requests with one key create one task.
   */
  async create(
    userId: string,
    body: CreateTaskBody,
    opts: {
      idempotencyKey?: string | undefined;
      location: (id: string) => string;
      onRateLimit?: (r: LimitResult) => void;
    },
  ): Promise<CreateResult> {
    const { db, idempotency } = this.deps;
    const key = opts.idempotencyKey;
    const hash = key ? requestHash(body) : '';
    if (key) {
      const earlier = await idempotency.earlier(userId, key, hash);
      if (earlier) return replayed(earlier);
    }
    await this.checkCreateLimit(userId, opts.onRateLimit);
    const created = (task: Task): CreateResult => ({
      status: 201,
      body: { success: true, data: task },
      headers: { location: opts.location(task.id), etag: etagOf(task.id, task.version) },
    });
    if (!key) {
      // No idempotency bookkeeping: the task and its activity row in one statement.
      const write = createWrite(body);
      const task = await createTaskWithActivity(db, userId, write, createdChanges(write));
      await this.deps.afterWrite(userId);
      return created(task);
    }
    const out = await idempotency.once(userId, key, hash, async (tx) => {
      const [row] = await insertTasks(tx, userId, [createWrite(body)]);
      if (!row) throw new Error('insert returned no row');
      const task = toDto(row);
      await insertActivity(tx, userId, [{ taskId: row.id, type: 'created', changes: diff(null, row), payload: task }]);
      return created(task);
    });
    if (out.replayed) return replayed(out.response);
    await this.deps.afterWrite(userId);
    return out.response as CreateResult;
  }

  /** PATCH (partial) or PUT (full replacement, defaults for absent fields). `ifMatch` mismatch → 412. */
  async update(
    userId: string,
    id: string,
    patch: PatchTaskBody,
    opts: { ifMatch?: string | undefined },
  ): Promise<{ task: Task; etag: string }> {
    const out = await this.deps.db.transaction(async (tx) => {
      const current = await findTask(tx, userId, id, true);
      if (!current) throw notFound('Task');
      if (opts.ifMatch !== undefined) checkIfMatch(opts.ifMatch, current);
      const set = changedSet(current, applyPatch(current, patch));
      if (Object.keys(set).length === 0) return { row: current, changed: false };
      const row = await updateTask(tx, userId, id, set);
      if (!row) throw notFound('Task');
      await insertActivity(tx, userId, [
        { taskId: id, type: activityType(current, row), changes: diff(current, row), payload: toDto(row) },
      ]);
      return { row, changed: true };
    });
    const task = toDto(out.row);
    if (out.changed) await this.deps.afterWrite(userId);
    return { task, etag: etagOf(task.id, task.version) };
  }

  async remove(userId: string, id: string, opts: { ifMatch?: string | undefined } = {}): Promise<void> {
    const deleted = await this.deps.db.transaction(async (tx) => {
      if (opts.ifMatch !== undefined) {
        const current = await findTask(tx, userId, id, true);
        if (!current) throw notFound('Task');
        checkIfMatch(opts.ifMatch, current);
      }
      const rows = await deleteTasks(tx, userId, [id]);
      if (rows.length === 0) throw notFound('Task');
      await insertActivity(tx, userId, [{ taskId: id, type: 'deleted', changes: {} }]);
      return rows;
    });
    if (deleted.length) await this.deps.afterWrite(userId);
  }

  /** One transaction; ids that are not the caller's are ignored; `affected` counts the caller's tasks that changed. */
  async bulk(userId: string, body: BulkBody): Promise<number> {
    const ids = [...new Set(body.ids.map((i) => i.toLowerCase()))];
    const affected = await this.deps.db.transaction(async (tx) => {
      if (body.action === 'delete') {
        const rows = await deleteTasks(tx, userId, ids);
        await insertActivity(
          tx,
          userId,
          rows.map((r) => ({ taskId: r.id, type: 'deleted' as const, changes: {} })),
        );
        return rows.length;
      }
      const current = await findTasksForUpdate(tx, userId, ids);
      let count = 0;
      const activity: ActivityWrite[] = [];
      for (const c of current) {
        const set = changedSet(c, applyPatch(c, body.patch));
        if (Object.keys(set).length === 0) continue;
        const row = await updateTask(tx, userId, c.id, set);
        if (!row) continue;
        count++;
        activity.push({ taskId: c.id, type: activityType(c, row), changes: diff(c, row), payload: toDto(row) });
      }
      await insertActivity(tx, userId, activity);
      return count;
    });
    if (affected > 0) await this.deps.afterWrite(userId);
    return affected;
  }
}
