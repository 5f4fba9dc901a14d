/**
 * What a process loads before it serves (bench P10: start to ready < 5 s, idle RSS): ioredis and BullMQ only with
 * Redis configured, and the libraries of the rarer requests — passkeys (@simplewebauthn/server and its X.509 /
 * ASN.1 stack), pushes (web-push), quick add (chrono-node) — at their first use (lib/lazy-module.ts), not at start.
 * Loading them eagerly cost ~0.85 s of start-up and ~10–20 MB here. The reflect-metadata polyfill the passkey
 * library requires IS loaded at start, so that the first passkey request changes no global. In the `isolated`
 * project (vitest.config.ts): the check reads this process's module cache, which must not hold what other test
 * files loaded.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './test/context';
import { createUser, type TestUser } from './test/factories';

const LAZY = ['ioredis', 'bullmq', '@simplewebauthn/server', 'web-push', 'chrono-node'];
const cache = createRequire(import.meta.url).cache;
/** Whether a module of the package is in this process's cache. */
const inCache = (name: string) => Object.keys(cache).some((file) => file.includes(`/node_modules/${name}/`));
/** The lazy packages with a module in the cache. */
const loaded = () => LAZY.filter(inCache);

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
    // The polyfill is in place before anything is served (Reflect.getMetadata is reflect-metadata's).
    expect(inCache('reflect-metadata')).toBe(true);
    expect(typeof (Reflect as unknown as Record<string, unknown>).getMetadata).toBe('function');
  });

  it('loads a lazy package with its first use (the check sees a load when one happens)', async () => {
    expect((await post('/api/v1/tasks/parse', { text: 'Call the bank tomorrow 9am' })).statusCode).toBe(200);
    expect(loaded()).toEqual(['chrono-node']);
  });

  it('loads the passkey library with the first ceremony, and that changes no global', async () => {
    const before = Object.getOwnPropertyDescriptors(Reflect);
    expect((await post('/api/v1/auth/passkeys/options', {})).statusCode).toBe(200);
    expect(loaded()).toContain('@simplewebauthn/server');
    const after = Object.getOwnPropertyDescriptors(Reflect);
    expect(Reflect.ownKeys(after)).toEqual(Reflect.ownKeys(before));
    for (const key of Reflect.ownKeys(before)) {
      const k = key as keyof typeof before;
      expect(after[k]?.value, String(key)).toBe(before[k]?.value);
    }
  });
});
