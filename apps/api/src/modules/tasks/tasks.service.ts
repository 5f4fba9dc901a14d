/**
 * The tasks service: its parts by concern — reads (list, one task), writes (create, update, delete, bulk),
 * history, stats and import/export — built over the dependencies they name. After a write commits, the user's
 * cached reads are invalidated, their reads pinned to the primary, and the outbox relay is kicked.
 */
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import type { ReadRouter } from '../../infra/db/read-router';
import { TaskImports } from './importers';
import { TaskHistory } from './tasks.history';
import { IdempotencyKeys } from './tasks.idempotency';
import { TaskTransfer } from './tasks.import-export';
import { TaskReads } from './tasks.list';
import { TaskStatsReader } from './tasks.stats';
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
}

export function createTasksService(deps: TasksServiceDeps) {
  const { db, reads, cache } = deps;
  const afterWrite = async (userId: string): Promise<void> => {
    await Promise.all([cache.bump(`tasks:${userId}`), reads.noteWrite(userId)]);
    // The change's task_activity row is its outbox entry; the relay publishes it (at least once).
    deps.outbox.kick();
  };
  const transfer = new TaskTransfer({ db, reads, afterWrite, now: deps.now });
  return {
    reads: new TaskReads({ db, cache, cursorKey: deps.cursorKey }),
    writes: new TaskWrites({ db, idempotency: new IdempotencyKeys(db), limit: deps.limits.create, afterWrite }),
    history: new TaskHistory(db),
    stats: new TaskStatsReader({ db, reads, cache }),
    transfer,
    /** Imports from other tools and dry runs; writes through transfer.import. */
    imports: new TaskImports({ insert: (userId, input, opts) => transfer.import(userId, input, opts) }),
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
