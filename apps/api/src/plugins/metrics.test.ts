import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../test/context';

/** The value of one series line (`name{labels} value`) in a Prometheus text body, or undefined. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe.each(drivers())('metrics on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  }, 120_000);
  afterAll(async () => ctx?.close());

  const scrape = async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  it('counts requests by method, route pattern and status, never by raw URL', async () => {
    const labels = { method: 'GET', route: '/health/live', status: '200' };
    const before = sample(await scrape(), 'http_request_duration_seconds_count', labels) ?? 0;
    for (let i = 0; i < 3; i++) await ctx.app.inject({ method: 'GET', url: '/health/live?x=1' });
    const nf = await ctx.app.inject({ method: 'GET', url: '/api/v1/no-such-thing-12345' });
    expect(nf.statusCode).toBe(404);
    const body = await scrape();
    expect(sample(body, 'http_request_duration_seconds_count', labels)).toBe(before + 3);
    expect(sample(body, 'http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(before + 3);
    expect(
      sample(body, 'http_request_duration_seconds_count', { method: 'GET', route: '(unmatched)', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain('no-such-thing-12345');
    expect(body).not.toContain('x=1');
  });

  it('exports pool, dependency, in-flight, process and event-loop series and the business handles', async () => {
    ctx.platform.metrics.tasksCreatedTotal.inc();
    ctx.platform.metrics.cacheHitsTotal.inc({ cache: 'task-list' });
    ctx.platform.metrics.queueDepth.set({ queue: 'reminders' }, 7);
    const body = await scrape();
    for (const name of [
      'db_pool_connections_in_use',
      'db_pool_connections_idle',
      'db_pool_requests_waiting',
      'db_pool_connections_max',
      'http_requests_in_flight',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(sample(body, name), name).toBeTypeOf('number');
    }
    expect(sample(body, 'dependency_up', { dependency: 'database' })).toBe(1);
    expect(sample(body, 'tasks_created_total')).toBe(1);
    expect(sample(body, 'cache_hits_total', { cache: 'task-list' })).toBe(1);
    expect(sample(body, 'queue_depth', { queue: 'reminders' })).toBe(7);
    // The scrape itself is in flight while it renders.
    expect(sample(body, 'http_requests_in_flight')).toBeGreaterThanOrEqual(1);
  });

  it('keeps a registry per app: another app does not see this one’s traffic', { timeout: 120_000 }, async () => {
    const other = await createTestContext(driver);
    try {
      ctx.platform.metrics.tasksCompletedTotal.inc(5);
      const res = await other.app.inject({ method: 'GET', url: '/metrics' });
      expect(sample(res.body, 'tasks_completed_total')).toBe(0);
      expect(other.platform.metrics.registry).not.toBe(ctx.platform.metrics.registry);
    } finally {
      await other.close();
    }
  });

  it('is not rate limited', { timeout: 120_000 }, async () => {
    const limited = await createTestContext(driver, { config: { rateLimit: { apiMax: 1 } as never } });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await limited.app.inject({ method: 'GET', url: '/metrics' });
        expect(res.statusCode).toBe(200);
      }
    } finally {
      await limited.close();
    }
  });
});

describe('metrics token guard', () => {
  let ctx: TestContext;
  const token = 'metrics-token-0123456789abcdef';
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { env: { METRICS_TOKEN: token } });
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('answers 401 problem+json without the bearer token, or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${token}` }]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
        requestId: res.headers['x-request-id'],
      });
      expect(res.body).not.toContain('process_cpu');
    }
  });

  it('serves the metrics with the token', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('http_request_duration_seconds');
  });
});
