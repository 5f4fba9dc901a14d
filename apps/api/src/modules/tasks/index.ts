/**
 * The tasks module's only public entry: createTasksModule builds the tasks service over the dependencies it
 * names, its routes (/api/v1/tasks) and the outbox relay that publishes committed task changes as domain events
 * (task.created / task.updated / task.deleted), started and stopped with the app, and the hourly purge of tasks
 * deleted more than 30 days ago (tasks.purge.ts; the worker process runs it through taskPurgeJobs).
 */
import { createTaskBody } from '@primetrade/shared';
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import type { ReadRouter } from '../../infra/db/read-router';
import type { EventBus } from '../../infra/events';
import type { RateLimitStore } from '../../infra/rate-limit';
import type { ProjectPolicy } from '../projects';
import type { TaskRecord } from './tasks.mapper';
import { type OutboxSink, TaskEventRelay } from './tasks.outbox';
import { taskPurgeJobs } from './tasks.purge';
import { insertTaskRow } from './tasks.repo';
import { taskRoutes } from './tasks.routes';
import { createTasksService } from './tasks.service';
import { createWrite } from './tasks.writes';

export interface TasksModuleDeps {
  db: Db;
  /** Lag-tolerant reads (stats, export) from the replica unless the user just wrote; notes each write. */
  reads: ReadRouter;
  /** Per-user task-data versions (list ETags, stats) and the cached stats. */
  cache: Cache;
  /** Where the relay publishes the committed changes. */
  events: EventBus;
  /** Task creation per user: at most `taskCreateMax` per `taskCreateWindowSec`. */
  limits: { store: RateLimitStore; taskCreateMax: number; taskCreateWindowSec: number };
  /** HMAC key of list cursors (the same on every instance). */
  cursorKey: Buffer;
  /** How often the relay looks for unpublished changes, besides being kicked after each write. */
  outboxPollMs: number;
  /** The date that names an export file; the system clock by default. */
  clock?: () => Date;
  /** The projects module's policy: who may read and write which project's tasks, and who hears of a change. */
  policy: ProjectPolicy;
  /** Written in the relay's transaction with each published batch (the webhook deliveries, issue 18 item 4). */
  outboxSink?: OutboxSink;
}

export function createTasksModule(deps: TasksModuleDeps) {
  const relay = new TaskEventRelay(deps.db, deps.events, {
    pollMs: deps.outboxPollMs,
    // Events go to the members of the task's project (read with the batch; the policy's audience() names the same).
    members: true,
    ...(deps.outboxSink ? { sink: deps.outboxSink } : {}),
  });
  const service = createTasksService({
    db: deps.db,
    reads: deps.reads,
    cache: deps.cache,
    cursorKey: deps.cursorKey,
    limits: {
      create: { store: deps.limits.store, max: deps.limits.taskCreateMax, windowSec: deps.limits.taskCreateWindowSec },
    },
    outbox: relay,
    now: deps.clock ?? (() => new Date()),
    policy: deps.policy,
  });
  return {
    service,
    routes: taskRoutes(service),
    /** The outbox relay: started with the app; tests kick it and wait for it to go idle. */
    relay,
    /** The purge of soft-deleted tasks (job and schedule). */
    ...taskPurgeJobs(deps.db, { now: deps.clock ?? (() => new Date()) }),
    start: () => relay.start(),
    stop: () => relay.stop(),
  };
}

export type TasksModule = ReturnType<typeof createTasksModule>;

/** The list query with its values filled in (EXPLAIN tests of the project-scoped list). */
export { listQuery } from './tasks.list.repo';

export { taskPurgeJobs };

/** A fixture's task: any field, server-owned ones included; the others take the shared schema's defaults. */
export type SeedTask = Partial<Omit<TaskRecord, 'id' | 'version'>>;

let seeded = 0;

/**
 * A task written straight to the database (no HTTP, no history row or event), for tests and benchmarks. A
 * completed task without a completedAt is completed now.
 */
export async function seedTask(db: Db, userId: string, task: SeedTask = {}): Promise<TaskRecord> {
  seeded++;
  const { completedAt, ...given } = task;
  const row = { ...createWrite(createTaskBody.parse({ title: `Task ${seeded}` })), ...given };
  row.completedAt = completedAt !== undefined ? completedAt : row.status === 'completed' ? 'now' : null;
  return insertTaskRow(db, userId, row);
}
