/**
 * A stream ends with its session: on revocation (logout-all, a password change), at its access token's expiry, and
 * on a heartbeat's re-check; and streams are capped per user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD } from '../../test/auth-http';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';
import { endedWithin, listen, openStream, secondLogin } from '../../test/sse';
import { waitFor } from '../../test/wait';

describe.each(drivers())('GET /events ends with its session, and is capped per user, on %s', (driver) => {
  let ctx: TestContext;
  let base: string;
  beforeAll(async () => {
    // Heartbeats far apart: what closes a stream here is the revocation itself, not a heartbeat's re-check.
    ctx = await createTestContext(driver, { config: { sseHeartbeatMs: 60_000, sseMaxStreamsPerUser: 3 } });
    base = await listen(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it('logout-all from another login closes the open stream within 1 s, and no task reaches it after', async () => {
    const erin = await createUser(ctx.platform);
    const other = await secondLogin(ctx.app, erin);
    const stream = openStream(base, erin);
    await stream.ready;
    expect(stream.status()).toBe(200);
    const t0 = Date.now();
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: other });
    expect(res.statusCode).toBe(204);
    expect(await endedWithin(stream, t0, 1000)).toBeLessThanOrEqual(1000);
    const owner = await secondLogin(ctx.app, erin);
    // A stream of the new session sees the task: by then the ended one would have too, had it been open.
    const watcher = openStream(base, { ...erin, headers: owner });
    await watcher.ready;
    await ctx.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: owner, payload: { title: 'secret' } });
    await waitFor(() => watcher.events.some((e) => e.event === 'task.created'), 5000, 'the task on the new stream');
    expect(stream.events.filter((e) => e.event === 'task.created')).toHaveLength(0);
    stream.close();
    watcher.close();
  });

  it("a password change closes the other sessions' streams within 1 s; the changing session's stays open", async () => {
    const fay = await createUser(ctx.platform);
    const other = await secondLogin(ctx.app, fay);
    const old = openStream(base, fay);
    const kept = openStream(base, { ...fay, headers: other });
    await Promise.all([old.ready, kept.ready]);
    const t0 = Date.now();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: other,
      payload: { currentPassword: fay.password, newPassword: GOOD_PASSWORD },
    });
    expect(res.statusCode).toBe(204);
    expect(await endedWithin(old, t0, 1000)).toBeLessThanOrEqual(1000);
    expect(kept.endedAt()).toBeUndefined();
    old.close();
    kept.close();
  });

  it('at most SSE_MAX_STREAMS_PER_USER streams per user: the next is 429 problem+json, a closed one frees its slot', async () => {
    const gus = await createUser(ctx.platform);
    const other = await createUser(ctx.platform);
    const open = [openStream(base, gus), openStream(base, gus), openStream(base, gus)];
    await Promise.all(open.map((s) => s.ready));
    expect(open.map((s) => s.status())).toEqual([200, 200, 200]);
    const refused = await fetch(`${base}/api/v1/events`, { headers: gus.headers });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    expect(await refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // another user is not affected
    const theirs = openStream(base, other);
    await theirs.ready;
    expect(theirs.status()).toBe(200);
    open[0]?.close();
    // the server sees the close shortly after the client's: wait until a new stream is let in
    let again: ReturnType<typeof openStream> | undefined;
    await waitFor(
      async () => {
        again?.close();
        again = openStream(base, gus);
        await again.ready;
        return again.status() === 200;
      },
      5000,
      "the closed stream's slot to be freed",
    );
    expect(again?.status()).toBe(200);
    for (const s of [...open, theirs, again]) s?.close();
  });
});

describe.each(drivers())('GET /events ends at its access token expiry, on %s', (driver) => {
  let ctx: TestContext;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { accessTokenTtlSec: 2, sseHeartbeatMs: 60_000 } });
    base = await listen(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it("closes the stream at its token's exp (not before), within 1 s of it", async () => {
    const hal = await createUser(ctx.platform);
    const exp = JSON.parse(Buffer.from(hal.accessToken.split('.')[1] as string, 'base64url').toString()).exp * 1000;
    const stream = openStream(base, hal);
    await stream.ready;
    expect(stream.status()).toBe(200);
    const endedAfterExp = await endedWithin(stream, exp, 1000);
    expect(endedAfterExp).toBeGreaterThanOrEqual(0);
    expect(endedAfterExp).toBeLessThanOrEqual(1000);
    stream.close();
  });
});
