/**
 * The zero-downtime move of the tasks that existed before projects into their owner's inbox (issue 15 item 1):
 *
 * 1. migration 0014/0015 (short): the tables, a nullable tasks.project_id, an inbox per existing user, and a
 *    trigger that puts any task inserted without a project into its owner's inbox — so an instance of the previous
 *    release, still serving during a rolling deploy, writes correct rows;
 * 2. this backfill: batches of BATCH tasks walked by primary-key range, each one statement committed on its own
 *    (row locks for milliseconds; reads and writes go on). It is resumable: a batch only touches rows still
 *    without a project, so a restart (or a second instance running it at the same time) only re-walks keys;
 * 3. once no task is left without a project: NOT NULL, added without a long lock (enforceProjectIdNotNull).
 *
 * Run by every server at start before it listens (a no-op once done: one catalogue read), and by
 * `npm run cli -- backfill-projects`. Measured: docs/architecture.md ("Ownership and the project policy").
 */
import type { Db } from '../../infra/db/client';
import {
  backfillBatch,
  buildTaskIndex,
  dropTaskIndex,
  enforceProjectIdNotNull,
  ensureInboxes,
  projectIdIsNotNull,
  TASK_INDEXES,
  taskIndexStates,
  tasksWithoutProject,
} from './projects.backfill.repo';

export interface BackfillReport {
  moved: number;
  batches: number;
  ms: number;
  /** Already done before this run (NOT NULL in place). */
  alreadyDone: boolean;
}

export async function backfillInboxes(
  db: Db,
  opts: { batch?: number; onBatch?: (moved: number, batches: number) => void } = {},
): Promise<BackfillReport> {
  const t0 = performance.now();
  if (await projectIdIsNotNull(db)) return { moved: 0, batches: 0, ms: performance.now() - t0, alreadyDone: true };
  const size = opts.batch ?? 5000;
  await ensureInboxes(db);
  let moved = 0;
  let batches = 0;
  let after: { userId: string; id: string } | null = null;
  for (;;) {
    const out = await backfillBatch(db, after, size);
    batches++;
    moved += out.moved;
    opts.onBatch?.(moved, batches);
    if (!out.last) break;
    after = out.last;
  }
  // Rows inserted meanwhile went through the trigger; anything a concurrent writer left is caught here.
  if (!(await tasksWithoutProject(db))) await enforceProjectIdNotNull(db);
  return { moved, batches, ms: performance.now() - t0, alreadyDone: false };
}

export interface IndexReport {
  built: string[];
  /** INVALID indexes (an interrupted concurrent build) dropped and built again. */
  repaired: string[];
  /** Being built by someone else right now: left to them. */
  inProgress: string[];
  ms: number;
}

/**
 * The tasks indexes that lead with project_id, built without downtime (issue 15 item 1): migrations 0014/0019
 * build them only on a small table (<= 10,000 rows); on a bigger one this builds each missing one with CREATE INDEX
 * CONCURRENTLY (writes go on), and an INVALID one left by an interrupted build is dropped (concurrently) and built
 * again — unless a build of it is running right now. Resumable: a restart picks up what is still missing or
 * invalid. A no-op once done (one catalogue read). PGlite (one connection, no concurrent writers) builds plainly.
 */
export async function ensureTaskIndexes(
  db: Db,
  opts: { concurrently: boolean; onIndex?: (name: string, ms: number) => void },
): Promise<IndexReport> {
  const t0 = performance.now();
  const { concurrently } = opts;
  const report: IndexReport = { built: [], repaired: [], inProgress: [], ms: 0 };
  const states = new Map((await taskIndexStates(db, concurrently)).map((s) => [s.name, s]));
  for (const name of Object.keys(TASK_INDEXES)) {
    const state = states.get(name);
    if (state?.valid) continue;
    if (state?.building) {
      report.inProgress.push(name);
      continue;
    }
    const t = performance.now();
    if (state) {
      await dropTaskIndex(db, name, concurrently);
      report.repaired.push(name);
    } else report.built.push(name);
    await buildTaskIndex(db, name, concurrently);
    opts.onIndex?.(name, performance.now() - t);
  }
  report.ms = performance.now() - t0;
  return report;
}
