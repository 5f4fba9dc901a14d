/** Queries of the calendar module: a user's feed (one row, its token's hash) and the lookup of a presented token. */
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { calendarFeeds, users } from '../../infra/db/schema';

/** Create the user's feed, or replace its token hash (the old URL then matches no row on any instance). */
export async function upsertFeed(db: DbOrTx, userId: string, tokenHash: string): Promise<void> {
  await db
    .insert(calendarFeeds)
    .values({ userId, tokenHash })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash, createdAt: sql`now()` } });
}

/** Turn the user's feed off; true when there was one. */
export async function deleteFeed(db: DbOrTx, userId: string): Promise<boolean> {
  const rows = await db
    .delete(calendarFeeds)
    .where(eq(calendarFeeds.userId, userId))
    .returning({ userId: calendarFeeds.userId });
  return rows.length > 0;
}

/** Whose feed a token hash is, with what the feed needs of the account (one indexed lookup, hit or miss). */
export interface FeedOwner {
  userId: string;
  name: string;
  timezone: string;
  isActive: boolean;
}

export async function findFeedOwner(db: DbOrTx, tokenHash: string): Promise<FeedOwner | undefined> {
  const [row] = await db
    .select({ userId: users.id, name: users.name, timezone: users.timezone, isActive: users.isActive })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(eq(calendarFeeds.tokenHash, tokenHash))
    .limit(1);
  return row;
}
