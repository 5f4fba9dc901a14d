/** Queries of the users module: the signed-in user's profile and reminder preferences, deletion, the admin role. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type UserRow, users } from '../../infra/db/schema';

export async function updateProfile(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<UserRow, 'name' | 'email' | 'timezone' | 'emailVerified'>>,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function updatePreferences(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<UserRow, 'remindersEnabled' | 'reminderLeadMinutes'>>,
): Promise<Pick<UserRow, 'remindersEnabled' | 'reminderLeadMinutes'> | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning({ remindersEnabled: users.remindersEnabled, reminderLeadMinutes: users.reminderLeadMinutes });
  return row;
}

/** The user row; their sessions, tokens and tasks go with it (ON DELETE CASCADE). */
export async function deleteUser(db: DbOrTx, id: string): Promise<void> {
  await db.delete(users).where(eq(users.id, id));
}

/** Set the role of the account with this email; false when there is none. */
export async function setRoleByEmail(db: DbOrTx, email: string, role: UserRow['role']): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ role, updatedAt: new Date() })
    .where(eq(users.email, email))
    .returning({ id: users.id });
  return rows.length > 0;
}
