import type { Db } from '../../infra/db/client';
import { type UserRow, users } from '../../infra/db/schema';

export function createUsersRepo(db: Db) {
  return { byId: (id: string): UserRow | undefined => (db.tables.includes(users.name) ? undefined : { id, email: '' }) };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
