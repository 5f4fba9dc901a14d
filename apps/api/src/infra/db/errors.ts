/**
 * How a database failure is classified, for every caller: a unique-constraint violation (a conflict the caller
 * answers with 409 or a retry) and "the database is unreachable" (503, not 500). Both walk the cause chain:
 * Drizzle wraps the driver's error.
 */

const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
  '57P01',
  // crash_shutdown: "terminating connection because of crash of another server process" (the primary crashing).
  '57P02',
  '57P03',
  '08000',
  '08006',
  '08001',
  '08003',
  '08004',
  '53300',
  // read_only_sql_transaction: a write reached a node that is (no longer) the primary — a Patroni switchover or
  // failover while the connection was still open. The client retries and reaches the new primary.
  '25006',
]);

const CAUSE_DEPTH = 4;

function* causes(err: unknown): Generator<{ code?: string; message?: string }> {
  let e: unknown = err;
  for (let i = 0; i < CAUSE_DEPTH && e; i++) {
    yield e as { code?: string; message?: string };
    e = (e as { cause?: unknown }).cause;
  }
}

/** A unique-constraint violation (SQLSTATE 23505) anywhere in the cause chain. */
export function isUniqueViolation(err: unknown): boolean {
  for (const e of causes(err)) if (e.code === '23505') return true;
  return false;
}

/**
 * Is this a "database (or another dependency: Redis) is unreachable" error rather than a bug? A transaction whose
 * connection died fails on its ROLLBACK ("Client has encountered a connection error and is not queryable"), and
 * Drizzle throws that error, not the first one.
 */
export function isDependencyDown(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e.code && DB_DOWN_CODES.has(e.code)) return true;
    if (
      typeof e.message === 'string' &&
      /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|not queryable/i.test(
        e.message,
      )
    )
      return true;
    // Redis (ioredis) while it is down or switching masters under Sentinel: not connected, the connection dropped
    // mid-command, no Sentinel answered, or the node reached is a replica or still loading its data.
    if (
      typeof e.message === 'string' &&
      /Stream isn't writeable|Connection is closed|Command timed out|max retries per request limit|All sentinels are unreachable|^READONLY |^LOADING |^circuit open$/.test(
        e.message,
      )
    )
      return true;
  }
  return false;
}
