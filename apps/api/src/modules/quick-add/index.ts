/**
 * The quick-add module: POST /api/v1/tasks/parse reads a line of text into a task draft (nothing is created).
 * `projectByName` is the port to the caller's projects; composition.ts wires it.
 */
import type { Db } from '../../infra/db/client';
import { quickAddRoutes } from './quick-add.routes';
import { type ProjectByName, QuickAddService } from './quick-add.service';

export type { ProjectByName } from './quick-add.service';

export interface QuickAddModuleDeps {
  db: Db;
  projectByName: ProjectByName;
  /** The clock relative dates are read against; the system clock by default. */
  clock?: () => Date;
}

export function createQuickAddModule(deps: QuickAddModuleDeps) {
  const service = new QuickAddService({
    db: deps.db,
    projectByName: deps.projectByName,
    now: deps.clock ?? (() => new Date()),
  });
  return { service, routes: quickAddRoutes(service) };
}
