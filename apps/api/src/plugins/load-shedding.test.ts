import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/context';
import { createUser, type TestUser } from '../test/factories';

/** Keep the event loop busy (blocked in slices, so the delay monitor sees a large mean) for `ms`. */
async function overload(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const slice = Date.now() + 150;
    while (Date.now() < slice) {
      /* busy */
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('load shedding', () => {
  let ctx: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { config: { maxEventLoopDelayMs: 40 } });
    user = await createUser(ctx.deps);
  });
  afterAll(async () => ctx?.close());

  it('answers 503 problem+json with Retry-After while the loop is overloaded, never for health or metrics, and recovers', async () => {
    const ok = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
    expect(ok.statusCode).toBe(200);
    await overload(1300);
    const shed = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await ctx.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const metrics = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/http_requests_shed_total\{reason="eventLoopDelay"\} [1-9]/);
    await new Promise((r) => setTimeout(r, 1200)); // two quiet samples
    const again = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
    expect(again.statusCode).toBe(200);
  });
});
