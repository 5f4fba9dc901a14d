import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/context';
import { createUser, type TestUser } from '../test/factories';

// The cap lives in the HTTP server's request listener, in front of Fastify: app.inject would bypass it, so these
// requests go over a real socket.
describe('admission control (MAX_IN_FLIGHT)', () => {
  let ctx: TestContext;
  let user: TestUser;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { config: { maxInFlight: 2, testRoutes: true } });
    user = await createUser(ctx.platform);
    base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    // fetch's keep-alive sockets would hold close() until their timeout (graceful shutdown of the real server,
    // factory included, is server.shutdown.test.ts's subject).
    ctx?.app.server.closeAllConnections();
    await ctx?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(base + url, { headers });
  const shedCount = async (): Promise<number> => {
    const m = (await (await get('/metrics')).text()).match(/http_requests_shed_total\{reason="inFlight"\} (\d+)/);
    return m ? Number(m[1]) : 0;
  };
  /** Until `n` requests are inside the app (the scrape itself is one of them); a loaded machine may take a while. */
  const inFlightReaches = async (n: number): Promise<void> => {
    for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      const m = (await (await get('/metrics')).text()).match(/^http_requests_in_flight (\d+)/m);
      if (Number(m?.[1]) >= n) return;
    }
    throw new Error(`never ${n} requests in flight`);
  };

  it('answers 503 at once above the cap, never for health, metrics or the event stream, and admits again when a slot frees', async () => {
    const before = await shedCount();
    const slow = [1, 2].map(() => get('/__test/slow?ms=3000'));
    await inFlightReaches(3); // both slow requests, and the scrape that sees them
    const t0 = Date.now();
    const shed = await get('/api/v1/tasks', user.headers);
    expect(Date.now() - t0).toBeLessThan(1500); // refused, not queued behind the slow ones
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(shed.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await shed.json();
    expect(body).toMatchObject({ success: false, status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((body as { requestId: string }).requestId).toBe(shed.headers.get('x-request-id'));
    expect((await get('/health/live')).status).toBe(200);
    expect(await shedCount()).toBe(before + 1);
    // The event stream is not counted: it opens while both slots are taken.
    const controller = new AbortController();
    const events = await fetch(`${base}/api/v1/events`, { headers: user.headers, signal: controller.signal });
    expect(events.status).toBe(200);
    await events.body?.cancel();
    controller.abort();
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
    // Both slots are free again (a refused request never held one).
    const again = await Promise.all([1, 2].map(() => get('/api/v1/tasks', user.headers)));
    expect(again.map((r) => r.status)).toEqual([200, 200]);
  });

  it('frees the slot of a request whose client went away', async () => {
    const controllers = [1, 2].map(() => new AbortController());
    const pending = controllers.map((c) =>
      fetch(`${base}/__test/slow?ms=3000`, { signal: c.signal }).catch(() => null),
    );
    await inFlightReaches(3);
    expect((await get('/api/v1/tasks', user.headers)).status).toBe(503);
    for (const c of controllers) c.abort();
    await Promise.all(pending);
    // The slots free as the server sees the connections close, long before the handlers end (3 s).
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await get('/api/v1/tasks', user.headers)).status;
    }
    expect(status).toBe(200);
  });
});
