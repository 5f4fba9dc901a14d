/**
 * Read routing with a real replica stand-in: a second, separately migrated PostgreSQL database. Reads that
 * tolerate lag go there, except right after the user's own write (then the primary), so the answers show
 * which database served them.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { testConfig } from '../../config';
import type { Platform } from '../../platform';
import { freshPostgres, testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import { openPostgres } from './client';
import { runMigrations } from './migrate';

const { testDatabaseUrl } = testConfig();

describe.runIf(testDatabaseUrl)('replica routing (DATABASE_REPLICA_URL)', () => {
  let primary: Awaited<ReturnType<typeof freshPostgres>>;
  let replica: Awaited<ReturnType<typeof freshPostgres>>;
  let app: App;
  let platform: Platform;
  beforeAll(async () => {
    primary = await freshPostgres(testDatabaseUrl ?? '');
    replica = await freshPostgres(testDatabaseUrl ?? '');
    await runMigrations(primary.database);
    await runMigrations(replica.database);
    await primary.database.close();
    const database = openPostgres({
      url: primary.url,
      replicaUrl: replica.url,
      poolMax: 4,
      statementTimeoutMs: 10_000,
      connectTimeoutMs: 5000,
    });
    expect(database.hasReplica).toBe(true);
    platform = testPlatform(testConfig({ readYourWritesMs: 300 }), database);
    app = await buildApp(platform);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await platform?.database.close();
    await primary?.drop().catch(() => {});
    await replica?.drop();
  });

  it("serves a user's stats from the primary right after their write, and from the replica after the window", async () => {
    const user = await createUser(platform);
    // The replica has the user (as replication would copy it) but lags: none of the tasks yet.
    await replica.database.db.execute(
      sql`insert into users (id, email, name, password_hash) values (${user.id}, ${user.email}, 'r', 'x')`,
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: user.headers,
      payload: { title: 't' },
    });
    expect(res.statusCode).toBe(201);
    const fresh = await app.inject({ method: 'GET', url: '/api/v1/tasks/stats', headers: user.headers });
    expect(fresh.json().data.total).toBe(1); // primary: the caller's own write is visible
    await new Promise((r) => setTimeout(r, 400));
    await platform.cache.bump(`tasks:${user.id}`); // drop the cached answer so the next read queries again
    const later = await app.inject({ method: 'GET', url: '/api/v1/tasks/stats', headers: user.headers });
    expect(later.json().data.total).toBe(0); // replica (lagging stand-in)
    const exported = await app.inject({
      method: 'GET',
      url: '/api/v1/tasks/export?format=json',
      headers: user.headers,
    });
    expect(exported.json()).toEqual([]);
  });
});
