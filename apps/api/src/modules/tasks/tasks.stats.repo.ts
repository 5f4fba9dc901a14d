/**
 * GET /tasks/stats in one statement of aggregates, and the user's time zone its local days are counted in.
 */
import { eq, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
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

/**
 * Every figure of GET /tasks/stats in one statement of aggregates (no row reaches the application). Each
 * sub-select is answered by an index on (project_id, ...): status and priority counts index-only, the due
 * figures from the partial index on active due dates, the completion figures from the partial index on
 * completed_at, and the daily "created" from (project_id, created_at). Local days use the user's time zone.
 * Soft-deleted tasks count nowhere (`deleted_at is null` in every sub-select).
 */
export async function taskStats(db: DbOrTx, projectIds: string[], tz: string): Promise<StatsRow> {
  const res = (await db.execute(statsQuery(projectIds, tz))) as unknown as { rows: StatsRow[] };
  const row = res.rows[0];
  if (!row) throw new Error('stats query returned no row');
  return row;
}

/** The figures over the tasks of `projectIds` (the caller's projects, or one of them: issue 15). */
export function statsQuery(projectIds: string[], tz: string): SQL {
  const inScope = sql`project_id = any(${sql.param(projectIds)}::uuid[])`;
  return sql`
    with b as (
      select ((now() at time zone ${tz}::text)::date) as today
    ), r as (
      select today,
        (today::timestamp at time zone ${tz}::text) as today_start,
        ((today - 29)::timestamp at time zone ${tz}::text) as range_start
      from b
    )
    select
      (select coalesce(json_agg(json_build_object('k', s.status, 'n', s.n)), '[]'::json)
         from (select status, count(*)::int as n from tasks where ${inScope} and deleted_at is null group by status) s) as by_status,
      (select coalesce(json_agg(json_build_object('k', p.priority_rank, 'n', p.n)), '[]'::json)
         from (select priority_rank, count(*)::int as n from tasks where ${inScope} and deleted_at is null group by priority_rank) p) as by_priority,
      (select count(*)::int from tasks where ${inScope} and deleted_at is null
         and status in ('pending', 'in_progress') and due_date is not null and due_date < now()) as overdue,
      (select count(*)::int from tasks, r where ${inScope} and deleted_at is null
         and status in ('pending', 'in_progress') and due_date is not null
         and due_date >= r.today_start and due_date < r.today_start + interval '1 day') as due_today,
      (select count(*)::int from tasks, r where ${inScope} and deleted_at is null
         and status in ('pending', 'in_progress') and due_date is not null
         and due_date >= r.today_start and due_date < r.today_start + interval '7 days') as due_week,
      (select count(*)::int from tasks where ${inScope} and deleted_at is null
         and completed_at is not null and completed_at >= now() - interval '7 days') as completed_7d,
      (select (avg(extract(epoch from (completed_at - created_at))) / 3600)::float8 from tasks
         where ${inScope} and deleted_at is null and completed_at is not null) as avg_hours,
      (select json_agg(json_build_object('date', to_char(d.day, 'YYYY-MM-DD'),
                'created', coalesce(c.n, 0), 'completed', coalesce(k.n, 0)) order by d.day)
         from r,
           lateral generate_series((r.today - 29)::timestamp, r.today::timestamp, interval '1 day') as d(day)
           left join (
             select (created_at at time zone ${tz}::text)::date as day, count(*)::int as n
             from tasks, r r2 where ${inScope} and deleted_at is null and created_at >= r2.range_start group by 1
           ) c on c.day = d.day::date
           left join (
             select (completed_at at time zone ${tz}::text)::date as day, count(*)::int as n
             from tasks, r r3 where ${inScope} and deleted_at is null and completed_at is not null
               and completed_at >= r3.range_start group by 1
           ) k on k.day = d.day::date) as daily
  `;
}
