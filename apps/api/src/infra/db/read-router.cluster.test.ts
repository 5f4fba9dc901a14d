/**
 * Read-your-writes across instances with a REAL streaming replica: pg_basebackup of the TEST_DATABASE_URL server
 * into a temp directory, started as a hot standby on its own port; both instances read lag-tolerant data
 * (DATABASE_REPLICA_URL) from it. Replay is paused on the replica, so it is provably stale; a write through A sets
 * the user's "recent write" mark in Redis; B, which never saw the write, reads from the primary because of that
 * shared mark; once the mark expires B reads the replica again, shown by its stale answer. The planted fault keeps
 * B's mark in-process only: B reads the stale replica right after A's write.
 *
 * Needs replication from 127.0.0.1 (wal_level replica, max_wal_senders > 0, a `host replication` pg_hba rule):
 * .ci/suites/cluster.sh adds the rule; without it the suite fails and says what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories';
import {
  clusterServices,
  type Instance,
  type StreamingReplica,
  startStreamingReplica,
  startTwoInstances,
  type TwoInstances,
  waitFor,
  waitReplicaCaughtUp,
} from '../../test/two-instances';

/** The read-your-writes window (READ_YOUR_WRITES_MS): short, so the test sees it expire; long enough that a loaded
 * machine still reads on B inside it. */
const WINDOW_MS = 3000;

const exported = async (i: Instance, u: TestUser) => {
  const res = await i.app.inject({ method: 'GET', url: '/api/v1/tasks/export?format=json', headers: u.headers });
  expect(res.statusCode).toBe(200);
  return (res.json() as Array<{ title: string }>).map((t) => t.title);
};

describe.runIf(clusterServices)('read-your-writes through Redis with a real streaming replica', () => {
  let replica: StreamingReplica;
  let c: TwoInstances;
  let faulty: TwoInstances;
  const replicaOf = (cluster: TwoInstances) => replica.urlOf(new URL(cluster.databaseUrl).pathname.slice(1));

  beforeAll(async () => {
    replica = await startStreamingReplica(clusterServices?.databaseUrl as string);
    const replicaUrl = (db: string) => replica.urlOf(db);
    c = await startTwoInstances({ replicaUrl, config: { readYourWritesMs: WINDOW_MS } });
    faulty = await startTwoInstances({
      replicaUrl,
      config: { readYourWritesMs: WINDOW_MS },
      faultsB: { localReadMark: true },
    });
    expect(c.b.database.hasReplica).toBe(true);
  });
  afterAll(async () => {
    await replica?.resumeReplay().catch(() => {});
    await c?.close();
    await faulty?.close();
    await replica?.stop();
  });

  /** A user both databases know (the replica caught up), then replay paused: the replica is frozen from here. */
  async function userOnFrozenReplica(cluster: TwoInstances): Promise<TestUser> {
    await replica.resumeReplay();
    const u = await createUser(cluster.a.platform);
    await waitReplicaCaughtUp(cluster.databaseUrl, replicaOf(cluster));
    await replica.pauseReplay();
    return u;
  }

  it('B reads its user’s write on A from the primary while the shared mark lives, then the stale replica', async () => {
    const u = await userOnFrozenReplica(c);
    expect(await exported(c.b, u)).toEqual([]);
    const res = await c.a.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: u.headers,
      payload: { title: 'written on A' },
    });
    expect(res.statusCode).toBe(201);
    const mark = `${c.prefix}lw:${u.id}`;
    expect(await c.redis.exists(mark)).toBe(1);
    // B never saw the write: only the mark in Redis sends it to the primary.
    expect(await exported(c.b, u)).toEqual(['written on A']);
    const stats = await c.b.app.inject({ method: 'GET', url: '/api/v1/tasks/stats', headers: u.headers });
    expect(stats.json().data.total).toBe(1);
    // The mark expires (PX = READ_YOUR_WRITES_MS): B reads the replica, which is still frozen before the write.
    await waitFor(async () => (await c.redis.exists(mark)) === 0, 'the read-your-writes mark to expire', 10_000);
    expect(await exported(c.b, u)).toEqual([]);
    // And once replay resumes, the replica catches up and B's replica read shows the write.
    await replica.resumeReplay();
    await waitReplicaCaughtUp(c.databaseUrl, replicaOf(c));
    expect(await exported(c.b, u)).toEqual(['written on A']);
  });

  it('planted fault: with the mark kept in-process, B reads the stale replica right after the write on A', async () => {
    const u = await userOnFrozenReplica(faulty);
    const res = await faulty.a.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: u.headers,
      payload: { title: 'written on A' },
    });
    expect(res.statusCode).toBe(201);
    // A itself reads its own write (its in-process mark) ...
    expect(await exported(faulty.a, u)).toEqual(['written on A']);
    // ... B does not: the check above fails without the shared mark.
    expect(await exported(faulty.b, u)).toEqual([]);
    await replica.resumeReplay();
  });
});
