import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, type TestContext } from './test/context';
import { createUser } from './test/factories';

describe.each(drivers())('platform on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());

  it('answers liveness and readiness with a real database check', async () => {
    const live = await ctx.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    for (const url of ['/health/ready', '/api/health']) {
      const ready = await ctx.app.inject({ method: 'GET', url });
      expect(ready.statusCode).toBe(200);
      const body = ready.json();
      expect(body.status).toBe('ok');
      expect(body.checks.database.status).toBe('ok');
      expect(typeof body.checks.database.latencyMs).toBe('number');
    }
  });

  it('says down with 503 when the database is gone', async () => {
    const other = await createTestContext(driver);
    await other.database.close();
    const res = await other.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('down');
    expect(res.json().checks.database.status).toBe('down');
    await other.app.close();
  });

  it('gives unknown routes a problem+json 404 with the request id', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'x-request-id': 'abc-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const body = res.json();
    expect(body).toMatchObject({
      success: false,
      status: 404,
      code: 'NOT_FOUND',
      requestId: 'abc-123',
      type: 'about:blank',
    });
    expect(body.message).toBe(body.detail);
  });

  it('replaces an unsafe client request id with a fresh one', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json().requestId).toBe(id);
  });

  it('serves the OpenAPI 3.1 document and Swagger UI', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
    const ui = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('sets security headers and no X-Powered-By', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('the factory user has a working token', async () => {
    const user = await createUser(ctx.platform);
    expect(user.accessToken.split('.')).toHaveLength(3);
    expect(await ctx.modules.auth.sessionGuard.check(user.sessionId, user.id)).toEqual({ active: true, role: 'user' });
  });

  it('names the failing field in errors[].path for body, query and params, and each unknown field', async () => {
    const user = await createUser(ctx.platform);
    const q = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=101&bogus=1', headers: user.headers });
    expect(q.statusCode).toBe(400);
    expect(
      q
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['bogus', 'limit']);
    const p = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks/not-a-uuid', headers: user.headers });
    expect(p.json().errors.map((e: { path: string }) => e.path)).toEqual(['id']);
    const b = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: user.headers,
      payload: { title: 'x', tags: ['ok', ''], userId: 'u', role: 'admin' },
    });
    expect(b.statusCode).toBe(400);
    expect(
      b
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['role', 'tags.1', 'userId']);
  });
});
