import { describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { freshPostgres } from '../../test/context';

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
});
