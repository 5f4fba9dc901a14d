/**
 * HTTP metrics and GET /metrics (Prometheus text format).
 *
 * Per request: one integer increment in onRequest and, in onResponse, one decrement and one histogram observe on a
 * cached child (no label hashing). The route label is the route pattern (`/api/v1/tasks/:id`), never the raw URL,
 * so the series count stays bounded. Pool gauges, dependency probes and in-flight are read at scrape time.
 * With METRICS_TOKEN set, /metrics needs `Authorization: Bearer <token>` (401 problem+json otherwise).
 */
import { ErrorCode } from '@primetrade/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Histogram } from 'prom-client';
import { bearerMatches, collectDependencyUp, type Metrics } from '../infra/metrics';
import { sendProblem } from './errors';

const UNMATCHED = '(unmatched)';

export interface MetricsPluginOptions {
  metrics: Metrics;
  /** METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
  metricsToken?: string | undefined;
  /** The dependency probes behind dependency_up (the readiness checks: database, redis). */
  checks: Record<string, () => Promise<unknown>>;
}

async function metricsPlugin(app: FastifyInstance, { metrics, metricsToken, checks }: MetricsPluginOptions) {
  const { inFlight, httpRequestDuration } = metrics;
  type Child = ReturnType<Histogram<'method' | 'route' | 'status'>['labels']>;
  const children = new Map<string, Child>();

  app.addHook('onRequest', (_request, _reply, done) => {
    inFlight.value++;
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (inFlight.value > 0) inFlight.value--;
    const route = request.routeOptions.url ?? UNMATCHED;
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = httpRequestDuration.labels(request.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });

  // Dependency probes at scrape time (every 15 s or so): the readiness checks (database, redis, …).
  collectDependencyUp(metrics, () => Object.entries(checks));

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (metricsToken && !bearerMatches(request.headers.authorization, metricsToken)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(reply, 401, ErrorCode.UNAUTHENTICATED, 'A valid metrics token is required');
    }
    const body = await metrics.render();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}

export default fp(metricsPlugin, { name: 'metrics', dependencies: ['errors'] });
