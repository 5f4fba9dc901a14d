/** Queries of saved views: every one scoped by user_id. */
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type SavedViewRow, savedViews } from '../../infra/db/schema/views';
import { users } from '../../infra/db/schema/users';

export type { SavedViewRow };

/** The user's views in sidebar order. */
export function listViews(db: DbOrTx, userId: string): Promise<SavedViewRow[]> {
  return db
    .select()
    .from(savedViews)
    .where(eq(savedViews.userId, userId))
    .orderBy(asc(savedViews.position), asc(savedViews.createdAt), asc(savedViews.id));
}

/** Serialises the writes of one user's views (order changes read then rewrite every position). */
export async function lockUserViews(tx: DbOrTx, userId: string): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
}

export async function countViews(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(savedViews).where(eq(savedViews.userId, userId));
  return Number(row?.n ?? 0);
}

export async function insertView(
  db: DbOrTx,
  userId: string,
  view: { name: string; query: string; position: number },
): Promise<SavedViewRow> {
  const [row] = await db
    .insert(savedViews)
    .values({ userId, ...view })
    .returning();
  if (!row) throw new Error('saved view insert returned no row');
  return row;
}

export async function updateView(
  db: DbOrTx,
  userId: string,
  id: string,
  patch: { name?: string | undefined; query?: string | undefined },
): Promise<SavedViewRow | undefined> {
  const [row] = await db
    .update(savedViews)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.query !== undefined ? { query: patch.query } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(savedViews.id, id), eq(savedViews.userId, userId)))
    .returning();
  return row;
}

/** Writes positions 0..n-1 in the given order (only the rows whose position changes). */
export async function setPositions(db: DbOrTx, userId: string, ordered: SavedViewRow[]): Promise<void> {
  for (const [i, view] of ordered.entries()) {
    if (view.position === i) continue;
    await db
      .update(savedViews)
      .set({ position: i })
      .where(and(eq(savedViews.id, view.id), eq(savedViews.userId, userId)));
  }
}

export async function deleteView(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(savedViews)
    .where(and(eq(savedViews.id, id), eq(savedViews.userId, userId)))
    .returning({ id: savedViews.id });
  return rows.length > 0;
}
