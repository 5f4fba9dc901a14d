/**
 * The composition root: every module's factory is called once, here, with only what that module uses. app.ts
 * (HTTP) registers the routes and runs the background parts; worker.ts and cli.ts build from the same factories.
 * Nothing else constructs a module's service.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from './deps';
import type { JobHandlers } from './infra/queue/queue';
import { adminRoutes } from './modules/admin/admin.routes';
import { authRoutes } from './modules/auth/auth.routes';
import { eventRoutes } from './modules/events/events.routes';
import { healthRoutes } from './modules/health/health.routes';
import { oidcRoutes } from './modules/oidc/oidc.routes';
import { taskRoutes } from './modules/tasks/tasks.routes';
import { userRoutes } from './modules/users/users.routes';

/** What a module factory returns: its routes (registered under its prefix), background work, job handlers. */
export interface ModuleParts {
  routes?: FastifyPluginAsync;
  /** Started when the app is ready, stopped when it closes (an outbox relay, a subscription). */
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  jobs?: JobHandlers;
}

export function composeModules(p: Deps) {
  void p;
  return {
    health: { routes: healthRoutes },
    auth: { routes: authRoutes },
    oidc: { routes: oidcRoutes },
    users: { routes: userRoutes },
    admin: { routes: adminRoutes },
    tasks: { routes: taskRoutes },
    events: { routes: eventRoutes },
  } satisfies Record<string, ModuleParts>;
}

export type Modules = ReturnType<typeof composeModules>;
