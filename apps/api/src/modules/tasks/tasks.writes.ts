/**
 * Task writes: create (rate limited, optionally idempotent), update (PATCH / PUT, If-Match), delete (soft: the
 * task is restorable for RESTORE_DAYS, then purged), restore and bulk.
 * Ownership: every query is scoped to the caller, so another user's task is simply not found. Each change writes
 * its history row (the outbox entry) in the same transaction; `afterWrite` runs once it has committed.
 */
import { type BulkBody, type CreateTaskBody, type PatchTaskBody, shiftReminders, type Task } from '@primetrade/shared';
import type { Db, DbOrTx } from '../../infra/db/client';
import { allows, type ProjectPolicy } from '../projects';
import { hit, type LimitResult, type RateLimitStore } from '../../infra/rate-limit';
import { conflict, forbidden, notFound, rateLimited } from '../../lib/errors';
import { RESTORE_DAYS } from './tasks.purge';
import {
  boardLockMode,
  boardPosition,
  endKey,
  lockLikelyColumn,
  movesOnBoard,
  randomTail,
  StaleGap,
  withBoardRetry,
} from './tasks.board';
import { type ColumnLockMode, type GapGuard, toNeighbour } from './tasks.board.repo';
import { checkAssignee, checkParent } from './tasks.links';
import { generateKeyBetween } from 'fractional-indexing';
import { completesOccurrence, createNextOccurrence } from './tasks.occurrences';
import { checkRecurrence, nextDueDate, nextRecurrence } from './tasks.recurrence';
import { checkReminders } from './tasks.reminders';
import { ownerTimezone } from './tasks.recurrence.repo';
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
  findTaskById,
  findTaskForPatch,
  findTasksById,
  moveSubtasks,
  moveTaskComments,
  type PatchTarget,
  type OwnedTask,
  restoreSubtasks,
  softDeleteSubtasks,
  taskHomes,
  restoreTask,
  softDeleteTasks,
  updateTask,
  updateTaskWithActivity,
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

/**
 * A PATCH the quick path takes (TaskWrites.quickUpdate): it stays in its project and names no assignee, parent or
 * board place (those read and lock more), and no due date, recurrence or reminders (their rules read the owner's
 * zone and move reminders: the general path's transaction).
 */
const QUICK_SKIPS = [
  'projectId',
  'assigneeId',
  'parentId',
  'position',
  'before',
  'after',
  'dueDate',
  'recurrence',
  'reminders',
] as const;
export const quickPatchable = (patch: PatchTaskBody): boolean =>
  QUICK_SKIPS.every((k) => (patch as Record<string, unknown>)[k] === undefined);

/** The columns a PATCH writes (only the changed ones), and the board position the server gives it. */
type PatchSet = Partial<TaskWrite> & { position?: string | null };

/** The row as a PATCH leaves it, for its history entry (completedAt 'now' is the statement's clock). */
const patchedRow = (current: TaskRecord, next: Fields, set: PatchSet): TaskRecord => ({
  ...current,
  ...next,
  completedAt: set.completedAt === null ? null : current.completedAt,
});

/** True when the PATCH completes a recurring occurrence: the general path creates the next one in its transaction. */
const completesRecurring = (current: TaskRecord, next: Fields, set: PatchSet): boolean =>
  set.completedAt === 'now' && completesOccurrence(current, { ...patchedRow(current, next, set), status: 'completed' });

/** The change and its history/outbox row in one statement (updateTaskWithActivity); null when no row matched. */
function writeWithHistory(
  db: DbOrTx,
  userId: string,
  current: PatchTarget,
  next: Fields,
  set: PatchSet,
  guard?: GapGuard,
) {
  const after = patchedRow(current, next, set);
  const activity = { type: activityType(current, after), changes: diff(current, after), actorId: userId };
  return updateTaskWithActivity(db, current, set, activity, guard);
}

/** A board move within its project that the move path takes (TaskWrites.boardMove): a quick PATCH but for its place. */
const MOVE_SKIPS = QUICK_SKIPS.filter((k) => k !== 'position' && k !== 'before' && k !== 'after');
export const movePatchable = (patch: PatchTaskBody): boolean =>
  movesOnBoard(patch) && MOVE_SKIPS.every((k) => (patch as Record<string, unknown>)[k] === undefined);

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
      /** After a commit: `projectIds` name the projects changed (their members' caches are invalidated). */
      afterWrite: (userId: string, projectIds?: string[], members?: string[]) => Promise<void>;
      /** Who may write where (issue 15): the projects module's policy. */
      policy: Pick<ProjectPolicy, 'require' | 'requireFor' | 'inboxId' | 'memberships' | 'role' | 'decide'>;
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
    // The target project: the given one (owner or editor there; 404 / 403 otherwise) or the caller's inbox.
    const projectId = body.projectId ?? (await this.deps.policy.inboxId(userId));
    const target = { ...body, projectId };
    // What a creation must pass. With a key, it runs in the transaction that claimed the key: a repeat of the key
    // gets the stored response without it (and without counting against the creation limit).
    const check = async (on: DbOrTx) => {
      checkRecurrence(body.recurrence, body.dueDate);
      checkReminders(body.reminders, body.dueDate);
      if (body.projectId !== undefined) await this.deps.policy.require(userId, projectId, 'write', on);
      // Issue 15 item 5: the assignee a member of the project, the parent a top-level task of it.
      await checkAssignee(on, this.deps.policy, projectId, body.assigneeId);
      await checkParent(on, projectId, body.parentId);
      await this.checkCreateLimit(userId, opts.onRateLimit);
    };
    const created = (task: Task): CreateResult => ({
      status: 201,
      body: { success: true, data: task },
      headers: { location: opts.location(task.id), etag: etagOf(task.id, task.version) },
    });
    if (!key) {
      await check(db);
      // No idempotency bookkeeping: the task and its activity row in one statement.
      const write = createWrite(target);
      // At the end of its board column; a creation that meets a concurrent one on that key retries with a new one.
      const { task, members } = await withBoardRetry(async () =>
        createTaskWithActivity(db, userId, write, createdChanges(write), await endKey(db, projectId, target.status)),
      );
      await this.deps.afterWrite(userId, [projectId], members);
      return created(task);
    }
    // In the transaction that owns the key and, from the same statement, the column's lock (a unique clash on the
    // end key would abort it, so no retry as above): the checks, then the same one statement as above — the task,
    // its activity row and the project's members.
    let members: string[] | undefined;
    const column = { projectId, status: target.status };
    const out = await idempotency.once(userId, key, requestHash(body), column, async (tx) => {
      await check(tx);
      const write = createWrite(target);
      const made = await createTaskWithActivity(
        tx,
        userId,
        write,
        createdChanges(write),
        await endKey(tx, projectId, target.status),
      );
      members = made.members;
      return created(made.task);
    });
    if (out.replayed) return replayed(out.response);
    await this.deps.afterWrite(userId, [projectId], members);
    return out.response as CreateResult;
  }

  /** PATCH (partial) or PUT (full replacement, defaults for absent fields). `ifMatch` mismatch → 412. */
  async update(
    userId: string,
    id: string,
    patch: PatchTaskBody,
    opts: { ifMatch?: string | undefined },
  ): Promise<{ task: Task; etag: string }> {
    // Most PATCHes (no move, link, board place, date, rule or reminders): one read and one write (bench P17).
    if (quickPatchable(patch)) {
      const quick = await withBoardRetry(() => this.quickUpdate(userId, id, patch, opts.ifMatch));
      if (quick) {
        if (quick.changed) await this.deps.afterWrite(userId, [quick.task.projectId], quick.members);
        return { task: quick.task, etag: etagOf(quick.task.id, quick.task.version) };
      }
    }
    if (movePatchable(patch)) {
      const first = await boardLockMode(this.deps.db);
      const moved = await withBoardRetry((mode) => this.boardMove(userId, id, patch, opts.ifMatch, mode), first);
      if (moved) {
        if (moved.changed) await this.deps.afterWrite(userId, [moved.task.projectId], moved.members);
        return { task: moved.task, etag: etagOf(moved.task.id, moved.task.version) };
      }
    }
    const { policy } = this.deps;
    const board = movesOnBoard(patch);
    const run = (mode: ColumnLockMode = 'shared') =>
      this.deps.db.transaction(async (tx) => {
        // A board move locks its target column before the task's row (tasks.board.ts, "Concurrency").
        if (board) await lockLikelyColumn(tx, id, patch, mode);
        const current = await findTaskById(tx, id, true);
        if (!current) throw notFound('Task');
        // A member of the task's project with a write role (404 for a non-member, 403 for a viewer).
        await policy.requireFor('Task', userId, current.projectId, 'write', tx);
        if (opts.ifMatch !== undefined) checkIfMatch(opts.ifMatch, current);
        const next = applyPatch(current, patch);
        checkRecurrence(next.recurrence, next.dueDate);
        checkReminders(next.reminders, next.dueDate);
        const set: Partial<TaskWrite> & { position?: string | null } = changedSet(current, next);
        const to = set.projectId;
        if (to !== undefined) {
          // A move: a write role in both projects; a subtask moves only with its parent.
          await policy.require(userId, to, 'write', tx);
          if (current.parentId) throw conflict('A subtask moves with its parent: move the parent task');
          // An assignee who is not a member of the new project is unassigned (issue 15 item 5).
          const assignee = set.assigneeId !== undefined ? set.assigneeId : current.assigneeId;
          if (assignee && (await policy.role(assignee, to, tx)) === null) {
            if (set.assigneeId !== undefined) await checkAssignee(tx, policy, to, assignee);
            set.assigneeId = null;
          }
        }
        const projectId = to ?? current.projectId;
        if (set.assigneeId !== undefined) await checkAssignee(tx, policy, projectId, set.assigneeId);
        if (set.parentId !== undefined) await checkParent(tx, projectId, set.parentId, current);
        // Its place on the board (issue 15 item 4): from before/after/position, or the end of a new column.
        const column = { projectId, status: set.status ?? current.status };
        const position = await boardPosition(tx, current, column, patch, mode);
        if (position !== undefined) set.position = position;
        if (Object.keys(set).length === 0) return { row: current, changed: false, projects: [] };
        const row = await updateTask(tx, current.ownerId, id, set);
        if (!row) throw notFound('Task');
        // Completing a recurring occurrence creates the next one (issue 17 item 1; tasks.occurrences.ts).
        await createNextOccurrence(tx, userId, current.ownerId, current, row);
        if (to !== undefined) {
          await moveSubtasks(tx, id, current.projectId, to);
          await moveTaskComments(tx, id, current.projectId, to);
        }
        await insertActivity(tx, current.ownerId, [
          {
            taskId: id,
            type: activityType(current, row),
            changes: diff(current, row),
            payload: toDto(row),
            actorId: userId,
          },
        ]);
        return { row, changed: true, projects: [current.projectId, row.projectId] };
      });
    const out = board ? await withBoardRetry(run, await boardLockMode(this.deps.db)) : await run();
    const task = toDto(out.row);
    if (out.changed) await this.deps.afterWrite(userId, out.projects);
    return { task, etag: etagOf(task.id, task.version) };
  }

  /**
   * A quick PATCH (quickPatchable; bench P17): two statements and no transaction instead of BEGIN, locks, reads,
   * UPDATE, INSERT and COMMIT. (1) findTaskForPatch reads the task, the caller's role in its project and, for a new
   * status, the new column's last position, without a lock; the same decisions as the general path follow (404
   * for a non-member, 403 for a viewer, If-Match → 412, the recurrence rule checked). (2) updateTaskWithActivity
   * writes the change and its history/outbox row in one statement, guarded by the version just read (or matched
   * by If-Match): a concurrent change makes it match no row. Like a creation, a task entering a column takes the
   * column's end key with a random tail without the column lock; a collision on tasks_board_key is retried
   * (withBoardRetry). Returns undefined where the general path must decide: no row matched (changed or deleted
   * since the read — it answers 412, 404 or writes under the row lock), or the change completes a recurring
   * occurrence (the next one is created in the same transaction).
   */
  private async quickUpdate(
    userId: string,
    id: string,
    patch: PatchTaskBody,
    ifMatch: string | undefined,
  ): Promise<{ task: Task; changed: boolean; members: string[] } | undefined> {
    const { db } = this.deps;
    const { current, next, set } = this.decidePatch(
      await findTaskForPatch(db, id, userId, patch.status ?? null),
      patch,
      ifMatch,
    );
    if (Object.keys(set).length === 0) return { task: toDto(current), changed: false, members: current.members };
    if (completesRecurring(current, next, set)) return undefined;
    if (set.status !== undefined) set.position = generateKeyBetween(current.lastPosition, null) + randomTail();
    const task = await writeWithHistory(db, userId, current, next, set);
    return task ? { task, changed: true, members: current.members } : undefined;
  }

  /**
   * What the quick and move paths decide on the task they read (null: 404), as the general path does: 404 for a
   * non-member, 403 for a viewer, If-Match → 412, the patch applied and its recurrence rule checked; the columns
   * the patch changes.
   */
  private decidePatch(found: PatchTarget | null, patch: PatchTaskBody, ifMatch: string | undefined) {
    if (!found) throw notFound('Task');
    this.deps.policy.decide(found.role as Parameters<ProjectPolicy['decide']>[0], 'write', 'Task');
    if (ifMatch !== undefined) checkIfMatch(ifMatch, found);
    const next = applyPatch(found, patch);
    checkRecurrence(next.recurrence, next.dueDate);
    const set: PatchSet = changedSet(found, next);
    return { current: found, next, set };
  }

  /**
   * A board move within the task's project (movePatchable; bench P14): the column's shared lock is held from the
   * first statement to COMMIT (tasks.board.ts, "Concurrency"). Four statements in the transaction instead of seven:
   * the target column's lock (lockLikelyColumn), the task FOR UPDATE with the caller's role and the project's
   * members (findTaskForPatch), the neighbour read under the lock (boardPosition),
   * and the change with its history/outbox row (updateTaskWithActivity) — the general path's separate role check,
   * UPDATE and history INSERT, and its audience query after COMMIT, are folded in. The same decisions as the
   * general path (404, 403, If-Match → 412, recurrence rule). Undefined when the move completes a recurring
   * occurrence: the general path creates the next one.
   */
  private async boardMove(
    userId: string,
    id: string,
    patch: PatchTaskBody,
    ifMatch: string | undefined,
    mode: ColumnLockMode,
  ): Promise<{ task: Task; changed: boolean; members: string[] } | undefined> {
    // The one neighbour named is read in the task's statement (both named: boardPosition reads them).
    const named =
      patch.after === undefined
        ? patch.before === undefined
          ? undefined
          : { id: patch.before, side: 'below' as const }
        : patch.before === undefined
          ? { id: patch.after, side: 'above' as const }
          : undefined;
    // The first attempt takes the column's shared lock in the statement that reads the task (one round trip
    // fewer) and its write guards the gap; a retry (exclusive) locks first and reads under the lock.
    const lockInRead = mode === 'shared';
    return this.deps.db.transaction(async (tx) => {
      if (!lockInRead) await lockLikelyColumn(tx, id, patch, mode);
      const lock = lockInRead ? { status: patch.status, mode } : undefined;
      const found = await findTaskForPatch(tx, id, userId, null, { neighbour: named, lock });
      const { current, next, set } = this.decidePatch(found, patch, ifMatch);
      if (completesRecurring(current, next, set)) return undefined;
      const to = { projectId: current.projectId, status: set.status ?? current.status };
      const known = named && { [named.side === 'below' ? 'before' : 'after']: toNeighbour(found?.neighbour) };
      const place: { guard?: GapGuard } = {};
      const position = await boardPosition(tx, current, to, patch, mode, known, lockInRead ? place : undefined);
      if (position !== undefined) set.position = position;
      if (Object.keys(set).length === 0) return { task: toDto(current), changed: false, members: current.members };
      const task = await writeWithHistory(tx, userId, current, next, set, place.guard);
      // The row is locked: it cannot have changed or gone since it was read; the gap may have (GapGuard).
      if (!task && place.guard) throw new StaleGap();
      if (!task) throw new Error('a locked task did not match its own version');
      return { task, changed: true, members: current.members };
    });
  }

  async remove(userId: string, id: string, opts: { ifMatch?: string | undefined } = {}): Promise<void> {
    const deleted = await this.deps.db.transaction(async (tx) => {
      const current = await findTaskById(tx, id, true);
      if (!current) throw notFound('Task');
      await this.deps.policy.requireFor('Task', userId, current.projectId, 'write', tx);
      if (opts.ifMatch !== undefined) checkIfMatch(opts.ifMatch, current);
      const rows = await softDeleteTasks(tx, current.ownerId, [id]);
      if (rows.length === 0) throw notFound('Task');
      await insertActivity(tx, current.ownerId, [{ taskId: id, type: 'deleted', changes: {}, actorId: userId }]);
      // Its subtasks are deleted with it (the same instant: its restore brings them back).
      await this.recordChildren(tx, userId, await softDeleteSubtasks(tx, current.projectId, [id]), 'deleted');
      return rows;
    });
    if (deleted.length)
      await this.deps.afterWrite(
        userId,
        deleted.map((r) => r.projectId),
      );
  }

  /**
   * POST /tasks/:id/restore: undo a delete of the last RESTORE_DAYS days. The task comes back with a new version
   * and a `restored` history entry (its outbox event: task.updated). Not the caller's, not deleted, or deleted
   * longer ago → 404. Children deleted with the task (subtasks, comments: same deleted_at) come back with it.
   */
  async restore(userId: string, id: string, now = new Date()): Promise<{ task: Task; etag: string }> {
    const since = new Date(now.getTime() - RESTORE_DAYS * 86_400_000);
    const row = await this.deps.db.transaction(async (tx) => {
      // Any editor of the task's project may restore it (404 for a non-member, 403 for a viewer).
      const home = (await taskHomes(tx, [id])).get(id);
      if (!home) throw notFound('Task');
      await this.deps.policy.requireFor('Task', userId, home.projectId, 'write', tx);
      const restored = await restoreTask(tx, home.ownerId, id, since);
      if (!restored) throw notFound('Task');
      const task = toDto(restored.row);
      await insertActivity(tx, home.ownerId, [
        { taskId: id, type: 'restored', changes: {}, payload: task, actorId: userId },
      ]);
      const children = await restoreSubtasks(tx, home.projectId, id, restored.deletedAt);
      await this.recordChildren(tx, userId, children, 'restored');
      return {
        ...task,
        subtaskCount: task.subtaskCount + children.length,
        subtaskDoneCount: task.subtaskDoneCount + children.filter((c) => c.status === 'completed').length,
      };
    });
    await this.deps.afterWrite(userId, [row.projectId]);
    return { task: row, etag: etagOf(row.id, row.version) };
  }

  /** History (and outbox) entries of subtasks deleted or restored with their parent, by the caller. */
  private async recordChildren(
    tx: Parameters<Parameters<Db['transaction']>[0]>[0],
    actorId: string,
    children: OwnedTask[],
    type: 'deleted' | 'restored',
  ): Promise<void> {
    const byOwner = new Map<string, ActivityWrite[]>();
    for (const c of children) {
      const entry: ActivityWrite = { taskId: c.id, type, changes: {}, actorId };
      if (type === 'restored') entry.payload = toDto(c);
      byOwner.set(c.ownerId, [...(byOwner.get(c.ownerId) ?? []), entry]);
    }
    for (const [owner, rows] of byOwner) await insertActivity(tx, owner, rows);
  }

  /**
   * POST /tasks/:id/skip (issue 17 item 1): the occurrence moves to the rule's next date after its due date,
   * without being completed (no next occurrence is created; `count` is one less). Not recurring, completed or
   * cancelled, or no next date (the series ends) → 409.
   */
  async skip(
    userId: string,
    id: string,
    opts: { ifMatch?: string | undefined } = {},
  ): Promise<{ task: Task; etag: string }> {
    const row = await this.deps.db.transaction(async (tx) => {
      const current = await findTaskById(tx, id, true);
      if (!current) throw notFound('Task');
      await this.deps.policy.requireFor('Task', userId, current.projectId, 'write', tx);
      if (opts.ifMatch !== undefined) checkIfMatch(opts.ifMatch, current);
      if (!current.recurrence || !current.dueDate) throw conflict('The task does not repeat');
      if (current.status === 'completed' || current.status === 'cancelled') {
        throw conflict('Only an open occurrence can be skipped');
      }
      const zone = await ownerTimezone(tx, current.ownerId);
      const at = nextDueDate(current.recurrence, current.dueDate, zone, { skip: true });
      if (!at) throw conflict('The series has no next occurrence to skip to');
      const updated = await updateTask(tx, current.ownerId, id, {
        dueDate: at,
        recurrence: nextRecurrence(current.recurrence),
        // Issue 17 item 2: `at` reminders move with the due date (`before` ones follow it anyway).
        ...(current.reminders.some((r) => 'at' in r)
          ? { reminders: shiftReminders(current.reminders, at.getTime() - current.dueDate.getTime()) }
          : {}),
      });
      if (!updated) throw notFound('Task');
      await insertActivity(tx, current.ownerId, [
        { taskId: id, type: 'updated', changes: diff(current, updated), payload: toDto(updated), actorId: userId },
      ]);
      return updated;
    });
    await this.deps.afterWrite(userId, [row.projectId]);
    const task = toDto(row);
    return { task, etag: etagOf(task.id, task.version) };
  }

  /**
   * One transaction over the tasks of the caller's projects: ids of projects the caller is not a member of are
   * ignored (as unknown ids); any id of a project where the caller is a viewer → 403 and nothing changes.
   * `affected` counts the tasks that changed.
   */
  async bulk(userId: string, body: BulkBody): Promise<number> {
    const ids = [...new Set(body.ids.map((i) => i.toLowerCase()))];
    const { policy } = this.deps;
    const touched = new Set<string>();
    const affected = await this.deps.db.transaction(async (tx) => {
      const roles = await policy.memberships(userId, tx);
      const found = (await findTasksById(tx, ids, true)).filter((t) => roles.has(t.projectId));
      if (found.some((t) => !allows(roles.get(t.projectId) ?? null, 'write'))) {
        throw forbidden('Viewers of a project cannot change it');
      }
      const byOwner = (rows: OwnedTask[]) => {
        const groups = new Map<string, OwnedTask[]>();
        for (const r of rows) groups.set(r.ownerId, [...(groups.get(r.ownerId) ?? []), r]);
        return groups;
      };
      if (body.action === 'delete') {
        let count = 0;
        for (const [owner, rows] of byOwner(found)) {
          const gone = await softDeleteTasks(
            tx,
            owner,
            rows.map((r) => r.id),
          );
          await insertActivity(
            tx,
            owner,
            gone.map((r) => ({ taskId: r.id, type: 'deleted' as const, changes: {}, actorId: userId })),
          );
          for (const r of gone) touched.add(r.projectId);
          count += gone.length;
          for (const r of gone) {
            await this.recordChildren(tx, userId, await softDeleteSubtasks(tx, r.projectId, [r.id]), 'deleted');
          }
        }
        return count;
      }
      if (body.patch.projectId !== undefined) {
        await policy.require(userId, body.patch.projectId, 'write', tx);
        if (found.some((t) => t.parentId)) throw conflict('A subtask moves with its parent: move the parent task');
      }
      let count = 0;
      const activity = new Map<string, ActivityWrite[]>();
      for (const c of found) {
        const next = applyPatch(c, body.patch);
        checkRecurrence(next.recurrence, next.dueDate);
        checkReminders(next.reminders, next.dueDate);
        const set: Partial<TaskWrite> & { position?: null } = changedSet(c, next);
        if (Object.keys(set).length === 0) continue;
        // A new board column: unplaced there (after its placed tasks); an assignee not in a new project: cleared.
        if (set.status !== undefined || set.projectId !== undefined) set.position = null;
        if (
          set.projectId !== undefined &&
          c.assigneeId &&
          (await policy.role(c.assigneeId, set.projectId, tx)) === null
        ) {
          set.assigneeId = null;
        }
        const row = await updateTask(tx, c.ownerId, c.id, set);
        if (!row) continue;
        await createNextOccurrence(tx, userId, c.ownerId, c, row);
        if (set.projectId !== undefined) {
          await moveSubtasks(tx, c.id, c.projectId, set.projectId);
          await moveTaskComments(tx, c.id, c.projectId, set.projectId);
        }
        count++;
        touched.add(c.projectId).add(row.projectId);
        const list = activity.get(c.ownerId) ?? [];
        list.push({
          taskId: c.id,
          type: activityType(c, row),
          changes: diff(c, row),
          payload: toDto(row),
          actorId: userId,
        });
        activity.set(c.ownerId, list);
      }
      for (const [owner, rows] of activity) await insertActivity(tx, owner, rows);
      return count;
    });
    if (affected > 0) await this.deps.afterWrite(userId, [...touched]);
    return affected;
  }
}
