/**
 * The operations endpoint of a process that has no API of its own (the job worker): GET /metrics (Prometheus
 * text, behind METRICS_TOKEN when it is set), GET /health/live (200 while the process runs) and GET /health/ready
 * (200 when every dependency answers its probe, 503 naming the ones that do not). A plain node:http server: three
 * fixed routes need no framework.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Check, timedCheck } from '../lib/timed-check';
import { bearerMatches, collectDependencyUp, type Metrics } from './metrics';

export interface OpsServerOptions {
  port: number;
  host: string;
  metrics: Metrics;
  metricsToken?: string;
  /** Readiness probes by dependency name (database, redis, …); also exported as dependency_up. */
  checks: Record<string, () => Promise<unknown>>;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function runChecks(checks: OpsServerOptions['checks']): Promise<Record<string, Check>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, fn]) => [name, await timedCheck(fn, 1000)] as const),
  );
  return Object.fromEntries(entries);
}

export async function startOpsServer(o: OpsServerOptions): Promise<{ server: http.Server; port: number }> {
  collectDependencyUp(o.metrics, () => Object.entries(o.checks));
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(res, 405, { status: 405, title: 'Method Not Allowed', code: 'METHOD_NOT_ALLOWED' }, { allow: 'GET' });
    }
    if (path === '/health/live') return json(res, 200, { status: 'ok' });
    if (path === '/health/ready') {
      void runChecks(o.checks).then((checks) => {
        const failed = Object.entries(checks).filter(([, c]) => c.status !== 'ok');
        if (failed.length === 0) return json(res, 200, { status: 'ok', checks });
        json(res, 503, {
          status: 'down',
          title: 'Service Unavailable',
          detail: `Unavailable: ${failed.map(([n]) => n).join(', ')}`,
          code: 'SERVICE_UNAVAILABLE',
          checks,
        });
      });
      return;
    }
    if (path === '/metrics') {
      if (o.metricsToken && !bearerMatches(req.headers.authorization, o.metricsToken)) {
        return json(
          res,
          401,
          { status: 401, title: 'Unauthorized', detail: 'A valid metrics token is required', code: 'UNAUTHENTICATED' },
          { 'www-authenticate': 'Bearer realm="metrics"' },
        );
      }
      void o.metrics.render().then(
        (body) => {
          res.writeHead(200, { 'content-type': o.metrics.contentType, 'cache-control': 'no-store' });
          res.end(body);
        },
        () => json(res, 500, { status: 500, title: 'Internal Server Error', code: 'INTERNAL_ERROR' }),
      );
      return;
    }
    json(res, 404, { status: 404, title: 'Not Found', code: 'NOT_FOUND' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
