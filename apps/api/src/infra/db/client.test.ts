import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { isDependencyDown } from './errors';
import { freshPostgres } from '../../test/context';
import Fastify from 'fastify';
import errorsPlugin from '../../plugins/errors';
import { executorOf, openPglite, openPostgres, rawExecutor } from './client';

const url = testConfig().testDatabaseUrl;

describe.runIf(url)('node-postgres pool', () => {
  it('survives a connection lost while its client is checked out (PostgreSQL stopped mid-transaction)', async () => {
    const fresh = await freshPostgres(url as string, 2);
    try {
      const pool = fresh.database.pool;
      if (!pool) throw new Error('postgres expected');
      const client = await pool.connect();
      await client.query('begin');
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      // Another session ends this one, as a server stop would; no statement of ours is in flight.
      await pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      await new Promise((r) => setTimeout(r, 300)); // an unhandled 'error' event would have thrown by now
      await expect(client.query('select 1')).rejects.toThrow();
      client.release();
      expect((await pool.query('select 1 as ok')).rows[0]).toEqual({ ok: 1 });
    } finally {
      await fresh.drop();
    }
  });

  it('a transaction whose connection dies fails as "dependency down" (503), not as a bug (500)', async () => {
    // R2 caught it: PostgreSQL stopped under load, the in-flight transaction's ROLLBACK failed with "Client has
    // encountered a connection error and is not queryable", and that (not the first error) reached the handler.
    const fresh = await freshPostgres(url as string, 2);
    try {
      const pool = fresh.database.pool;
      if (!pool) throw new Error('postgres expected');
      const failure = await fresh.database.db
        .transaction(async (tx) => {
          const { rows } = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
            rows: { pid: number }[];
          };
          await pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
          await new Promise((r) => setTimeout(r, 300));
          await tx.execute(sql`select 1`);
        })
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(failure).toBeInstanceOf(Error);
      expect(isDependencyDown(failure)).toBe(true);
      expect(isDependencyDown(new Error('column "x" does not exist'))).toBe(false);
    } finally {
      await fresh.drop();
    }
  });

  it('a write that reaches a node no longer the primary (SQLSTATE 25006, a Patroni switch) answers 503 + Retry-After and the pool drops that connection', async () => {
    // Planted fault once: without 25006 in DB_DOWN_CODES (errors.ts) this answered 500.
    const fresh = await freshPostgres(url as string, 2);
    const name = new URL(fresh.url).pathname.slice(1);
    await fresh.database.pool?.query(`alter database ${name} set default_transaction_read_only = on`);
    // A read-only session is what a demoted primary or a standby gives a writer.
    const demoted = openPostgres({ url: fresh.url, poolMax: 2, statementTimeoutMs: 5000, connectTimeoutMs: 5000 });
    const app = Fastify();
    await app.register(errorsPlugin);
    app.post('/write', async () => {
      await demoted.db.execute(sql`create table t (x int)`);
      return { ok: true };
    });
    app.post('/bug', async () => {
      await demoted.db.execute(sql`select x from no_such_table`);
      return { ok: true };
    });
    try {
      const res = await app.inject({ method: 'POST', url: '/write' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      // The connection that answered it is not handed out again.
      expect(demoted.poolStats().total).toBe(0);
      // A real bug is still a 500.
      expect((await app.inject({ method: 'POST', url: '/bug' })).statusCode).toBe(500);
    } finally {
      await app.close();
      await demoted.close();
      await fresh.drop();
    }
  });
});

describe.runIf(url)('named statements on PostgreSQL', () => {
  it('stay named inside a transaction: parsed once on its connection (unnamed: parsed every time)', async () => {
    const fresh = await freshPostgres(url as string, 1);
    try {
      const prepared = (name: string | undefined) =>
        fresh.database.db.transaction(async (tx) => {
          const run = executorOf(tx);
          for (const n of [1, 2]) expect(await run({ name, text: 'select $1::int + 1' }, [n])).toEqual([[n + 1]]);
          const rows = await run({ text: 'select count(*)::int from pg_prepared_statements where not from_sql' }, []);
          return rows[0]?.[0];
        });
      // The planted fault first: the same statement unnamed leaves nothing prepared.
      expect(await prepared(undefined)).toBe(0);
      expect(await prepared('client_test_named')).toBe(1);
      // The next transaction on the same connection finds it prepared (pg sends no Parse again: still one).
      expect(await prepared('client_test_named')).toBe(1);
    } finally {
      await fresh.drop();
    }
  });
});

describe('PGlite', () => {
  it('lets the event loop run while statements queue up (no stretch longer than a slice and one statement)', async () => {
    const database = await openPglite(undefined, testConfig().testPgliteTemplate);
    try {
      const client = database.pglite as NonNullable<typeof database.pglite>;
      await client.query('select 1');
      // ~10–30 ms of WASM work each; 20 queued at once, as 20 concurrent requests would.
      const heavy = 'select count(*) from generate_series(1, 100000)';
      const t0 = performance.now();
      let timerAt = Number.POSITIVE_INFINITY;
      setTimeout(() => {
        timerAt = performance.now() - t0;
      }, 1);
      const finished: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, () => client.query(heavy).then(() => finished.push(performance.now() - t0))),
      );
      const allDone = Math.max(...finished);
      // Back to back, the timer would fire only once all 20 had run.
      expect(timerAt).toBeLessThan(allDone / 2);
      // Statements still run in order, each to completion.
      expect(finished).toEqual([...finished].sort((a, b) => a - b));
    } finally {
      await database.close();
    }
  });

  it("runs a named statement parsed once, recovers from its error, and never inside another caller's transaction", async () => {
    const database = await openPglite(undefined, testConfig().testPgliteTemplate);
    try {
      const run = rawExecutor(database.db);
      const client = database.pglite as NonNullable<typeof database.pglite>;
      const cast = { name: 'zz_cast', text: 'select $1::int + 1 as n, $2::uuid[] as ids' };
      const ids = ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'];
      expect(await run(cast, [1, ids])).toEqual([[2, ids]]);
      // A bad value fails with PostgreSQL's code, and the session is usable again (the Sync went with it).
      await expect(run(cast, ['x', ids])).rejects.toMatchObject({ code: '22P02' });
      expect(await run(cast, [41, []])).toEqual([[42, []]]);
      const prepared = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_prepared_statements where name = 'zz_cast'`,
      );
      expect(prepared.rows).toEqual([{ n: 1 }]);

      // Another caller's open transaction: the named read waits for it and never sees its uncommitted row (held by
      // the statement queue and PGlite's transaction lock; with neither, this part fails).
      await client.exec('create table zz_named (n int)');
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted = () => {};
      const insertedYet = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const tx = database.db.transaction(async (t) => {
        await t.execute(sql`insert into zz_named values (1)`);
        inserted();
        await gate;
        await t.execute(sql`insert into zz_named values (2)`);
      });
      await insertedYet;
      let seen: unknown;
      const read = run({ name: 'zz_count', text: 'select count(*)::int from zz_named' }, []).then((rows) => {
        seen = rows;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toBeUndefined();
      release();
      await tx;
      await read;
      expect(seen).toEqual([[2]]);
    } finally {
      await database.close();
    }
  });
});
