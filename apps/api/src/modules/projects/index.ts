/**
 * The projects module's only public entry (issue 15): projects, members, invitations, the project policy every
 * other module asks (policy.ts), and the inbox backfill run at start and by the cli.
 */
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import type { EventBus, EventSink } from '../../infra/events';
import type { Mailer } from '../../infra/mail/mailer';
import { ProjectPolicy } from './policy';
import { ProjectInvitations } from './projects.invitations';
import { projectRoutes } from './projects.routes';
import { ProjectsService } from './projects.service';

export interface ProjectsModuleDeps {
  db: Db;
  /** The per-user task-data versions the policy invalidates after access changes. */
  cache: Cache;
  /** Where project events for the members' live streams go. */
  events: EventBus;
  mailer: Mailer;
  /** Records project events in their transaction (the webhooks' deliveries). */
  sink?: EventSink;
  /** The web app's URL: invitation links point there (`/invitations?token=`). */
  appUrl: string;
  clock?: () => Date;
}

export function createProjectsModule(deps: ProjectsModuleDeps) {
  const policy = new ProjectPolicy({ db: deps.db, cache: deps.cache });
  const service = new ProjectsService({
    db: deps.db,
    policy,
    notify: (audience, event, data) => deps.events.emit('project.event', { audience, event, data }),
    ...(deps.sink ? { sink: deps.sink } : {}),
  });
  const invitations = new ProjectInvitations({
    db: deps.db,
    policy,
    projects: service,
    mailer: deps.mailer,
    appUrl: deps.appUrl,
    now: deps.clock ?? (() => new Date()),
  });
  return { policy, service, invitations, routes: projectRoutes({ projects: service, invitations }) };
}

export type ProjectsModule = ReturnType<typeof createProjectsModule>;
export { type Access, allows, ProjectPolicy } from './policy';
export type { ProjectsService } from './projects.service';
export { backfillInboxes, ensureTaskIndexes } from './projects.backfill';
export { projectViewsQuery } from './projects.repo';
