/**
 * The outbox's queries: its rows are the unpublished task_activity rows (see tasks.outbox.ts). One relay drains
 * at a time, under a transaction-scoped advisory lock.
 */
import type { Task } from '@primetrade/shared';
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { taskActivity } from '../../infra/db/schema/tasks';
import type { ActivityType, Changes } from './tasks.history.repo';

const RELAY_LOCK = 727_275;

export interface OutboxEntry {
  seq: number;
  userId: string;
  taskId: string;
  type: ActivityType;
  changes: Changes;
  payload: Task | null;
}

/** True when this transaction holds the relay's lock (until it ends); false when another relay holds it. */
export async function tryRelayLock(tx: DbOrTx): Promise<boolean> {
  const lock = (await tx.execute(sql`select pg_try_advisory_xact_lock(${RELAY_LOCK}) as ok`)) as unknown as {
    rows: Array<{ ok: boolean }>;
  };
  return lock.rows[0]?.ok === true;
}

/** The oldest `batch` unpublished changes, in commit-independent total order (seq). */
export async function unpublished(tx: DbOrTx, batch: number): Promise<OutboxEntry[]> {
  return (await tx
    .select({
      seq: taskActivity.seq,
      userId: taskActivity.userId,
      taskId: taskActivity.taskId,
      type: taskActivity.type,
      changes: taskActivity.changes,
      payload: taskActivity.payload,
    })
    .from(taskActivity)
    .where(isNull(taskActivity.publishedAt))
    .orderBy(taskActivity.seq)
    .limit(batch)) as OutboxEntry[];
}

/** Mark changes published and drop their payloads. */
export async function markPublished(tx: DbOrTx, seqs: number[]): Promise<void> {
  await tx
    .update(taskActivity)
    .set({ publishedAt: sql`now()`, payload: null })
    .where(and(isNull(taskActivity.publishedAt), inArray(taskActivity.seq, seqs)));
}
