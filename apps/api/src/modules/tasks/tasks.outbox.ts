/**
 * Domain events with at-least-once delivery: a transactional outbox. Every task write already inserts its
 * task_activity row in the same transaction as the change; that row is the outbox entry (published_at null), and
 * its `payload` holds the task as that change left it, so each event carries its own change's state even when
 * later changes commit before the relay runs (the payload is cleared once published).
 * The relay publishes unpublished rows in `seq` order on the process's EventBus (SSE fan-out, metrics, reminder
 * bookkeeping), then marks them published in the same transaction. A crash after publishing and before the
 * commit re-publishes them (at least once); a crash before publishing leaves them for the next drain, by this
 * process or any other (a poll every OUTBOX_POLL_MS). One relay drains at a time (advisory lock), which keeps
 * events in order across instances.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import { taskActivity, tasks } from '../../infra/db/schema';
import type { EventBus } from '../../infra/events';
import { type TaskRecord, taskColumns } from './tasks.repo';
import { toDto } from './tasks.service';

const RELAY_LOCK = 727_275;

export class TaskEventRelay {
  private draining = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly opts: { batch?: number; pollMs?: number; onError?: (err: unknown) => void } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Drain soon (after a write commits). Coalesces: a drain already running runs once more. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    void this.loop();
  }

  /** Resolves when no drain is running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async loop(): Promise<void> {
    this.draining = true;
    const batch = this.opts.batch ?? 200;
    try {
      do {
        this.again = false;
        while ((await this.drainOnce(batch)) === batch) {
          /* a full batch: there may be more */
        }
      } while (this.again);
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.draining = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Publish one batch; returns how many changes were published (0 when another relay holds the lock). */
  async drainOnce(batch = 200): Promise<number> {
    return this.db.transaction(async (tx) => {
      const lock = (await tx.execute(sql`select pg_try_advisory_xact_lock(${RELAY_LOCK}) as ok`)) as unknown as {
        rows: Array<{ ok: boolean }>;
      };
      if (!lock.rows[0]?.ok) return 0;
      const rows = await tx
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
        .limit(batch);
      if (rows.length === 0) return 0;
      const current = new Map<string, TaskRecord>();
      const byUser = new Map<string, string[]>();
      // Rows written before the payload column existed carry none: those publish the task's current state.
      for (const r of rows)
        if (r.type !== 'deleted' && !r.payload) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.taskId]);
      for (const [userId, ids] of byUser) {
        const found = await tx
          .select(taskColumns)
          .from(tasks)
          .where(and(eq(tasks.userId, userId), inArray(tasks.id, [...new Set(ids)])));
        for (const t of found) current.set(`${userId}:${t.id}`, t as TaskRecord);
      }
      for (const r of rows) {
        if (r.type === 'deleted') {
          this.bus.emit('task.deleted', { userId: r.userId, id: r.taskId });
          continue;
        }
        const record = current.get(`${r.userId}:${r.taskId}`);
        const task = r.payload ?? (record ? toDto(record) : null);
        if (!task) continue; // no payload and deleted since: its task.deleted follows
        if (r.type === 'created') {
          this.bus.emit('task.created', { userId: r.userId, task });
          // Created as completed (the history row records the initial values; `task` is the current state).
          const initial = r.changes.status as { to?: unknown } | undefined;
          if (initial?.to === 'completed') this.bus.emit('task.completed', { userId: r.userId, task });
        } else {
          const status = r.changes.status as { from?: unknown } | undefined;
          const previousStatus = (status?.from as TaskRecord['status'] | undefined) ?? task.status;
          this.bus.emit('task.updated', { userId: r.userId, task, previousStatus, completed: r.type === 'completed' });
          if (r.type === 'completed') this.bus.emit('task.completed', { userId: r.userId, task });
        }
      }
      await tx
        .update(taskActivity)
        .set({ publishedAt: sql`now()`, payload: null })
        .where(
          and(
            isNull(taskActivity.publishedAt),
            inArray(
              taskActivity.seq,
              rows.map((r) => r.seq as number),
            ),
          ),
        );
      return rows.length;
    });
  }
}
