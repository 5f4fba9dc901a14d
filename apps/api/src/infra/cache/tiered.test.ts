import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { freePort } from '../../test/server-process';
import { nextEvent, subscribers, waitFor } from '../../test/wait';
import { CircuitBreaker, createRedis, waitReady } from '../redis/client';
import { TieredCache } from './tiered';

const redisUrl = testConfig().testRedisUrl;

describe('TieredCache with Redis unreachable', () => {
  it('never throws and never serves a value across a bump (bypass versions)', async () => {
    const client = createRedis({ url: 'redis://127.0.0.1:1' });
    const subscriber = createRedis({ url: 'redis://127.0.0.1:1' });
    const cache = new TieredCache({ client, subscriber, breaker: new CircuitBreaker(), prefix: 'x:' });
    const v1 = await cache.version('u1');
    await cache.set(`stats:u1:${v1}`, { n: 1 }, 60);
    const v2 = await cache.version('u1');
    expect(v2).not.toBe(v1);
    expect(await cache.get(`stats:u1:${v2}`)).toBeUndefined();
    await expect(cache.bump('u1')).resolves.toBeTypeOf('string');
    await cache.close();
    client.disconnect();
    subscriber.disconnect();
  });
});

describe.runIf(redisUrl)('TieredCache shared by two instances (TEST_REDIS_URL)', () => {
  const url = redisUrl ?? '';
  const prefix = `pt-test:${randomUUID()}:`;
  const conns = Array.from({ length: 4 }, (_, i) => createRedis({ url }, i % 2 ? { enableOfflineQueue: true } : {}));
  const [c1, s1, c2, s2] = conns as [
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
  ];
  let a: TieredCache;
  let b: TieredCache;
  const hits: string[] = [];
  const channel = `${prefix}cache-bump`;
  /** Resolves when `sub` receives the bump message of namespace `ns` (listen before bumping). */
  const bumpHeardBy = (sub: ReturnType<typeof createRedis>, ns: string) =>
    nextEvent<[string, string]>(sub, 'message', (ch, msg) => ch === channel && msg === ns);
  beforeAll(async () => {
    for (const c of conns) await waitReady(c);
    a = new TieredCache({
      client: c1,
      subscriber: s1,
      breaker: new CircuitBreaker(),
      prefix,
      onHit: (l) => hits.push(`a:${l}`),
    });
    b = new TieredCache({
      client: c2,
      subscriber: s2,
      breaker: new CircuitBreaker(),
      prefix,
      onHit: (l) => hits.push(`b:${l}`),
    });
    // Both instances' SUBSCRIBE has landed before any bump is published.
    await waitFor(async () => (await subscribers(c1, channel)) >= 2, 5000, 'both cache subscribers');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const c of conns) c.disconnect();
  });

  it('a value set on one instance is an L2 hit on the other, then an L1 hit', async () => {
    const v = await a.version('user-1');
    expect(await b.version('user-1')).toBe(v);
    await a.set(`stats:user-1:${v}`, { total: 3 }, 60);
    expect(await b.get(`stats:user-1:${v}`)).toEqual({ total: 3 });
    expect(await b.get(`stats:user-1:${v}`)).toEqual({ total: 3 });
    expect(hits).toEqual(['b:l2', 'b:l1']);
  });

  it('a bump on one instance reaches the other at once (pub/sub), so its next read misses', async () => {
    const v = await b.version('user-2');
    await b.set(`stats:user-2:${v}`, { total: 1 }, 60);
    expect(await a.version('user-2')).toBe(v);
    const heard = bumpHeardBy(s1, 'user-2');
    const next = await b.bump('user-2');
    expect(next).not.toBe(v);
    await heard; // A's subscriber got the message (A's own copy of the version is not expired: it is invalidated)
    expect(await a.version('user-2')).toBe(next);
    expect(await a.get(`stats:user-2:${next}`)).toBeUndefined();
  });

  it("a bump answered on one instance is seen by the other's very next read, before any PUBLISH arrives", async () => {
    const v = await b.version('user-4');
    await b.set(`stats:user-4:${v}`, { total: 1 }, 60);
    const next = await a.bump('user-4');
    // No wait for the bump message: the version is Redis's answer, not a copy B kept (a copy raced the PUBLISH).
    expect(await b.version('user-4')).toBe(next);
    expect(await b.get(`stats:user-4:${next}`)).toBeUndefined();
  });

  it('never re-issues a version after Redis lost its data (epoch), so an L1 entry under an old key stays unreachable', async () => {
    const v1 = await a.version('user-3');
    await a.set(`stats:user-3:${v1}`, { total: 0 }, 60);
    const v2 = await a.bump('user-3');
    const v3 = await a.bump('user-3');
    // Redis restarted empty: every key of this cache is gone (only this test's prefix is deleted)
    const keys = await c1.keys(`${prefix}*`);
    if (keys.length) await c1.del(...keys);
    const after = new Set<string>();
    const heard = bumpHeardBy(s1, 'user-3');
    for (let i = 0; i < 3; i++) after.add(await b.bump('user-3'));
    after.add(await b.version('user-3'));
    for (const old of [v1, v2, v3]) expect(after.has(old)).toBe(false);
    await heard;
    const now = await a.version('user-3');
    expect([v1, v2, v3]).not.toContain(now);
    expect(await a.get(`stats:user-3:${now}`)).toBeUndefined();
    // a namespace whose key alone was lost (evicted) never goes back within the epoch either
    const before = await a.bump('user-3');
    await c1.del(`${prefix}cv:user-3`);
    for (let i = 0; i < 5; i++) await a.bump(`other-${i}`);
    expect(await a.bump('user-3')).not.toBe(before);
  });
});

const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
describe.runIf(redisServer)('TieredCache on a Redis that comes back with older data (own redis-server)', () => {
  let dir = '';
  let port = 0;
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      redisServer ?? '',
      ['--port', String(port), '--dir', dir, '--dbfilename', 'dump.rdb', '--save', ''],
      {
        stdio: 'ignore',
      },
    );
    const probe = createRedis({ url: `redis://127.0.0.1:${port}` });
    await waitFor(() => probe.status === 'ready', 5000, 'the redis-server to accept connections');
    probe.disconnect();
  };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pt-redis-'));
    port = await freePort();
    await start();
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a restart that loads an older snapshot (or a failover to a lagging replica) never re-issues a version', async () => {
    const url = `redis://127.0.0.1:${port}`;
    const open = async () => {
      const client = createRedis({ url }, { enableOfflineQueue: true });
      const subscriber = createRedis({ url }, { enableOfflineQueue: true });
      await waitReady(client);
      const cache = new TieredCache({ client, subscriber, breaker: new CircuitBreaker(), prefix: 's:' });
      const close = async () => {
        await cache.close();
        client.disconnect();
        subscriber.disconnect();
      };
      return { client, cache, close };
    };
    const first = await open();
    const v1 = await first.cache.version('u');
    await first.client.save(); // the snapshot a later restart will load
    const v2 = await first.cache.bump('u');
    const v3 = await first.cache.bump('u');
    await first.client.shutdown('NOSAVE').catch(() => {});
    await first.close();
    await new Promise<void>((r) => (server?.exitCode !== null ? r() : server.once('exit', () => r())));
    await start();
    const second = await open();
    const after = [await second.cache.version('u'), await second.cache.bump('u'), await second.cache.bump('u')];
    for (const v of after) expect([v1, v2, v3]).not.toContain(v);
    await second.close();
  });
});
