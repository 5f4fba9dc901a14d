/**
 * Process roles (issue 19 item 4): one build, and ROLES (config.ts) picks what a process runs. This file is the one
 * table of role → route modules and background parts; app.ts registers the routes and starts the parts it names,
 * server.ts starts the job consumer and the job schedules. Health, readiness, metrics, the OpenAPI document and the
 * web app are served by every role (they sit outside this table).
 *
 *   auth       /auth, /auth/oidc, /users, /admin, audit (/admin/audit, /users/me/audit), /tokens
 *   tasks      /tasks (+ quick-add, comments), /projects, /invitations, /views, /server-info, webhooks, /calendar,
 *              /push;
 *              runs the tasks outbox relay, the event hub's publishing side and the reminder bookkeeping
 *   events     /events (SSE); runs the event hub (Redis subscription → open streams)
 *   worker     no API routes; consumes the BullMQ jobs (mail, reminder scan, webhooks, purges)
 *   scheduler  no API routes; registers the repeatable jobs (BullMQ job schedulers)
 *   all        every route and background part; jobs as before the split: the in-process queue runs and schedules
 *              them (embedded mode), with Redis `npm run worker` does
 */
export const ROLE_NAMES = ['auth', 'tasks', 'events', 'worker', 'scheduler', 'all'] as const;
export type Role = (typeof ROLE_NAMES)[number];
/** The roles that serve API routes. */
export type HttpRole = 'auth' | 'tasks' | 'events';
/** A key of composeModules' result (roles.test.ts checks each one names a module; config.ts imports this file). */
type ModuleName = string;

export interface RouteMount {
  module: ModuleName;
  /** Under /api/v1; none = the module's routes carry their full paths. */
  prefix?: string;
  role: HttpRole;
}

/** The table. Mounts are registered in this order (the OpenAPI document's order). */
export const ROLE_TABLE = {
  mounts: [
    { module: 'auth', prefix: '/auth', role: 'auth' },
    { module: 'oidc', prefix: '/auth/oidc', role: 'auth' },
    { module: 'users', prefix: '/users', role: 'auth' },
    { module: 'admin', prefix: '/admin', role: 'auth' },
    // /admin/audit and /users/me/audit (full paths: the audit module sits under both prefixes).
    { module: 'audit', role: 'auth' },
    { module: 'tasks', prefix: '/tasks', role: 'tasks' },
    // /projects/… and /invitations/accept (full paths).
    { module: 'projects', role: 'tasks' },
    { module: 'quickAdd', prefix: '/tasks', role: 'tasks' },
    { module: 'comments', prefix: '/tasks', role: 'tasks' },
    { module: 'events', prefix: '/events', role: 'events' },
    { module: 'views', prefix: '/views', role: 'tasks' },
    { module: 'serverInfo', prefix: '/server-info', role: 'tasks' },
    { module: 'tokens', prefix: '/tokens', role: 'auth' },
    // /projects/:id/webhooks* (full paths).
    { module: 'webhooks', role: 'tasks' },
    { module: 'calendar', prefix: '/calendar', role: 'tasks' },
    // /push/vapid-public-key and /push/subscriptions (Web Push, issue 17 item 2).
    { module: 'push', prefix: '/push', role: 'tasks' },
  ] satisfies RouteMount[] as RouteMount[],
  /**
   * A module's start/stop (its background loop) and the roles that run it. The event hub's start both publishes
   * this process's domain events to Redis and subscribes to them: the tasks role (where the outbox relay publishes
   * the task events, and comments and projects theirs) needs the first half, the events role the second.
   */
  background: {
    events: ['tasks', 'events'],
    reminders: ['tasks'],
    tasks: ['tasks'],
    // Its start only says once that push is off (no VAPID keys).
    push: ['tasks'],
  } satisfies Partial<Record<ModuleName, HttpRole[]>> as Partial<Record<ModuleName, HttpRole[]>>,
  /** Consumes the queue's jobs (BullMQ worker). */
  consumesJobs: 'worker',
  /** Registers the repeatable jobs. */
  schedulesJobs: 'scheduler',
} as const;

/** Parse ROLES ("auth,tasks"; empty = all). Returns the roles, or the unknown names. */
export function parseRoles(value: string | undefined): { roles: Role[]; unknown: string[] } {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return { roles: ['all'], unknown: [] };
  const unknown = names.filter((n) => !(ROLE_NAMES as readonly string[]).includes(n));
  const roles = [...new Set(names.filter((n): n is Role => (ROLE_NAMES as readonly string[]).includes(n)))];
  return { roles, unknown };
}

const has = (roles: readonly Role[], role: Role) => roles.includes('all') || roles.includes(role);

/** The route mounts this process registers (in the table's order). */
export function routeMounts(roles: readonly Role[]): RouteMount[] {
  return ROLE_TABLE.mounts.filter((m) => has(roles, m.role));
}

/** Whether this process runs the module's start/stop (a module missing from the table: only under `all`). */
export function runsBackground(module: string, roles: readonly Role[]): boolean {
  const owners = (ROLE_TABLE.background as Record<string, HttpRole[] | undefined>)[module];
  if (!owners) return roles.includes('all');
  return owners.some((r) => has(roles, r));
}

/** This process consumes BullMQ jobs (only when named: `all` keeps the API process a producer, as before). */
export function consumesJobs(roles: readonly Role[]): boolean {
  return roles.includes(ROLE_TABLE.consumesJobs);
}

/** This process registers the repeatable jobs on BullMQ (only when named, as above). */
export function schedulesJobs(roles: readonly Role[]): boolean {
  return roles.includes(ROLE_TABLE.schedulesJobs);
}

/** `all` (or every role by name) — the process as it was before the split. */
export function runsEverything(roles: readonly Role[]): boolean {
  return roles.includes('all');
}

export function describeRoles(roles: readonly Role[]): string {
  return roles.join(',');
}
