/** Queries of the quick-add module: the time zone a user's dates are read in. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { users } from '../../infra/db/schema';

/** The user's IANA time zone (users.timezone), or null when there is no such user. */
export async function userTimezone(db: DbOrTx, userId: string): Promise<string | null> {
  const [row] = await db.select({ timezone: users.timezone }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.timezone ?? null;
}
