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
import { takeUnpublished } from './tasks.outbox.repo';
import { findTasks, type taskHomes } from './tasks.repo';

/** A project's task event as the relay publishes it, for a consumer that writes with the batch (webhooks). */
export interface OutboxEvent {
  event: 'task.created' | 'task.updated' | 'task.deleted';
  projectId: string;
  /** The task: what the event stays in order with. */
  orderKey: string;
  data: unknown;
}

export interface OutboxSink {
  /** Resolves with how many rows it wrote (0: nothing to tell `committed`). */
  write(tx: Parameters<typeof taskHomes>[0], events: OutboxEvent[]): Promise<number>;
  committed?(): void;
}

export class TaskEventRelay {
  private draining = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly opts: {
      batch?: number;
      pollMs?: number;
      onError?: (err: unknown) => void;
      /**
       * The members of projects (issue 15): each event goes to its task's project's members as they are when it is
       * published (read in the drain's statement), so a removed member's streams get nothing more. Without it: the
       * task's creator only.
       */
      members?: boolean;
      /** Written in the same transaction as each published batch (webhook deliveries); told after it commits. */
      sink?: OutboxSink;
    } = {},
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
    const sink = this.opts.sink;
    // Round trips per drain: BEGIN, takeUnpublished (lock, rows, their audiences, marked published), the sink's
    // (webhooks: its subscribers; deliveries when there are any), COMMIT — the outbox test counts them.
    let written = 0;
    const n = await this.db.transaction(async (tx) => {
      const rows = await takeUnpublished(tx, batch);
      if (!rows || rows.length === 0) return 0;
      const current = new Map<string, Task>();
      const byUser = new Map<string, string[]>();
      // Rows written before the payload column existed carry none: those publish the task's current state.
      for (const r of rows)
        if (r.type !== 'deleted' && !r.payload) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.taskId]);
      for (const [userId, ids] of byUser) {
        for (const t of await findTasks(tx, userId, [...new Set(ids)])) current.set(`${userId}:${t.id}`, toDto(t));
      }
      const members = this.opts.members === true;
      const sunk: OutboxEvent[] = [];
      for (const r of rows) {
        if (r.type === 'deleted') {
          const home = members ? (r.home ?? undefined) : undefined;
          const audience = home ? r.members : undefined;
          this.bus.emit('task.deleted', {
            userId: r.userId,
            id: r.taskId,
            ...(home ? { projectId: home } : {}),
            ...(audience ? { audience } : {}),
          });
          if (home) sunk.push({ event: 'task.deleted', projectId: home, orderKey: r.taskId, data: { id: r.taskId } });
          continue;
        }
        const task = r.payload ?? current.get(`${r.userId}:${r.taskId}`);
        if (!task) continue; // no payload and deleted since: its task.deleted follows
        const audience = members && task.projectId ? r.members : undefined;
        const to = audience ? { audience } : {};
        if (task.projectId)
          sunk.push({
            event: r.type === 'created' ? 'task.created' : 'task.updated',
            projectId: task.projectId,
            orderKey: r.taskId,
            data: task,
          });
        if (r.type === 'created') {
          this.bus.emit('task.created', { userId: r.userId, task, ...to });
        } else if (r.type === 'restored') {
          // Back from a soft delete: an update of the task (clients show it again; not a new task in the metrics).
          this.bus.emit('task.updated', {
            userId: r.userId,
            task,
            previousStatus: task.status,
            completed: false,
            ...to,
          });
        } else {
          const status = r.changes.status as { from?: unknown } | undefined;
          const previousStatus = (status?.from as TaskStatus | undefined) ?? task.status;
          this.bus.emit('task.updated', {
            userId: r.userId,
            task,
            previousStatus,
            completed: r.type === 'completed',
            ...to,
          });
        }
      }
      if (sink && sunk.length > 0) written = Number((await sink.write(tx, sunk)) ?? 0);
      return rows.length;
    });
    // The sink hears of the commit only when it wrote something (webhooks: its dispatcher claims due deliveries —
    // a statement, and with BullMQ a job — which after every drain of a project without webhooks found none).
    if (written > 0) sink?.committed?.();
    return n;
  }
}
