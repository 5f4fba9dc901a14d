/** The saved-views module: a user's named task-list queries (/api/v1/views). */
import { viewRoutes } from './views.routes';
import { ViewsService, type ViewsServiceDeps } from './views.service';

export type ViewsModuleDeps = ViewsServiceDeps;

export function createViewsModule(deps: ViewsModuleDeps) {
  const service = new ViewsService(deps);
  return { service, routes: viewRoutes(service) };
}
