import { idParams } from '@primetrade/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import type { Database } from '../infra/db/client';
import { verifyPassword } from '../infra/passwords';
import { openTestDatabase } from '../test/context';
import { parseSeedArgs, SEED_PASSWORD, seed } from './seed';

vi.setConfig({ testTimeout: 300_000 });

async function digest(database: Database) {
  const res = (await database.db.execute(sql`
    select count(*)::int as n,
           md5(string_agg(t.id::text || t.title || t.status || t.priority || array_to_string(t.tags, ';') || u.email,
                          ',' order by t.id)) as h
    from tasks t join users u on u.id = t.user_id`)) as unknown as { rows: Array<{ n: number; h: string }> };
  return res.rows[0];
}

describe('seed script', () => {
  it('parses its arguments and refuses bad ones', () => {
    expect(
      parseSeedArgs(['--users', '10', '--tasks', '100', '--heavy-user', '50', '--seed', '7', '--force']),
    ).toMatchObject({ users: 10, tasks: 100, heavyUser: 50, seed: 7, force: true });
    expect(() => parseSeedArgs(['--users', '0'])).toThrow();
    expect(() => parseSeedArgs(['--tasks', '10', '--heavy-user', '11'])).toThrow();
    expect(() => parseSeedArgs(['--nope'])).toThrow();
  });

  it('is repeatable from the seed, gives the heavy user its tasks, shares one password, refuses a used database', async () => {
    const opts = { users: 4, tasks: 600, heavyUser: 300, seed: 42, force: false, batch: 250 };
    const quiet = () => {};
    const a = await openTestDatabase('pglite');
    const b = await openTestDatabase('pglite');
    try {
      await seed(a.database, opts, quiet);
      await seed(b.database, opts, quiet);
      const da = await digest(a.database);
      expect(da?.n).toBe(600);
      expect(await digest(b.database)).toEqual(da);
      const heavy = (await a.database.db.execute(sql`
        select count(*)::int as n from tasks t join users u on u.id = t.user_id
        where u.email = 'user1@seed.primetrade.test'`)) as unknown as { rows: Array<{ n: number }> };
      expect(heavy.rows[0]?.n).toBe(300);
      const user = (await a.database.db.execute(sql`select password_hash from users limit 1`)) as unknown as {
        rows: Array<{ password_hash: string }>;
      };
      expect(await verifyPassword(user.rows[0]?.password_hash as string, SEED_PASSWORD)).toBe(true);
      // Every seeded id is an RFC UUID, as the API's :id parameters require.
      const ids = (await a.database.db.execute(
        sql`select id::text as id from tasks union all select id::text from users`,
      )) as unknown as { rows: Array<{ id: string }> };
      expect(ids.rows.filter((r) => !idParams.safeParse({ id: r.id }).success)).toEqual([]);
      await expect(seed(a.database, opts, quiet)).rejects.toThrow(/--force/);
      await seed(a.database, { ...opts, seed: 43, force: true }, quiet);
      const other = await digest(a.database);
      expect(other?.n).toBe(600);
      expect(other?.h).not.toBe(da?.h);
    } finally {
      await a.drop();
      await b.drop();
    }
  });
});
