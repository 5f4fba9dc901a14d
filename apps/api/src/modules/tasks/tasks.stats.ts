/**
 * GET /tasks/stats: exact after every write, cached per task-data version (which every task write and a timezone
 * change bump; the stats are in the user's time zone), so a cache hit costs no database round trip at all.
 */
import { TASK_PRIORITIES, TASK_STATUSES, type TaskStats } from '@primetrade/shared';
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import type { ReadRouter } from '../../infra/db/read-router';
import type { ProjectPolicy } from '../projects';
import { taskStats } from './tasks.stats.repo';

const STATS_TTL_SEC = 300;
/** priority_rank 0..3 is the index in TASK_PRIORITIES. */
const PRIORITY_BY_RANK = TASK_PRIORITIES;

export class TaskStatsReader {
  constructor(
    private readonly deps: { db: Db; reads: ReadRouter; cache: Cache; policy: Pick<ProjectPolicy, 'readScope'> },
  ) {}

  /**
   * The stats of all the caller's projects, or of one (`projectId`: 404 unless a member). A cached entry exists
   * only after the policy allowed it, and every membership change of the caller bumps their version.
   */
  async get(userId: string, projectId?: string): Promise<TaskStats> {
    const { cache, reads } = this.deps;
    const version = await cache.version(`tasks:${userId}`);
    const key = `stats:${userId}:${projectId ?? 'all'}:${version}`;
    const hit = await cache.get<TaskStats>(key);
    if (hit) return hit;
    const projectIds = await this.deps.policy.readScope(userId, projectId, undefined, version);
    // The replica unless this user wrote recently (then the primary: stats are exact right after own writes).
    const row = await taskStats(await reads.forUser(userId), projectIds, userId);
    const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as TaskStats['byStatus'];
    for (const { k, n } of row.by_status) if (k in byStatus) byStatus[k as keyof typeof byStatus] = Number(n);
    const byPriority = Object.fromEntries(TASK_PRIORITIES.map((p) => [p, 0])) as TaskStats['byPriority'];
    for (const { k, n } of row.by_priority) {
      const name = PRIORITY_BY_RANK[Number(k)];
      if (name) byPriority[name] = Number(n);
    }
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const stats: TaskStats = {
      total,
      byStatus,
      byPriority,
      overdue: Number(row.overdue),
      dueToday: Number(row.due_today),
      dueThisWeek: Number(row.due_week),
      completedLast7Days: Number(row.completed_7d),
      completionRate: total === 0 ? 0 : Math.round((byStatus.completed / total) * 10_000) / 10_000,
      avgCompletionHours: row.avg_hours === null ? null : Math.round(Number(row.avg_hours) * 100) / 100,
      daily: (row.daily ?? []).map((d) => ({
        date: d.date,
        created: Number(d.created),
        completed: Number(d.completed),
      })),
    };
    await cache.set(key, stats, STATS_TTL_SEC);
    return stats;
  }
}
