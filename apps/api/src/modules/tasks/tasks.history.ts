/**
 * Task history: what each change records (the `changes` of the tracked fields, the entry's type) and reading a
 * task's history. The entries are written by the writes, in the same transaction as the change.
 */
import type { HistoryEntry } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { notFound } from '../../lib/errors';
import { type ActivityType, type Changes, listActivity } from './tasks.history.repo';
import { sameValue, TRACKED_FIELDS, type TaskRecord, type TaskWrite, WRITABLE_FIELDS } from './tasks.mapper';
import type { ProjectPolicy } from '../projects';
import { findTaskById } from './tasks.repo';

function jsonValue(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

/** The tracked fields that differ between two states of a task (`before` null: a creation, every set field). */
export function diff(before: TaskRecord | null, after: TaskRecord | null): Changes {
  const changes: Changes = {};
  for (const f of TRACKED_FIELDS) {
    const from = before ? before[f] : null;
    const to = after ? after[f] : null;
    if (before === null ? to !== null : !sameValue(from, to)) {
      changes[f] = { from: jsonValue(from), to: jsonValue(to) };
    }
  }
  return changes;
}

const TRACKED_WRITABLE = WRITABLE_FIELDS.filter((f) => TRACKED_FIELDS.includes(f));

/** The `created` entry of a write, as diff(null, row) gives it, without completedAt (the database's clock). */
export function createdChanges(write: Omit<TaskWrite, 'completedAt'>): Changes {
  const changes: Changes = {};
  for (const f of TRACKED_WRITABLE) {
    const to = jsonValue(write[f]);
    if (to !== null) changes[f] = { from: null, to };
  }
  return changes;
}

export function activityType(before: TaskRecord, after: TaskRecord): ActivityType {
  if (before.status !== after.status) {
    if (after.status === 'completed') return 'completed';
    if (before.status === 'completed') return 'reopened';
  }
  return 'updated';
}

export class TaskHistory {
  constructor(
    private readonly db: Db,
    private readonly policy: Pick<ProjectPolicy, 'requireFor'>,
  ) {}

  /** A task's history, newest first, for any member of its project; otherwise the task is not found. */
  async list(userId: string, id: string): Promise<HistoryEntry[]> {
    const task = await findTaskById(this.db, id);
    if (!task) throw notFound('Task');
    await this.policy.requireFor('Task', userId, task.projectId, 'read');
    const rows = await listActivity(this.db, task.ownerId, id);
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      changes: r.changes,
      createdAt: r.createdAt.toISOString(),
      actorId: r.actorId,
      actorName: r.actorName,
    }));
  }
}
