import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { testConfig } from '../../config';
import type { Platform } from '../../platform';
import { openPostgres } from '../../infra/db/client';
import { runMigrations } from '../../infra/db/migrate';
import { sessions } from '../../infra/db/schema';
import { waitReady } from '../../infra/redis/client';
import { createTestContext, drivers, freshPostgres, type TestContext, testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import { createTask, endedWithin, listen, openStream, secondLogin, until } from '../../test/sse';

type Stream = ReturnType<typeof openStream>;
/** Whether the stream has received task.created for a task of this title. */
const hasTask = (s: Stream, title: string) =>
  s.events.some((e) => e.event === 'task.created' && (e.data as { title?: string }).title === title);
const stats = (s: Stream) => s.events.filter((e) => e.event === 'stats.changed').length;

describe.each(drivers())('GET /events on %s', (driver) => {
  let ctx: TestContext;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { sseHeartbeatMs: 200 } });
    base = await listen(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it('needs authentication', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/events' });
    expect(res.statusCode).toBe(401);
  });

  it("streams the user's task events once each, with ids and heartbeats, and none of another user's", async () => {
    const alice = await createUser(ctx.platform);
    const bob = await createUser(ctx.platform);
    const a = openStream(base, alice);
    const b = openStream(base, bob);
    await Promise.all([a.ready, b.ready]);
    expect(a.status()).toBe(200);
    const created = await createTask(ctx.app, alice, 'streamed');
    expect(created.statusCode).toBe(201);
    const id = created.json().data.id;
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/tasks/${id}`,
      headers: alice.headers,
      payload: { status: 'completed' },
    });
    await ctx.app.inject({ method: 'DELETE', url: `/api/v1/tasks/${id}`, headers: alice.headers });
    await until(() => a.events.filter((e) => e.event.startsWith('task.')).length >= 3 && a.comments() >= 2);
    // No time is waited for stray events: a marker written after everything else must arrive after it (a duplicate,
    // or a leak of Alice's events to Bob, would show up before the marker and its stats.changed).
    await createTask(ctx.app, alice, 'marker');
    await createTask(ctx.app, bob, 'marker');
    await until(() => hasTask(a, 'marker') && stats(a) >= 4 && hasTask(b, 'marker') && stats(b) >= 1);
    const taskEvents = a.events.filter((e) => e.event.startsWith('task.'));
    expect(taskEvents.map((e) => e.event)).toEqual(['task.created', 'task.updated', 'task.deleted', 'task.created']);
    expect(taskEvents[0]?.data).toMatchObject({ id });
    expect(taskEvents[2]?.data).toEqual({ id });
    expect(stats(a)).toBe(4);
    expect(new Set(a.events.map((e) => e.id)).size).toBe(a.events.length);
    expect(b.events.map((e) => e.event)).toEqual(['task.created', 'stats.changed']);
    expect(JSON.stringify(b.events)).not.toContain(id);
    a.close();
    b.close();
  });

  it('a heartbeat re-checks the session: revoked in the database alone (no revocation heard), the stream ends', async () => {
    const dave = await createUser(ctx.platform);
    const stream = openStream(base, dave);
    await stream.ready;
    // As if the revocation's message were lost: only the database knows.
    const t0 = Date.now();
    await ctx.database.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, dave.sessionId));
    // one heartbeat (200 ms) after the guard's cached answer (≤ 1 s) runs out
    expect(await endedWithin(stream, t0, 1500)).toBeLessThanOrEqual(1500);
    stream.close();
  });

  it('resumes after Last-Event-ID', async () => {
    const carol = await createUser(ctx.platform);
    const s1 = openStream(base, carol);
    await s1.ready;
    await createTask(ctx.app, carol, 'one');
    await until(() => s1.events.some((e) => e.event === 'task.created'));
    const last = s1.events.at(-1)?.id;
    s1.close();
    // 'two' is published (and kept for replay) once another open stream of Carol's has received it.
    const watcher = openStream(base, carol);
    await watcher.ready;
    await createTask(ctx.app, carol, 'two');
    await until(() => hasTask(watcher, 'two'));
    watcher.close();
    const s2 = openStream(base, carol, last);
    await s2.ready;
    await until(() => s2.events.some((e) => e.event === 'task.created'));
    const replayed = s2.events.filter((e) => e.event === 'task.created');
    expect(replayed.map((e) => (e.data as { title: string }).title)).toEqual(['two']);
    s2.close();
  });
});

const redisUrl = testConfig().testRedisUrl;
const databaseUrl = testConfig().testDatabaseUrl;

describe.runIf(redisUrl && databaseUrl)('GET /events: two instances on one PostgreSQL and one Redis', () => {
  let appA: App;
  let appB: App;
  let platformA: Platform;
  let baseB: string;
  let drop: () => Promise<void>;
  let closeB: () => Promise<void>;
  beforeAll(async () => {
    // Heartbeats far apart: B's stream can end only through the revocation published by A.
    const config = testConfig({ redisUrl, redisKeyPrefix: `pt-test:${randomUUID()}:`, sseHeartbeatMs: 60_000 });
    const fresh = await freshPostgres(databaseUrl as string);
    await runMigrations(fresh.database);
    drop = fresh.drop;
    // Each instance its own pool on the same database, its own Redis connections, the same signing secret.
    const dbB = openPostgres({ url: fresh.url, poolMax: 5, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 });
    closeB = () => dbB.close();
    const jwtSecret = randomBytes(32).toString('hex');
    platformA = testPlatform(config, fresh.database, { jwtSecret });
    const platformB = testPlatform(config, dbB, { jwtSecret });
    for (const p of [platformA, platformB]) if (p.redis) await waitReady(p.redis.client);
    appA = await buildApp(platformA);
    appB = await buildApp(platformB);
    await appA.ready();
    baseB = await listen(appB);
  });
  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    await closeB?.();
    await drop?.();
  });

  it("logout-all on instance A closes the user's stream held by instance B within 1 s", async () => {
    const user = await createUser(platformA);
    const stream = openStream(baseB, user);
    await stream.ready;
    expect(stream.status()).toBe(200);
    // B's subscriptions are live once a write on A reaches its stream
    await appA.inject({ method: 'POST', url: '/api/v1/tasks', headers: user.headers, payload: { title: 'seen' } });
    await until(() => stream.events.some((e) => e.event === 'task.created'));
    const other = await secondLogin(appA, user);
    const t0 = Date.now();
    const res = await appA.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: other });
    expect(res.statusCode).toBe(204);
    expect(await endedWithin(stream, t0, 1000)).toBeLessThanOrEqual(1000);
    stream.close();
  });
});
describe.runIf(redisUrl)('GET /events across two instances sharing Redis', () => {
  let ctx: TestContext;
  let second: App;
  let first: App;
  let platform2: Platform;
  let base2: string;
  beforeAll(async () => {
    const config = testConfig({ redisUrl, redisKeyPrefix: `pt-test:${randomUUID()}:` });
    ctx = await createTestContext('pglite');
    const platform1 = testPlatform(config, ctx.database);
    platform2 = testPlatform(config, ctx.database, { jwtSecret: 'x'.repeat(40) });
    // both instances must accept the same tokens
    (platform1 as { tokens: unknown }).tokens = platform2.tokens;
    for (const d of [platform1, platform2]) if (d.redis) await waitReady(d.redis.client);
    first = await buildApp(platform1);
    second = await buildApp(platform2);
    base2 = await listen(second);
    await first.ready();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await ctx?.close();
  });

  it('a write on instance A reaches a stream held by instance B exactly once', async () => {
    const user = await createUser(platform2);
    const stream = openStream(base2, user);
    await stream.ready;
    // B is reading the shared stream once a write on A has reached it: a warm-up write, waited for.
    await createTask(first, user, 'warm-up');
    await until(() => hasTask(stream, 'warm-up') && stats(stream) >= 1);
    const res = await createTask(first, user, 'cross-instance');
    expect(res.statusCode).toBe(201);
    await until(() => hasTask(stream, 'cross-instance'));
    // Exactly once: a marker written after it arrives after any duplicate would.
    await createTask(first, user, 'marker');
    await until(() => hasTask(stream, 'marker') && stats(stream) >= 3);
    const titles = stream.events
      .filter((e) => e.event === 'task.created')
      .map((e) => (e.data as { title: string }).title);
    expect(titles).toEqual(['warm-up', 'cross-instance', 'marker']);
    expect(stats(stream)).toBe(3);
    // Redis stream ids resume across instances
    const last = stream.events[0]?.id ?? '';
    expect(last).toMatch(/^\d+-\d+$/);
    stream.close();
  });
});
