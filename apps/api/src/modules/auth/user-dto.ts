import type { User } from '@primetrade/shared';
import type { UserRow } from './auth.repo';

/** The contract's User (never the hash or any internal column). */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    emailVerified: row.emailVerified,
    isActive: row.isActive,
    timezone: row.timezone,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
