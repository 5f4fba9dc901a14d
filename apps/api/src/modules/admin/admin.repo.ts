/** Queries of the admin module: user search with totals, role/active changes, counts. */
import { and, count, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../infra/db/client';
import { type UserRow, users } from '../../infra/db/schema';

/** `q` is data: LIKE wildcards in it are escaped. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchUsers(db: Db, q: string | undefined, page: number, limit: number) {
  const term = q?.trim();
  const where: SQL | undefined = term
    ? or(ilike(users.email, likePattern(term)), ilike(users.name, likePattern(term)))
    : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { rows, total: Number(totals[0]?.n ?? 0) };
}

export async function setUserFlags(
  db: DbOrTx,
  id: string,
  patch: { role?: 'user' | 'admin' | undefined; isActive?: boolean | undefined },
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}),
      updatedAt: new Date(),
    })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function userCounts(db: Db): Promise<{ users: number; activeUsers: number }> {
  const [all] = await db.select({ n: count() }).from(users);
  const [active] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.isActive, true)));
  return { users: Number(all?.n ?? 0), activeUsers: Number(active?.n ?? 0) };
}

/** Rows of a raw query (both drivers answer `{ rows }`). */
async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Tasks per status over every user, deleted ones excluded; zero counts while the tasks table does not exist. */
export async function taskCountsByStatus(db: Db): Promise<Record<string, number>> {
  const exists = await rowsOf<{ t: string | null }>(db, sql`select to_regclass('public.tasks')::text as t`);
  if (!exists[0]?.t) return {};
  const result = await rowsOf<{ status: string; n: string | number }>(
    db,
    sql`select status, count(*) as n from tasks where deleted_at is null group by status`,
  );
  return Object.fromEntries(result.map((r) => [r.status, Number(r.n)]));
}
