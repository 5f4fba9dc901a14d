/**
 * The tasks service: its parts by concern — reads (list, one task), writes (create, update, delete, bulk),
 * history, stats and import/export — built over the dependencies they name. After a write commits, the user's
 * cached reads are invalidated, their reads pinned to the primary, and the outbox relay is kicked.
 */
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import type { ReadRouter } from '../../infra/db/read-router';
import type { ProjectPolicy } from '../projects';
import { TaskImports } from './importers';
import { TaskHistory } from './tasks.history';
import { IdempotencyKeys } from './tasks.idempotency';
import { TaskTransfer } from './tasks.import-export';
import { TaskReads } from './tasks.list';
import { TaskStatsReader } from './tasks.stats';
import { userTimezone } from './tasks.stats.repo';
import { type CreateLimit, TaskWrites } from './tasks.writes';

export interface TasksServiceDeps {
  db: Db;
  reads: ReadRouter;
  cache: Cache;
  /** HMAC key of list cursors. */
  cursorKey: Buffer;
  limits: { create: CreateLimit };
  /** Publishes committed changes soon (the outbox relay). */
  outbox: { kick(): void };
  now: () => Date;
  /** Who may read and write which project's tasks (issue 15); every task route asks it. */
  policy: ProjectPolicy;
}

export function createTasksService(deps: TasksServiceDeps) {
  const { db, reads, cache } = deps;
  const { policy } = deps;
  // Every member of a changed project sees the change: each one's cached lists and stats are invalidated (on
  // every instance: the shared data version) and their reads pinned to the primary for a moment.
  // `members`: the projects' members when the write's own statement read them (a create, a quick PATCH).
  const afterWrite = async (userId: string, projectIds: string[] = [], members?: string[]): Promise<void> => {
    const audience = new Set(members ?? (projectIds.length ? await policy.audience(projectIds) : []));
    audience.add(userId);
    await Promise.all([...audience].flatMap((u) => [cache.bump(`tasks:${u}`), reads.noteWrite(u)]));
    // The change's task_activity row is its outbox entry; the relay publishes it (at least once).
    deps.outbox.kick();
  };
  const transfer = new TaskTransfer({ db, reads, afterWrite, now: deps.now, policy });
  return {
    reads: new TaskReads({ db, cache, cursorKey: deps.cursorKey, now: deps.now, policy }),
    writes: new TaskWrites({
      db,
      idempotency: new IdempotencyKeys(db),
      limit: deps.limits.create,
      afterWrite,
      policy,
    }),
    history: new TaskHistory(db, policy),
    stats: new TaskStatsReader({ db, reads, cache, policy }),
    transfer,
    /** Imports from other tools and dry runs; writes through transfer.import. */
    imports: new TaskImports({
      insert: (userId, input, opts) => transfer.import(userId, input, opts),
      timezone: (userId) => userTimezone(db, userId),
    }),
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
