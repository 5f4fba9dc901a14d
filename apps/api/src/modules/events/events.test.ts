import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { testConfig } from '../../config';
import type { Platform } from '../../platform';
import { waitReady } from '../../infra/redis/client';
import { createTestContext, drivers, type TestContext, testPlatform } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';

interface Received {
  id: string;
  event: string;
  data: unknown;
}

/** A minimal SSE client on a real socket: collects events, resolves `ready` on the first bytes. */
function openStream(baseUrl: string, user: TestUser, lastEventId?: string) {
  const events: Received[] = [];
  let comments = 0;
  let status = 0;
  let req: http.ClientRequest | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(
      `${baseUrl}/api/v1/events`,
      {
        headers: {
          ...user.headers,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
      },
      (res) => {
        status = res.statusCode ?? 0;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const e: Partial<Received> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments++;
              else if (line.startsWith('id: ')) e.id = line.slice(4);
              else if (line.startsWith('event: ')) e.event = line.slice(7);
              else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
            }
            if (e.event) events.push(e as Received);
            i = buf.indexOf('\n\n');
          }
          resolve();
        });
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
  });
  return {
    events,
    ready,
    status: () => status,
    comments: () => comments,
    close: () => req?.destroy(),
  };
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const createTask = (app: App, user: TestUser, title: string) =>
  app.inject({ method: 'POST', url: '/api/v1/tasks', headers: user.headers, payload: { title } });

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
    await new Promise((r) => setTimeout(r, 100));
    const taskEvents = a.events.filter((e) => e.event.startsWith('task.'));
    expect(taskEvents.map((e) => e.event)).toEqual(['task.created', 'task.updated', 'task.deleted']);
    expect(taskEvents[0]?.data).toMatchObject({ id });
    expect(taskEvents[2]?.data).toEqual({ id });
    expect(a.events.filter((e) => e.event === 'stats.changed')).toHaveLength(3);
    expect(new Set(a.events.map((e) => e.id)).size).toBe(a.events.length);
    expect(b.events).toHaveLength(0);
    a.close();
    b.close();
  });

  it('resumes after Last-Event-ID', async () => {
    const carol = await createUser(ctx.platform);
    const s1 = openStream(base, carol);
    await s1.ready;
    await createTask(ctx.app, carol, 'one');
    await until(() => s1.events.some((e) => e.event === 'task.created'));
    const last = s1.events.at(-1)?.id;
    s1.close();
    await createTask(ctx.app, carol, 'two');
    await new Promise((r) => setTimeout(r, 100));
    const s2 = openStream(base, carol, last);
    await s2.ready;
    await until(() => s2.events.some((e) => e.event === 'task.created'));
    const replayed = s2.events.filter((e) => e.event === 'task.created');
    expect(replayed.map((e) => (e.data as { title: string }).title)).toEqual(['two']);
    s2.close();
  });
});

const redisUrl = testConfig().testRedisUrl;
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
    await new Promise((r) => setTimeout(r, 150)); // both subscribers are attached
    const res = await createTask(first, user, 'cross-instance');
    expect(res.statusCode).toBe(201);
    await until(() => stream.events.some((e) => e.event === 'task.created'));
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.events.filter((e) => e.event === 'task.created')).toHaveLength(1);
    expect(stream.events.filter((e) => e.event === 'stats.changed')).toHaveLength(1);
    // Redis stream ids resume across instances
    const last = stream.events[0]?.id ?? '';
    expect(last).toMatch(/^\d+-\d+$/);
    stream.close();
  });
});
