/**
 * Queries of the users module: deletion and the admin role. The account row's profile and preferences are updated
 * through the auth module (AuthService.updateAccount), which owns that query.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type UserRow, users } from '../../infra/db/schema';

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
