/**
 * Backup round trip on each driver: seed users, tasks (with history) and sessions through the app, back up,
 * wipe, restore, and compare every user's tasks, sessions and history row by row. On PGlite it also shows that
 * the commands refuse a directory the server holds, and once that the comparison catches a skipped restore and a
 * table left out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { composeModules } from '../composition';
import { testConfig } from '../config';
import { type Database, openPglite, openPostgres } from '../infra/db/client';
import { runMigrations } from '../infra/db/migrate';
import { freshPostgres, RATE_LIMITS_OFF, testPlatform } from '../test/context';
import { createUser } from '../test/factories';
import { BackupError, backupDatabase, pgliteDir, restoreDatabase } from './backup';

type Rows = Record<string, unknown>[];
interface Snapshot {
  users: Rows;
  perUser: Record<string, { tasks: Rows; sessions: Rows; history: Rows }>;
}

async function rows(database: Database, query: ReturnType<typeof sql>): Promise<Rows> {
  return ((await database.db.execute(query)) as unknown as { rows: Rows }).rows;
}

async function snapshot(database: Database): Promise<Snapshot> {
  const users = await rows(database, sql`select * from users order by id`);
  const perUser: Snapshot['perUser'] = {};
  for (const u of users) {
    const id = u.id as string;
    perUser[id] = {
      tasks: await rows(database, sql`select * from tasks where user_id = ${id} order by id`),
      sessions: await rows(database, sql`select * from sessions where user_id = ${id} order by id`),
      history: await rows(database, sql`select * from task_activity where user_id = ${id} order by seq`),
    };
  }
  return { users, perUser };
}

/** Every difference, row by row: empty when the two snapshots are the same. */
function diff(want: Snapshot, got: Snapshot): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => {
    try {
      expect(b).toEqual(a);
      return true;
    } catch {
      return false;
    }
  };
  if (got.users.length !== want.users.length) out.push(`users: ${want.users.length} rows, got ${got.users.length}`);
  for (const [i, u] of want.users.entries()) if (!same(u, got.users[i])) out.push(`users row ${i} (${u.email})`);
  for (const [id, w] of Object.entries(want.perUser)) {
    const g = got.perUser[id];
    for (const table of ['tasks', 'sessions', 'history'] as const) {
      const a = w[table];
      const b = g?.[table] ?? [];
      if (a.length !== b.length) out.push(`user ${id} ${table}: ${a.length} rows, got ${b.length}`);
      for (const [i, row] of a.entries()) if (!same(row, b[i])) out.push(`user ${id} ${table} row ${i}`);
    }
  }
  return out;
}

/** Two users with a few sessions, tasks created, updated, completed and deleted through the API. */
async function seed(database: Database): Promise<Snapshot> {
  const config = testConfig({ rateLimit: RATE_LIMITS_OFF });
  const platform = testPlatform(config, database);
  const app = await buildApp(platform, { modules: composeModules(platform) });
  await app.ready();
  try {
    for (let u = 0; u < 2; u++) {
      const user = await createUser(platform, { name: `User ${u}` });
      await createUser(platform, { email: `other-${u}-${Date.now()}@example.test` });
      const ids: string[] = [];
      for (let t = 0; t < 4; t++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/tasks',
          headers: user.headers,
          payload: { title: `task ${u}.${t}`, tags: [`t${t}`], priority: 'high' },
        });
        expect(res.statusCode).toBe(201);
        ids.push(res.json().data.id);
      }
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/tasks/${ids[0]}`,
        headers: user.headers,
        payload: { status: 'completed', description: 'finished' },
      });
      expect(patched.statusCode).toBe(200);
      const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${ids[1]}`, headers: user.headers });
      expect(deleted.statusCode).toBe(204);
    }
  } finally {
    await app.close();
  }
  const snap = await snapshot(database);
  expect(snap.users).toHaveLength(4);
  const histories = Object.values(snap.perUser).flatMap((p) => p.history);
  expect(histories.length).toBeGreaterThanOrEqual(2 * 6);
  expect(Object.values(snap.perUser).flatMap((p) => p.sessions)).toHaveLength(4);
  return snap;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'pt-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('backup round trip (pglite)', () => {
  it('backs up, wipes, restores and every row comes back; refuses while the directory is held', async () => {
    const dataDir = path.join(scratch, 'data');
    const file = path.join(scratch, 'pglite.tgz');
    const config = { dataDir, databaseUrl: undefined };
    // From the test template (unpacked onto disk, as a first start does), not initdb.
    let database = await openPglite(dataDir, testConfig().testPgliteTemplate);
    await runMigrations(database);
    const before = await seed(database);
    // The server's consent: while a process holds the directory, neither command touches it.
    await expect(backupDatabase(config, file)).rejects.toThrow(BackupError);
    await expect(restoreDatabase(config, file)).rejects.toThrow(/no backup file/);
    await database.close();

    await backupDatabase(config, file);
    rmSync(pgliteDir(dataDir), { recursive: true, force: true });
    await restoreDatabase(config, file);
    database = await openPglite(dataDir);
    try {
      const after = await snapshot(database);
      expect(diff(before, after)).toEqual([]);

      // A table left out of the restore is caught, row by row.
      await database.db.execute(sql`delete from task_activity`);
      const missing = diff(before, await snapshot(database));
      expect(missing.length).toBeGreaterThan(0);
      expect(missing.every((d) => d.includes('history'))).toBe(true);
    } finally {
      await database.close();
    }

    // Restoring over a held directory is refused, and the directory is left as it was.
    database = await openPglite(dataDir);
    try {
      await expect(restoreDatabase(config, file)).rejects.toThrow(/in use/);
    } finally {
      await database.close();
    }

    // A skipped restore (the wiped database, migrated and empty) is caught.
    const empty = await openPglite(undefined, testConfig().testPgliteTemplate);
    try {
      await runMigrations(empty);
      const skipped = diff(before, await snapshot(empty));
      expect(skipped[0]).toBe('users: 4 rows, got 0');
    } finally {
      await empty.close();
    }
  }, 180_000);
});

const pgUrl = testConfig().testDatabaseUrl;
describe.skipIf(!pgUrl)('backup round trip (postgres)', () => {
  it('pg_dump, drop and recreate the database, pg_restore: every row comes back', async () => {
    const fresh = await freshPostgres(pgUrl as string);
    const file = path.join(scratch, 'pg.dump');
    const config = { dataDir: scratch, databaseUrl: fresh.url };
    try {
      await runMigrations(fresh.database);
      const before = await seed(fresh.database);
      // (fresh.database stays open: pg_dump takes a consistent snapshot of a live database; fresh.drop closes it.)
      await backupDatabase(config, file);

      // Wipe: drop the database and create it again, empty.
      const name = new URL(fresh.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`drop database ${name} with (force)`);
      await admin.query(`create database ${name}`);
      await admin.end();

      const wiped = openPostgres({ url: fresh.url, poolMax: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 });
      try {
        expect(
          (await rows(wiped, sql`select count(*)::int as n from pg_tables where schemaname = 'public'`))[0],
        ).toEqual({
          n: 0,
        });
      } finally {
        await wiped.close();
      }

      await restoreDatabase(config, file);
      const restored = openPostgres({
        url: fresh.url,
        poolMax: 2,
        statementTimeoutMs: 30_000,
        connectTimeoutMs: 5_000,
      });
      try {
        expect(diff(before, await snapshot(restored))).toEqual([]);
      } finally {
        await restored.close();
      }
      // Restoring again over the live copy (--clean --if-exists) gives the same rows.
      await restoreDatabase(config, file);
      const again = openPostgres({ url: fresh.url, poolMax: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 });
      try {
        expect(diff(before, await snapshot(again))).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await fresh.drop();
    }
  }, 180_000);
});
