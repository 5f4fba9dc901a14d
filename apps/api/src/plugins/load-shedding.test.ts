import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/context';
import { createUser, type TestUser } from '../test/factories';

/** Keep the event loop busy (blocked in slices, so the delay monitor sees a large mean) for `ms`. */
async function overload(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const slice = Date.now() + 700;
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
    ctx = await createTestContext('pglite', { config: { maxEventLoopDelayMs: 300 } });
    user = await createUser(ctx.platform);
  });
  afterAll(async () => ctx?.close());

  async function eventually200(): Promise<boolean> {
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
      if (res.statusCode === 200) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  it('answers 503 problem+json with Retry-After while the loop is overloaded, never for health or metrics, and recovers', async () => {
    // A test machine busy with other suites may itself delay this process's loop: wait for a calm sample.
    expect(await eventually200()).toBe(true);
    await overload(1600);
    const shed = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await ctx.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const metrics = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/http_requests_shed_total\{reason="eventLoopDelay"\} [1-9]/);
    expect(await eventually200()).toBe(true); // recovers once the loop is quiet again
  });
});
