/**
 * The operations endpoint of a process that has no API of its own (the job worker): GET /metrics (Prometheus
 * text, behind METRICS_TOKEN when it is set), GET /health/live (200 while the process runs) and GET /health/ready
 * (200 when every dependency answers its probe, 503 with each check's status otherwise, as the API's). Errors are
 * problem+json. A plain node:http server: three fixed routes need no framework.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, errorStatus } from '@primetrade/shared';
import { problemBody } from '../lib/errors';
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

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** An error in the contract's problem+json shape (with a fresh request id, as the API gives every response). */
function problem(
  res: http.ServerResponse,
  code: ErrorCode,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  send(res, errorStatus[code], problemBody({ id: requestId }, errorStatus[code], code, detail), {
    'content-type': 'application/problem+json; charset=utf-8',
    'x-request-id': requestId,
    ...headers,
  });
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
      return problem(res, ErrorCode.METHOD_NOT_ALLOWED, 'Only GET and HEAD are served here', { allow: 'GET, HEAD' });
    }
    if (path === '/health/live') return send(res, 200, { status: 'ok' });
    if (path === '/health/ready') {
      // The API's readiness shape: { status, checks } with each check's status and latency.
      void runChecks(o.checks).then((checks) => {
        const up = Object.values(checks).every((c) => c.status === 'ok');
        send(res, up ? 200 : 503, { status: up ? 'ok' : 'down', checks });
      });
      return;
    }
    if (path === '/metrics') {
      if (o.metricsToken && !bearerMatches(req.headers.authorization, o.metricsToken)) {
        return problem(res, ErrorCode.UNAUTHENTICATED, 'A valid metrics token is required', {
          'www-authenticate': 'Bearer realm="metrics"',
        });
      }
      void o.metrics.render().then(
        (body) => {
          res.writeHead(200, { 'content-type': o.metrics.contentType, 'cache-control': 'no-store' });
          res.end(body);
        },
        () => problem(res, ErrorCode.INTERNAL_ERROR, 'An unexpected error occurred'),
      );
      return;
    }
    problem(res, ErrorCode.NOT_FOUND, 'Not found: this endpoint serves /metrics and /health/{live,ready}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
