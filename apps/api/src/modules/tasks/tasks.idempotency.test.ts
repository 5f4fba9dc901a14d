/**
 * POST /tasks with an Idempotency-Key (a repeat gets the stored response, another body 409, concurrent first uses
 * create one task) and the per-user creation rate limit (replays are free).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { openTasksSuite, type PostTask, postTask } from '../../test/tasks-http';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';

describe.each(drivers())('Idempotency-Key on %s', (driver) => {
  let ctx: TestContext;
  let alice: TestUser;
  let post: PostTask;
  beforeAll(async () => {
    ({ ctx, alice, post } = await openTasksSuite(driver));
  });
  afterAll(async () => ctx?.close());

  it('same key + same body → the same response and one task; other body → 409', async () => {
    const user = await createUser(ctx.platform);
    const key = randomUUID();
    const first = await post(user, { title: 'once', tags: ['a'] }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const second = await post(user, { title: 'once', tags: ['a'] }, { 'idempotency-key': key });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers.etag).toBe(first.headers.etag);
    const other = await post(user, { title: 'different' }, { 'idempotency-key': key });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('CONFLICT');
    const list = await ctx.app.inject({ method: 'GET', url: BASE, headers: user.headers });
    expect(list.json().data).toHaveLength(1);
    // Another user's identical key is a different key.
    const bob = await createUser(ctx.platform);
    const bobs = await post(bob, { title: 'once', tags: ['a'] }, { 'idempotency-key': key });
    expect(bobs.statusCode).toBe(201);
    expect(bobs.json().data.id).not.toBe(first.json().data.id);
  });

  it('concurrent requests with one key create one task', async () => {
    const user = await createUser(ctx.platform);
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => post(user, { title: 'concurrent' }, { 'idempotency-key': key })),
    );
    for (const r of results) expect([201, 409]).toContain(r.statusCode);
    const ids = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json().data.id));
    expect(ids.size).toBe(1);
    const list = await ctx.app.inject({ method: 'GET', url: BASE, headers: user.headers });
    expect(list.json().data).toHaveLength(1);
  });

  it('a creation its checks refuse leaves the key unused; a repeat of a used key is not checked again', async () => {
    const user = await createUser(ctx.platform);
    const bob = await createUser(ctx.platform);
    const project = async (owner: TestUser) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: owner.headers,
        payload: { name: `p-${randomUUID().slice(0, 8)}` },
      });
      expect(res.statusCode).toBe(201);
      return res.json().data.id as string;
    };
    // Refused inside the transaction that claimed the key (not a member of bob's project: 404): nothing is kept.
    const key = randomUUID();
    const refused = await post(user, { title: 'there', projectId: await project(bob) }, { 'idempotency-key': key });
    expect(refused.statusCode).toBe(404);
    const next = await post(user, { title: 'here instead' }, { 'idempotency-key': key });
    expect(next.statusCode).toBe(201); // a kept key with another body would be 409
    // A used key answers its stored response, whatever became of the project since.
    const mine = await project(user);
    const used = randomUUID();
    const first = await post(user, { title: 'in mine', projectId: mine }, { 'idempotency-key': used });
    expect(first.statusCode).toBe(201);
    const gone = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/projects/${mine}`, headers: user.headers });
    expect(gone.statusCode).toBe(204);
    const again = await post(user, { title: 'in mine', projectId: mine }, { 'idempotency-key': used });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
  });

  it('refuses an unusable key', async () => {
    const res = await post(alice, { title: 'k' }, { 'idempotency-key': 'x'.repeat(300) });
    expect(res.statusCode).toBe(400);
  });
});

describe.each(drivers())('task creation rate limit on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver, {
      config: { rateLimit: { taskCreateMax: 3, taskCreateWindowSec: 900 } },
    });
  });
  afterAll(async () => ctx?.close());

  it('allows taskCreateMax creations per user per window, then 429 with Retry-After; replays are free', async () => {
    const user = await createUser(ctx.platform);
    const other = await createUser(ctx.platform);
    const key = randomUUID();
    const send = (u: TestUser, title: string, headers: Record<string, string> = {}) =>
      postTask(ctx, u, { title }, headers);
    const first = await send(user, 't0', { 'idempotency-key': key });
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');
    expect((await send(user, 't1')).statusCode).toBe(201);
    expect((await send(user, 't2')).statusCode).toBe(201);
    const limited = await send(user, 't3');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    // A replay of an acknowledged request is not a new creation.
    expect((await send(user, 't0', { 'idempotency-key': key })).statusCode).toBe(201);
    // The limit is per user.
    expect((await send(other, 'mine')).statusCode).toBe(201);
  });
});
