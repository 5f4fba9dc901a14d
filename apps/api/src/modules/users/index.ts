/**
 * The users module: the signed-in user's own account (profile, reminder preferences, email change, deletion).
 * Other modules and the cli reach it only through this file.
 */
import type { Db } from '../../infra/db/client';
import { userRoutes } from './users.routes';
import { setRoleByEmail } from './users.repo';
import { UsersService, type UsersServiceDeps } from './users.service';
import type { UserRouteDeps } from './users.routes';

export interface UsersModuleDeps extends UsersServiceDeps, Omit<UserRouteDeps, 'service'> {}

export function createUsersModule(deps: UsersModuleDeps) {
  const { limits, cookies, ...serviceDeps } = deps;
  const service = new UsersService(serviceDeps);
  return { service, routes: userRoutes({ service, limits, cookies }) };
}

/** `npm run cli -- make-admin <email>`: give an existing account the admin role; false when there is none. */
export const grantAdminRole = (db: Db, email: string): Promise<boolean> => setRoleByEmail(db, email, 'admin');
