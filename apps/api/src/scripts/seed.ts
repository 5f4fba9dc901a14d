/**
 * `npm run db:seed -- --users 1000 --tasks 1000000 --heavy-user 100000 [--seed 42] [--force]`
 *
 * Benchmark data, generated inside the database by multi-row INSERT ... SELECT over generate_series in
 * batches (no row crosses the wire). Repeatable: ids, titles, statuses, priorities, tags and offsets all
 * derive from md5(seed, row number), so one seed gives the same rows (timestamps are relative to the time of
 * seeding). User 1 (user1@seed.primetrade.test) is the heavy user. Every seeded user's password is
 * SEED_PASSWORD. Refuses a database that already holds users unless --force, which first deletes every
 * user (and, by cascade, every task).
 *
 * A maintenance script, not application code: its bulk SQL (generated rows, dropping and rebuilding the task
 * indexes, ANALYZE) answers no request and belongs to no module's repository, so it stays here, behind the cli's
 * `seed` command. It imports no table from the schema; the application's queries all live in *.repo.ts.
 */
import { sql } from 'drizzle-orm';
import type { Config } from '../config';
import type { Database } from '../infra/db/client';
import { runMigrations } from '../infra/db/migrate';
import { hashPassword } from '../infra/passwords';

export const SEED_PASSWORD = 'primetrade-bench-password';
const SEED_EMAIL_DOMAIN = 'seed.primetrade.test';

export interface SeedOptions {
  users: number;
  tasks: number;
  heavyUser: number;
  seed: number;
  force: boolean;
  batch: number;
}

export function parseSeedArgs(args: string[]): SeedOptions {
  const opts: SeedOptions = {
    users: 1000,
    tasks: 1_000_000,
    heavyUser: 100_000,
    seed: 42,
    force: false,
    batch: 50_000,
  };
  const num = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`--${name} needs a whole number ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (a) {
      case '--users':
        opts.users = num('users', args[++i], 1);
        break;
      case '--tasks':
        opts.tasks = num('tasks', args[++i], 0);
        break;
      case '--heavy-user':
        opts.heavyUser = num('heavy-user', args[++i], 0);
        break;
      case '--seed':
        opts.seed = num('seed', args[++i], 0);
        break;
      case '--batch':
        opts.batch = num('batch', args[++i], 1);
        break;
      case '--force':
        opts.force = true;
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  if (opts.heavyUser > opts.tasks) throw new Error('--heavy-user cannot exceed --tasks');
  return opts;
}

function progress(label: string, done: number, total: number, started: number): void {
  const width = 30;
  const frac = total === 0 ? 1 : done / total;
  const filled = Math.round(frac * width);
  const secs = (performance.now() - started) / 1000;
  const rate = secs > 0 ? Math.round(done / secs) : 0;
  process.stderr.write(
    `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}% ` +
      `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${rate.toLocaleString('en-US')} rows/s`,
  );
}

/**
 * A deterministic UUID from 32 hex digits, with the version (4) and variant (8) digits set as RFC 9562 wants:
 * the API's `:id` parameters accept only RFC UUIDs, so a bare md5 would make seeded rows unreachable.
 */
const rfcUuid = (hex: string) => `overlay(overlay(${hex} placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid`;

/** A pseudo-random non-negative int from the seed, a salt and a row number (same inputs → same value). */
const rnd = (seed: number, salt: string, g: string) =>
  `(('x' || substr(md5('${seed}:${salt}:' || ${g}), 1, 7))::bit(28)::int)`;

export async function seed(database: Database, opts: SeedOptions, out = console.log): Promise<void> {
  await runMigrations(database);
  const db = database.db;
  const rows = async <T>(q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as { rows: T[] }).rows;
  const [{ n: existing } = { n: 0 }] = await rows<{ n: number }>(sql`select count(*)::int as n from users`);
  if (Number(existing) > 0) {
    if (!opts.force) {
      throw new Error(`the database already holds ${existing} users; re-run with --force to delete them and reseed`);
    }
    out(`--force: deleting ${existing} users and everything they own`);
    await db.execute(sql`truncate table users cascade`);
  }
  if (database.kind === 'postgres') await db.execute(sql`set synchronous_commit = off`);

  const passwordHash = await hashPassword(SEED_PASSWORD);
  const s = opts.seed;
  const started = performance.now();
  // The seed is an integer checked by parseSeedArgs, so it is safe to inline; every other value is bound.
  const userId = (i: string) => sql.raw(rfcUuid(`md5('user:${s}:' || ${i})`));

  let done = 0;
  for (let from = 1; from <= opts.users; from += opts.batch) {
    const to = Math.min(opts.users, from + opts.batch - 1);
    await db.execute(sql`
      insert into users (id, email, name, password_hash, email_verified, timezone)
      select ${userId('i')}, 'user' || i || ${`@${SEED_EMAIL_DOMAIN}`}, 'Seed user ' || i, ${passwordHash}, true,
             (array['UTC','Europe/Paris','America/New_York','Asia/Kolkata','Asia/Tokyo'])[1 + ${sql.raw(rnd(s, 'tz', 'i'))} % 5]
      from generate_series(${from}::int, ${to}::int) as i`);
    done = to;
    progress('users', done, opts.users, started);
  }
  process.stderr.write('\n');

  // Building an index once is far cheaper than maintaining it row by row (the GIN indexes above all): drop
  // the secondary indexes of tasks for the load, then rebuild each from its own definition. One transaction
  // (PostgreSQL's DDL is transactional): a seed that fails or is interrupted leaves every index in place.
  let taskRate = 0;
  const heavy = opts.heavyUser;
  await db.transaction(async (tx) => {
    const indexes = (
      (await tx.execute(sql`
      select i.indexname as name, pg_get_indexdef(c.oid) as def
      from pg_indexes i join pg_class c on c.relname = i.indexname
      join pg_namespace ns on ns.oid = c.relnamespace and ns.nspname = i.schemaname
      where i.tablename = 'tasks' and i.schemaname = current_schema()
        and not exists (select 1 from pg_constraint k where k.conindid = c.oid)`)) as unknown as {
        rows: Array<{ name: string; def: string }>;
      }
    ).rows;
    for (const ix of indexes) await tx.execute(sql`drop index if exists ${sql.identifier(ix.name)}`);

    const taskStart = performance.now();
    const others = Math.max(1, opts.users - 1);
    const g = 'g';
    const r = (salt: string) => sql.raw(rnd(s, salt, g));
    for (let from = 1; from <= opts.tasks; from += opts.batch) {
      const to = Math.min(opts.tasks, from + opts.batch - 1);
      await tx.execute(sql`
        insert into tasks (id, user_id, title, description, status, priority, due_date, tags, completed_at, created_at, updated_at)
        select id, user_id, title, description, status, priority, due_date, tags, completed_at, created_at,
               greatest(created_at, coalesce(completed_at, created_at))
        from (
          select
            ${sql.raw(rfcUuid(`md5('task:${s}:' || g)`))} as id,
            case when g <= ${heavy}::int or ${opts.users}::int = 1 then ${userId('1')}
                 else ${userId(`(2 + ((g - ${heavy} - 1) % ${others}))`)} end as user_id,
            (array['Write','Review','Plan','Fix','Call','Email','Prepare','Update','Design','Test'])[1 + ${r('v')} % 10]
              || ' ' ||
            (array['report','budget','meeting','invoice','roadmap','release','website','slides','contract','backlog'])[1 + ${r('n')} % 10]
              || ' ' || g as title,
            case when ${r('d')} % 4 = 0 then '' else 'Seeded task ' || g || ': ' || md5(${`desc:${s}:`} || g) end as description,
            case when ${r('s')} % 100 < 45 then 'pending' when ${r('s')} % 100 < 65 then 'in_progress'
                 when ${r('s')} % 100 < 90 then 'completed' else 'cancelled' end as status,
            (array['low','medium','high','urgent'])[1 + ${r('p')} % 4] as priority,
            case when ${r('due')} % 10 < 3 then null
                 else now() + ((${r('due')} % 120) - 60) * interval '1 day' + (${r('dt')} % 86400) * interval '1 second' end as due_date,
            array(select distinct tag from (
                    select (array['work','home','urgent','finance','health','travel','shopping','ideas','family','admin','study','later'])[1 + ((${r('t')} >> (k * 4)) % 12)] as tag
                    from generate_series(0, ${r('tn')} % 4 - 1) as k) tg order by tag)::text[] as tags,
            now() - (${r('c')} % (180 * 86400)) * interval '1 second' as created_at,
            ${r('done')} as done_offset
          from generate_series(${from}::int, ${to}::int) as g
        ) base
        cross join lateral (
          select case when status = 'completed'
                      then least(now(), created_at + (done_offset % (14 * 86400)) * interval '1 second') end as completed_at
        ) c`);
      progress('tasks', to, opts.tasks, taskStart);
      done = to;
    }
    taskRate = Math.round(opts.tasks / Math.max(0.001, (performance.now() - taskStart) / 1000));
    process.stderr.write('\n');
    const indexStart = performance.now();
    for (let i = 0; i < indexes.length; i++) {
      const ix = indexes[i];
      if (!ix) continue;
      process.stderr.write(`\r${' '.repeat(110)}\rindexes: building ${i + 1}/${indexes.length} ${ix.name}`);
      await tx.execute(sql.raw(ix.def));
    }
    process.stderr.write(
      `\r${' '.repeat(110)}\rindexes: ${indexes.length} rebuilt in ${((performance.now() - indexStart) / 1000).toFixed(1)} s\n`,
    );
  });
  await db.execute(sql`analyze tasks`);
  const secs = (performance.now() - started) / 1000;
  const total = opts.users + opts.tasks;
  out(
    `seeded ${opts.users} users and ${opts.tasks} tasks (heavy user ${heavy}) in ${secs.toFixed(1)} s — ` +
      `${Math.round(total / secs).toLocaleString('en-US')} rows/s overall, ${taskRate.toLocaleString('en-US')} task rows/s while loading (${database.kind})`,
  );
  out(
    `log in as user1@${SEED_EMAIL_DOMAIN} (the heavy user) … user${opts.users}@${SEED_EMAIL_DOMAIN}, password "${SEED_PASSWORD}"`,
  );
}

export async function seedCommand(args: string[], ctx: { config: Config; database: Database }): Promise<number> {
  let opts: SeedOptions;
  try {
    opts = parseSeedArgs(args);
  } catch (err) {
    console.error(
      `${(err as Error).message}\nusage: npm run db:seed -- --users 1000 --tasks 1000000 --heavy-user 100000 [--seed 42] [--force]`,
    );
    return 2;
  }
  void ctx.config;
  try {
    await seed(ctx.database, opts);
    return 0;
  } catch (err) {
    console.error(`seed failed: ${(err as Error).message}`);
    return 1;
  }
}
