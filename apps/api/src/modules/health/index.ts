/**
 * The health module: GET /health/live, and GET /health/ready (also /api/health) over the named readiness checks
 * it is given (`database`, and `redis` when shared): 200 "ok", 503 "degraded" while the database answers but
 * another dependency does not, 503 "down" when the database does not or the app is shutting down.
 */
import { healthRoutes, type ReadinessChecks } from './health.routes';

export type { ReadinessChecks } from './health.routes';

export function createHealthModule(deps: { checks: ReadinessChecks }) {
  return { routes: healthRoutes(deps.checks), checks: deps.checks };
}
