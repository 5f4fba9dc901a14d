/**
 * GET /tasks/stats in one statement of aggregates, and the user's time zone its local days are counted in.
 */
import { eq } from 'drizzle-orm';
import { type DbOrTx, executorOf } from '../../infra/db/client';
import { users } from '../../infra/db/schema/users';

/** The user's IANA time zone (UTC when the user is gone). */
export async function userTimezone(db: DbOrTx, userId: string): Promise<string> {
  const [u] = await db.select({ tz: users.timezone }).from(users).where(eq(users.id, userId));
  return u?.tz ?? 'UTC';
}

export interface StatsRow {
  by_status: Array<{ k: string; n: number }>;
  by_priority: Array<{ k: number; n: number }>;
  overdue: number;
  due_today: number;
  due_week: number;
  completed_7d: number;
  avg_hours: number | null;
  daily: Array<{ date: string; created: number; completed: number }>;
}

/** The caller's projects, $1, read through an InitPlan (see STATS_SQL). */
const IN_SCOPE = 'project_id = any((select $1::uuid[])::uuid[])';

/**
 * Every figure of GET /tasks/stats in one statement of aggregates (no row reaches the application). Each
 * sub-select is answered by an index on (project_id, ...): status and priority counts index-only, the due
 * figures from the partial index on active due dates, the completion figures from the partial index on
 * completed_at, and the daily "created" from (project_id, created_at). Local days use the user's time zone, read
 * in the same statement. Soft-deleted tasks count nowhere (`deleted_at is null` in every sub-select).
 * $1: the project ids (the caller's projects, or one of them: issue 15); $2: the user. The ids are read through an
 * InitPlan (`(select $1::uuid[])`), hidden from the planner: seen, each custom plan was costed for the caller's own
 * projects and looked cheaper than the generic plan, so the plan cache planned this statement on every call — about
 * 1.4 ms of planning for 0.7 ms of execution for a 367-task user (tasks.plan-cache.test.ts; docs/performance.md).
 */
export const STATS_SQL = `
    with b as (
      select z.tz, ((now() at time zone z.tz)::date) as today
      from (select coalesce((select timezone from users where id = $2::uuid), 'UTC') as tz) z
    ), r as (
      select today, tz,
        (today::timestamp at time zone tz) as today_start,
        ((today - 29)::timestamp at time zone tz) as range_start
      from b
    )
    select
      (select coalesce(json_agg(json_build_object('k', s.status, 'n', s.n)), '[]'::json)
         from (select status, count(*)::int as n from tasks where ${IN_SCOPE} and deleted_at is null group by status) s) as by_status,
      (select coalesce(json_agg(json_build_object('k', p.priority_rank, 'n', p.n)), '[]'::json)
         from (select priority_rank, count(*)::int as n from tasks where ${IN_SCOPE} and deleted_at is null group by priority_rank) p) as by_priority,
      (select count(*)::int from tasks where ${IN_SCOPE} and deleted_at is null
         and status in ('pending', 'in_progress') and due_date is not null and due_date < now()) as overdue,
      (select count(*)::int from tasks, r where ${IN_SCOPE} and deleted_at is null
         and status in ('pending', 'in_progress') and due_date is not null
         and due_date >= r.today_start and due_date < r.today_start + interval '1 day') as due_today,
      (select count(*)::int from tasks, r where ${IN_SCOPE} and deleted_at is null
         and status in ('pending', 'in_progress') and due_date is not null
         and due_date >= r.today_start and due_date < r.today_start + interval '7 days') as due_week,
      (select count(*)::int from tasks where ${IN_SCOPE} and deleted_at is null
         and completed_at is not null and completed_at >= now() - interval '7 days') as completed_7d,
      (select (avg(extract(epoch from (completed_at - created_at))) / 3600)::float8 from tasks
         where ${IN_SCOPE} and deleted_at is null and completed_at is not null) as avg_hours,
      (select json_agg(json_build_object('date', to_char(d.day, 'YYYY-MM-DD'),
                'created', coalesce(c.n, 0), 'completed', coalesce(k.n, 0)) order by d.day)
         from r,
           lateral generate_series((r.today - 29)::timestamp, r.today::timestamp, interval '1 day') as d(day)
           left join (
             select (created_at at time zone r2.tz)::date as day, count(*)::int as n
             from tasks, r r2 where ${IN_SCOPE} and deleted_at is null and created_at >= r2.range_start group by 1
           ) c on c.day = d.day::date
           left join (
             select (completed_at at time zone r3.tz)::date as day, count(*)::int as n
             from tasks, r r3 where ${IN_SCOPE} and deleted_at is null and completed_at is not null
               and completed_at >= r3.range_start group by 1
           ) k on k.day = d.day::date) as daily
  `;

/**
 * The figures of `projectIds` in `userId`'s time zone: one named statement (parsed once per connection; before,
 * the time zone was a round trip of its own and the statement was built and parsed on every uncached call).
 */
export async function taskStats(db: DbOrTx, projectIds: string[], userId: string): Promise<StatsRow> {
  const [row] = await executorOf(db)({ name: 'tasks_stats', text: STATS_SQL }, [projectIds, userId]);
  if (!row) throw new Error('stats query returned no row');
  const [by_status, by_priority, overdue, due_today, due_week, completed_7d, avg_hours, daily] = row as [
    StatsRow['by_status'],
    StatsRow['by_priority'],
    number,
    number,
    number,
    number,
    number | null,
    StatsRow['daily'],
  ];
  return { by_status, by_priority, overdue, due_today, due_week, completed_7d, avg_hours, daily };
}
