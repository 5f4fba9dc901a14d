/** The admin module: user administration, stats and the jobs view, for administrators only. */
import { adminRoutes } from './admin.routes';
import { AdminService, type AdminServiceDeps } from './admin.service';

export type AdminModuleDeps = AdminServiceDeps;

export function createAdminModule(deps: AdminModuleDeps) {
  const service = new AdminService(deps);
  return { service, routes: adminRoutes(service) };
}
