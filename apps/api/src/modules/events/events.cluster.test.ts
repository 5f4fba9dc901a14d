/**
 * SSE across instances, at app level: two listening instances on one PostgreSQL and one Redis.
 * - Last-Event-ID: events made through A while the client was away are replayed by B from the user's Redis stream,
 *   exactly the missed ones, in order, then live events follow (no gap, no duplicate).
 * - Revocation: a stream held by B ends within 1 s of logout-all on A (heartbeats are 60 s apart here, so only the
 *   revocation bus can end it).
 * Planted faults: B with in-process events replays nothing of A's; B without the revocation bus keeps the stream open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories';
import { createTask, endedWithin, openStream, secondLogin, until } from '../../test/sse';
import { clusterServices, startTwoInstances, type TwoInstances, waitFor } from '../../test/two-instances';

const titles = (events: Array<{ event: string; data: unknown }>) =>
  events.filter((e) => e.event === 'task.created').map((e) => (e.data as { title: string }).title);

/** Redis stream ids compare as (milliseconds, sequence) pairs. */
const afterId = (id: string, than: string) => {
  const [ms, seq] = id.split('-').map(BigInt) as [bigint, bigint];
  const [ms0, seq0] = than.split('-').map(BigInt) as [bigint, bigint];
  return ms > ms0 || (ms === ms0 && seq > seq0);
};

/** Wait until the user's Redis event stream holds `n` entries (the outbox relay publishes after commit). */
const streamLength = (c: TwoInstances, u: TestUser, n: number) =>
  waitFor(async () => (await c.redis.xlen(`${c.prefix}ev:${u.id}`)) >= n, `${n} events in Redis`);

async function missedEvents(c: TwoInstances, u: TestUser) {
  const a = c.a.url as string;
  // The client is on A and sees "one"; its Last-Event-ID is the last event it received.
  const first = openStream(a, u);
  await first.ready;
  expect((await createTask(c.a.app, u, 'one')).statusCode).toBe(201);
  await until(() => first.events.length >= 2); // task.created + stats.changed
  const lastEventId = first.events.at(-1)?.id as string;
  expect(lastEventId).toMatch(/^\d+-\d+$/);
  first.close();
  // Away: two more writes through A.
  for (const t of ['two', 'three']) expect((await createTask(c.a.app, u, t)).statusCode).toBe(201);
  await streamLength(c, u, 6);
  return lastEventId;
}

describe.runIf(clusterServices)('SSE across two instances (one PostgreSQL, one Redis)', () => {
  let c: TwoInstances;
  beforeAll(async () => {
    c = await startTwoInstances({ listen: true, config: { sseHeartbeatMs: 60_000 } });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('B replays exactly the events made on A after Last-Event-ID, then live ones follow', async () => {
    const u = await createUser(c.a.platform);
    const lastEventId = await missedEvents(c, u);
    const resumed = openStream(c.b.url as string, u, lastEventId);
    await resumed.ready;
    expect(resumed.status()).toBe(200);
    await until(() => resumed.events.length >= 4);
    // A live write on A after the replay: it arrives after the replayed ones, once.
    expect((await createTask(c.a.app, u, 'four')).statusCode).toBe(201);
    await until(() => titles(resumed.events).includes('four') && resumed.events.at(-1)?.event === 'stats.changed');
    expect(resumed.events.map((e) => e.event)).toEqual([
      'task.created',
      'stats.changed',
      'task.created',
      'stats.changed',
      'task.created',
      'stats.changed',
    ]);
    expect(titles(resumed.events)).toEqual(['two', 'three', 'four']);
    const ids = resumed.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => afterId(id, lastEventId))).toBe(true);
    resumed.close();
  });

  it("a stream on B ends within 1 s of logout-all on A (the session's revocation, heard through Redis)", async () => {
    const u = await createUser(c.a.platform);
    const stream = openStream(c.b.url as string, u);
    await stream.ready;
    expect(stream.status()).toBe(200);
    // B's subscriptions are live once a write on A reaches its stream.
    expect((await createTask(c.a.app, u, 'seen')).statusCode).toBe(201);
    await until(() => stream.events.some((e) => e.event === 'task.created'));
    const other = await secondLogin(c.a.app, u);
    const t0 = Date.now();
    const res = await c.a.app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: other });
    expect(res.statusCode).toBe(204);
    const ms = await endedWithin(stream, t0, 1000);
    console.info(`logout-all on A → stream on B ended after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(1000);
    stream.close();
  });
});

describe.runIf(clusterServices)('planted faults: B with in-process events / without the revocation bus', () => {
  let c: TwoInstances;
  beforeAll(async () => {
    c = await startTwoInstances({
      listen: true,
      config: { sseHeartbeatMs: 60_000 },
      faultsB: { localEvents: true, noRevocationBus: true },
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it("B replays none of A's events for that Last-Event-ID (the replay check fails)", async () => {
    const u = await createUser(c.a.platform);
    const lastEventId = await missedEvents(c, u);
    const resumed = openStream(c.b.url as string, u, lastEventId);
    await resumed.ready;
    // A write on B itself is delivered by B's own hub: once it is there, any replay would have come first.
    expect((await createTask(c.b.app, u, 'local')).statusCode).toBe(201);
    await until(() => titles(resumed.events).includes('local'));
    expect(titles(resumed.events)).toEqual(['local']);
    resumed.close();
  });

  it('the stream on B outlives logout-all on A by more than 1 s (the revocation check fails)', async () => {
    const u = await createUser(c.a.platform);
    const stream = openStream(c.b.url as string, u);
    await stream.ready;
    const other = await secondLogin(c.a.app, u);
    const t0 = Date.now();
    expect((await c.a.app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: other })).statusCode).toBe(
      204,
    );
    await expect(endedWithin(stream, t0, 1000)).rejects.toThrow(/still open/);
    stream.close();
  });
});
