/**
 * The outbox's queries: its rows are the unpublished task_activity rows (see tasks.outbox.ts). One relay drains
 * at a time, under a transaction-scoped advisory lock.
 */
import type { Task } from '@primetrade/shared';
import { type DbOrTx, executorOf } from '../../infra/db/client';
import type { ActivityType, Changes } from './tasks.history.repo';

const RELAY_LOCK = 727_275;

export interface OutboxEntry {
  seq: number;
  userId: string;
  taskId: string;
  type: ActivityType;
  changes: Changes;
  payload: Task | null;
}

/** A change taken for publishing, with the project of a deleted task and the members who hear of it. */
export interface TakenEntry extends OutboxEntry {
  /** For a deleted task or a row without a payload: the task's project as it is now (null: gone or none). */
  home: string | null;
  /** The user ids of the members of the event's project (its payload's, else `home`); empty for none. */
  members: string[];
}

/**
 * One drain's reads and writes in ONE statement (P6: fewer than 5 round trips per drain, with BEGIN and COMMIT):
 * the relay's advisory lock (null when another relay holds it), the oldest `batch` unpublished changes in seq
 * order, marked published with their payloads dropped — inside the caller's transaction, so a crash before its
 * commit leaves them unpublished (at least once, as before) — each with its deleted task's project and the members
 * of the event's project (project_members: the audience the projects policy names, read here in the same
 * statement rather than once per project).
 * The rows are read FOR UPDATE: the statement's snapshot is taken before the lock is granted, so a relay whose
 * lock comes free as another commits would otherwise still see that one's batch as unpublished (the outbox test
 * caught it: one event twice); FOR UPDATE reads each row's latest committed version and drops the published.
 */
const takeStatements = new Map<boolean, { name: string; text: string }>();

/** takeUnpublished's statement: $1 the lock's key, $2 the batch size. */
function takeStatement(rowLocks: boolean): { name: string; text: string } {
  const known = takeStatements.get(rowLocks);
  if (known) return known;
  const statement = {
    name: `outbox_take_${rowLocks ? 1 : 0}`,
    text: `
    with l as (select pg_try_advisory_xact_lock($1::bigint) as ok),
    r as (
      select a.seq, a.user_id, a.task_id, a.type, a.changes, a.payload
      from task_activity a, l
      where l.ok and a.published_at is null
      order by a.seq
      limit $2::int
      ${rowLocks ? 'for update of a' : ''}
    ),
    m as (
      update task_activity a set published_at = now(), payload = null
      from r where a.published_at is null and a.seq = r.seq
    )
    select l.ok, r.seq, r.user_id, r.task_id, r.type, r.changes, r.payload, h.project_id as home,
           coalesce((select array_agg(pm.user_id::text order by pm.user_id) from project_members pm
                     where pm.project_id = coalesce((r.payload->>'projectId')::uuid, h.project_id)), '{}') as members
    from l
    left join r on true
    left join tasks h on h.id = r.task_id and (r.type = 'deleted' or r.payload is null)
    order by r.seq`,
  };
  takeStatements.set(rowLocks, statement);
  return statement;
}

export async function takeUnpublished(
  tx: DbOrTx,
  batch: number,
  /** The lock (another key, and rowLocks false: the lock test's planted fault — two relays that both drain). */
  { lockKey = RELAY_LOCK, rowLocks = true }: { lockKey?: number; rowLocks?: boolean } = {},
): Promise<TakenEntry[] | null> {
  // A named statement (one per variant): parsed and planned once per connection, not once per drain.
  const rows = (await executorOf(tx)(takeStatement(rowLocks), [lockKey, batch])) as Array<
    [boolean, number | string | null, string, string, ActivityType, Changes, Task | null, string | null, string[]]
  >;
  if (rows[0]?.[0] !== true) return null;
  return rows
    .filter((r) => r[1] !== null)
    .map(([, seq, userId, taskId, type, changes, payload, home, members]) => ({
      seq: Number(seq),
      userId,
      taskId,
      type,
      changes,
      payload,
      home,
      members,
    }));
}
