/**
 * The comments module's only public entry (issue 15 item 5): GET|POST /tasks/:id/comments and
 * PATCH|DELETE /tasks/:id/comments/:commentId, decided by the projects module's policy, delivered live to the
 * project's members through the event bus (project events: the hub fans them out to every instance).
 */
import type { Db } from '../../infra/db/client';
import type { EventBus, EventSink } from '../../infra/events';
import type { ProjectPolicy } from '../projects';
import { commentRoutes } from './comments.routes';
import { CommentsService } from './comments.service';

export interface CommentsModuleDeps {
  db: Db;
  policy: ProjectPolicy;
  events: EventBus;
  /** Records each comment event in its transaction (the webhooks' deliveries). */
  sink?: EventSink;
}

export function createCommentsModule(deps: CommentsModuleDeps) {
  const service = new CommentsService({
    db: deps.db,
    policy: deps.policy,
    notify: (audience, event, data) => deps.events.emit('project.event', { audience, event, data }),
    ...(deps.sink ? { sink: deps.sink } : {}),
  });
  return { service, routes: commentRoutes(service) };
}

export type CommentsModule = ReturnType<typeof createCommentsModule>;
export { listCommentsQuery } from './comments.repo';
