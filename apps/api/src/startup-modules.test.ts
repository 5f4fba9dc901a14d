/**
 * What a process loads before it serves (bench P10: start to ready < 5 s, idle RSS): ioredis and BullMQ only with
 * Redis configured, and the libraries of the rarer requests — pushes (web-push), quick add (chrono-node) — at their
 * first use (lib/lazy-module.ts), not at start. Loading them eagerly cost ~0.7 s of start-up and ~10 MB here. In the `isolated` project (vitest.config.ts):
 * the check reads this process's module cache, which must not hold what other test files loaded.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './test/context';
import { createUser, type TestUser } from './test/factories';

const LAZY = ['ioredis', 'bullmq', 'web-push', 'chrono-node'];
const cache = createRequire(import.meta.url).cache;
/** The lazy packages with a module in the cache. */
const loaded = () => LAZY.filter((name) => Object.keys(cache).some((file) => file.includes(`/node_modules/${name}/`)));

describe('start-up without Redis', () => {
  let ctx: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext('pglite');
    user = await createUser(ctx.platform);
  }, 180_000);
  afterAll(async () => ctx?.close());
  const post = (url: string, payload: object) =>
    ctx.app.inject({ method: 'POST', url, headers: user.headers, payload });

  it('builds, serves a list and a create, and has loaded none of the lazy packages', async () => {
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: user.headers });
    expect(list.statusCode).toBe(200);
    expect((await post('/api/v1/tasks', { title: 'plain create' })).statusCode).toBe(201);
    expect(loaded()).toEqual([]);
  });

  it('loads a lazy package with its first use (the check sees a load when one happens)', async () => {
    expect((await post('/api/v1/tasks/parse', { text: 'Call the bank tomorrow 9am' })).statusCode).toBe(200);
    expect(loaded()).toEqual(['chrono-node']);
  });
});
