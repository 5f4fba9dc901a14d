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
import type { Task, TaskStatus } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import type { EventBus } from '../../infra/events';
import { toDto } from './tasks.mapper';
import { markPublished, tryRelayLock, unpublished } from './tasks.outbox.repo';
import { findTasks } from './tasks.repo';

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
      if (!(await tryRelayLock(tx))) return 0;
      const rows = await unpublished(tx, batch);
      if (rows.length === 0) return 0;
      const current = new Map<string, Task>();
      const byUser = new Map<string, string[]>();
      // Rows written before the payload column existed carry none: those publish the task's current state.
      for (const r of rows)
        if (r.type !== 'deleted' && !r.payload) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.taskId]);
      for (const [userId, ids] of byUser) {
        for (const t of await findTasks(tx, userId, [...new Set(ids)])) current.set(`${userId}:${t.id}`, toDto(t));
      }
      for (const r of rows) {
        if (r.type === 'deleted') {
          this.bus.emit('task.deleted', { userId: r.userId, id: r.taskId });
          continue;
        }
        const task = r.payload ?? current.get(`${r.userId}:${r.taskId}`);
        if (!task) continue; // no payload and deleted since: its task.deleted follows
        if (r.type === 'created') {
          this.bus.emit('task.created', { userId: r.userId, task });
        } else {
          const status = r.changes.status as { from?: unknown } | undefined;
          const previousStatus = (status?.from as TaskStatus | undefined) ?? task.status;
          this.bus.emit('task.updated', { userId: r.userId, task, previousStatus, completed: r.type === 'completed' });
        }
      }
      await markPublished(
        tx,
        rows.map((r) => r.seq),
      );
      return rows.length;
    });
  }
}
