/**
 * Database snapshots for the security suites: every row a user owns, read straight from the real database, so a
 * test can assert that a hostile request changed nothing (quality.md "A's data unchanged").
 */
import { asc, eq } from 'drizzle-orm';
import type { Platform } from '../platform';
import { refreshTokens, sessions, taskActivity, tasks, users } from '../infra/db/schema';

export async function snapshotUser(platform: Platform, userId: string): Promise<string> {
  const db = platform.database.db;
  const [user, taskRows, activity, sessionRows, tokenRows] = await Promise.all([
    db.select().from(users).where(eq(users.id, userId)),
    db.select().from(tasks).where(eq(tasks.userId, userId)).orderBy(asc(tasks.id)),
    db.select().from(taskActivity).where(eq(taskActivity.userId, userId)).orderBy(asc(taskActivity.id)),
    db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(asc(sessions.id)),
    db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId)).orderBy(asc(refreshTokens.id)),
  ]);
  // lastUsedAt of a session moves when its owner refreshes; nothing in these suites refreshes A's session.
  return JSON.stringify({ user, taskRows, activity, sessionRows, tokenRows });
}

/** Row counts of the whole database (a request that should change nothing must not add rows anywhere). */
export async function tableCounts(platform: Platform): Promise<Record<string, number>> {
  const db = platform.database.db;
  const [u, t, a, s, r] = await Promise.all([
    db.$count(users),
    db.$count(tasks),
    db.$count(taskActivity),
    db.$count(sessions),
    db.$count(refreshTokens),
  ]);
  return { users: u, tasks: t, taskActivity: a, sessions: s, refreshTokens: r };
}
