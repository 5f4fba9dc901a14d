/** Brute force: the per-email login-failure lock and the per-IP limit across the auth routes. */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { testConfig } from '../../config';
import { InProcessQueue } from '../../infra/queue/in-process';
import { MemoryRateLimitStore } from '../../infra/rate-limit';
import { waitReady } from '../../infra/redis/client';
import { createTestContext, drivers, type TestContext, testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import { API, GOOD_PASSWORD, login, uniqueEmail } from '../../test/auth-http';

const HOOK_TIMEOUT = 180_000;

describe.each(drivers())('auth security on %s', (driver) => {
  describe('brute force', () => {
    let ctx: TestContext;
    // A controllable clock for the limit windows: no sleeping, no timing flakiness.
    let clock = Date.now();
    beforeAll(async () => {
      ctx = await createTestContext(driver, {
        config: { rateLimit: { authIpMax: 12, apiMax: 100_000, loginFailuresMax: 5, authWindowSec: 900 } },
        overrides: { rateLimitStore: new MemoryRateLimitStore(100_000, () => clock) },
      });
    }, HOOK_TIMEOUT);
    afterAll(async () => ctx?.close());

    it('locks an email after 5 failures: 429 with Retry-After even with the right password, until the window ends', async () => {
      const target = await createUser(ctx.platform);
      const bystander = await createUser(ctx.platform);
      for (let i = 0; i < 5; i++) {
        const res = await login(ctx, target.email, `wrong password ${i}`);
        expect(res.statusCode).toBe(401);
      }
      const locked = await login(ctx, target.email, target.password);
      expect(locked.statusCode).toBe(429);
      expect(locked.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(locked.json().code).toBe('RATE_LIMITED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(locked.headers['ratelimit-limit']).toBe('5');
      expect(locked.headers['ratelimit-remaining']).toBe('0');
      expect(Number(locked.headers['ratelimit-reset'])).toBeGreaterThan(0);
      // The email's case does not matter, and another account is not affected.
      expect((await login(ctx, target.email.toUpperCase(), target.password)).statusCode).toBe(429);
      expect((await login(ctx, bystander.email, bystander.password)).statusCode).toBe(200);
      // No permanent lockout: once the window has passed the right password works (the durable record's window
      // runs on the database clock: it is moved past its end too).
      clock += 901_000;
      await ctx.database.db.execute(sql`update auth_failures set window_ends_at = now() - interval '1 second'`);
      expect((await login(ctx, target.email, target.password)).statusCode).toBe(200);
    });

    it('limits auth requests per IP across login, register and forgot-password', async () => {
      const remoteAddress = '10.1.1.1';
      const send = (url: string, payload: object, from = remoteAddress) =>
        ctx.app.inject({ method: 'POST', url: `${API}/auth/${url}`, payload, remoteAddress: from });
      const email = uniqueEmail('ip');
      expect((await send('register', { name: 'Ip', email, password: GOOD_PASSWORD })).statusCode).toBe(201);
      const first = await send('login', { email, password: GOOD_PASSWORD });
      expect(first.statusCode).toBe(200);
      expect(first.headers['ratelimit-limit']).toBe('12');
      expect(first.headers['ratelimit-remaining']).toBe('10');
      expect((await send('forgot-password', { email })).statusCode).toBe(202);
      // Malformed requests count too (the limit is taken before validation).
      for (let i = 0; i < 9; i++) expect((await send('login', { email })).statusCode).toBe(400);
      const blocked = await send('login', { email, password: GOOD_PASSWORD });
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(blocked.headers['ratelimit-limit']).toBe('12');
      expect((await send('register', { name: 'Ip', email: uniqueEmail(), password: GOOD_PASSWORD })).statusCode).toBe(
        429,
      );
      // Another client address has its own budget.
      expect((await send('login', { email, password: GOOD_PASSWORD }, '10.1.1.2')).statusCode).toBe(200);
    });
  });
});

const LOCKOUT = { rateLimit: { authIpMax: 100_000, apiMax: 100_000, loginFailuresMax: 5, authWindowSec: 900 } };
const tryLogin = (app: App, email: string, password: string) =>
  app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { email, password } });

describe.each(drivers())('login lockout without Redis’s counters on %s', (driver) => {
  // Redis down: every instance falls back to its own counters (a dead Redis port, so the shared server is untouched).
  let ctx: TestContext;
  let second: App;
  beforeAll(async () => {
    const config = { ...LOCKOUT, redisUrl: 'redis://127.0.0.1:1/0', redisKeyPrefix: `pt-test:${randomUUID()}:` };
    ctx = await createTestContext(driver, { config, overrides: { queue: new InProcessQueue() } });
    second = await buildApp(testPlatform(testConfig(config), ctx.database, { queue: new InProcessQueue() }));
    await second.ready();
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await second?.close();
    await ctx?.close();
  });

  it('an email locked on one instance is locked on another (and after a restart): the failures are in the database', async () => {
    const target = await createUser(ctx.platform);
    for (let i = 0; i < 5; i++) expect((await tryLogin(ctx.app, target.email, `wrong ${i}`)).statusCode).toBe(401);
    expect((await tryLogin(ctx.app, target.email, target.password)).statusCode).toBe(429);
    const elsewhere = await tryLogin(second, target.email, target.password);
    expect(elsewhere.statusCode).toBe(429);
    expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(800);
    // one more guess on the other instance is refused too, and the lock does not restart there
    expect((await tryLogin(second, target.email, 'wrong again')).statusCode).toBe(429);
  });
});

const redisUrl = testConfig().testRedisUrl;
describe.runIf(redisUrl)('login lockout when Redis restarts empty (TEST_REDIS_URL)', () => {
  let ctx: TestContext;
  const prefix = `pt-test:${randomUUID()}:`;
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { config: { ...LOCKOUT, redisUrl, redisKeyPrefix: prefix } });
    if (ctx.platform.redis) await waitReady(ctx.platform.redis.client);
  }, HOOK_TIMEOUT);
  afterAll(async () => ctx?.close());

  it('a locked email stays locked after Redis lost its counters (the right password and one more guess are 429)', async () => {
    const redis = ctx.platform.redis;
    if (!redis) throw new Error('no Redis');
    expect(ctx.platform.rateLimitStore.kind).toBe('redis+memory-fallback');
    const target = await createUser(ctx.platform);
    for (let i = 0; i < 5; i++) expect((await tryLogin(ctx.app, target.email, `wrong ${i}`)).statusCode).toBe(401);
    expect((await tryLogin(ctx.app, target.email, target.password)).statusCode).toBe(429);
    // Redis restarted without persistence: every key of this app is gone
    const keys = await redis.client.keys(`${prefix}*`);
    expect(keys.some((k) => k.includes('rl:auth:fail:'))).toBe(true);
    await redis.client.del(...keys);
    expect((await tryLogin(ctx.app, target.email, target.password)).statusCode).toBe(429);
    expect((await tryLogin(ctx.app, target.email, 'one more guess')).statusCode).toBe(429);
  });
});
