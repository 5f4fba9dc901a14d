/**
 * The next occurrence of a recurring task (issue 17 item 1), written in the transaction that completes the current
 * one — PATCH/PUT and bulk alike. The current one stays, completed, as the series' history. The new one copies
 * its fields (status pending, the due date from the rule, `count` one less, unplaced on the board) and its live
 * subtasks, reset to pending. Exactly once: a completion that is not a transition (already completed) creates
 * nothing, and two that race meet at the unique (series_id, occurrence) key, where the second inserts nothing.
 */
import { shiftReminders } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import { diff } from './tasks.history';
import { type ActivityWrite, insertActivity } from './tasks.history.repo';
import { type TaskRecord, type TaskWrite, toDto } from './tasks.mapper';
import { nextDueDate, nextRecurrence } from './tasks.recurrence';
import { insertOccurrence, insertTasks, liveSubtasks, ownerTimezone, seriesOf } from './tasks.recurrence.repo';
import { findTaskById } from './tasks.repo';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** True when this change completes a recurring occurrence. */
export const completesOccurrence = (before: TaskRecord, after: TaskRecord): boolean =>
  after.recurrence !== null && after.dueDate !== null && before.status !== 'completed' && after.status === 'completed';

/**
 * After `before` became `after` (owned by `ownerId`): when that completed a recurring occurrence, insert the next
 * one (and its subtasks) with their `created` history. Returns it, or null (no next date, or it exists already).
 */
export async function createNextOccurrence(
  tx: Tx,
  actorId: string,
  ownerId: string,
  before: TaskRecord,
  after: TaskRecord,
): Promise<TaskRecord | null> {
  if (!completesOccurrence(before, after) || !after.recurrence || !after.dueDate) return null;
  const series = await seriesOf(tx, after.id);
  if (!series) return null;
  const zone = await ownerTimezone(tx, ownerId);
  const at = nextDueDate(after.recurrence, after.dueDate, zone, { completedAt: after.completedAt });
  if (!at) return null;
  const shift = at.getTime() - after.dueDate.getTime();
  const write: TaskWrite = {
    title: after.title,
    description: after.description,
    status: 'pending',
    priority: after.priority,
    dueDate: at,
    tags: after.tags,
    projectId: after.projectId,
    assigneeId: after.assigneeId,
    parentId: after.parentId,
    recurrence: nextRecurrence(after.recurrence),
    // Issue 17 item 2: its reminders come along, `at` ones as far from the new due date as before.
    reminders: shiftReminders(after.reminders, shift),
    completedAt: null,
  };
  const inserted = await insertOccurrence(tx, ownerId, write, { ...series, occurrence: series.occurrence + 1 });
  if (!inserted) return null;
  // Its subtasks start again: the live ones of the completed occurrence, pending, due as far from it as before.
  const byOwner = new Map<string, TaskWrite[]>();
  for (const s of await liveSubtasks(tx, after.projectId, after.id)) {
    const copy: TaskWrite = {
      title: s.title,
      description: s.description,
      status: 'pending',
      priority: s.priority,
      dueDate: s.dueDate ? new Date(s.dueDate.getTime() + shift) : null,
      tags: s.tags,
      projectId: inserted.projectId,
      assigneeId: s.assigneeId,
      parentId: inserted.id,
      recurrence: null,
      reminders: shiftReminders(s.reminders, shift),
      completedAt: null,
    };
    byOwner.set(s.ownerId, [...(byOwner.get(s.ownerId) ?? []), copy]);
  }
  const next = byOwner.size ? ((await findTaskById(tx, inserted.id)) ?? inserted) : inserted;
  await insertActivity(tx, ownerId, [
    { taskId: next.id, type: 'created', changes: diff(null, next), payload: toDto(next), actorId },
  ]);
  for (const [owner, writes] of byOwner) {
    const rows = await insertTasks(tx, owner, writes);
    await insertActivity(
      tx,
      owner,
      rows.map(
        (r): ActivityWrite => ({ taskId: r.id, type: 'created', changes: diff(null, r), payload: toDto(r), actorId }),
      ),
    );
  }
  return next;
}
