/**
 * The bench data set: a PostgreSQL database seeded by the project's seed script (`npm run db:seed`) when it
 * exists, else by an equivalent set-based SQL generator. A marker table records what was seeded so a re-run on
 * the same database skips the seeding. The bench users' passwords are set to BENCH_PASSWORD.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { BENCH_PASSWORD, ROOT } from './util.mjs';

export const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const SEED_SCRIPT = path.join(ROOT, 'apps/api/src/scripts/seed.ts');

export async function ensureDatabase(adminUrl, name, { fresh = false } = {}) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    if (fresh) await c.query(`drop database if exists "${name}" with (force)`);
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`create database "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

function run(cmd, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
    });
  });
}

async function seededWith(db) {
  const r = await db.query(`select to_regclass('public._bench_seed') is not null as ok`);
  if (!r.rows[0].ok) return null;
  const m = await db.query('select users, tasks, heavy, source, seconds from _bench_seed limit 1');
  return m.rows[0] ?? null;
}

const WORDS = [
  'plan',
  'review',
  'write',
  'report',
  'invoice',
  'meeting',
  'design',
  'deploy',
  'budget',
  'client',
  'email',
  'draft',
  'update',
  'release',
  'backup',
  'audit',
  'research',
  'call',
  'order',
  'schedule',
];

/** Set-based generator (used when the seed script is not there): deterministic (setseed), one INSERT per batch. */
async function sqlSeed(db, { users, tasks, heavy }, log) {
  await db.query('truncate users cascade');
  const pw = await hash(BENCH_PASSWORD, ARGON2);
  await db.query('select setseed(0.42)');
  await db.query(
    `insert into users (email, name, password_hash, email_verified, created_at)
     select 'bench-user-' || i || '@bench.local', 'Bench User ' || i, $1, true, now() - interval '400 days'
     from generate_series(1, $2::int) i`,
    [pw, users],
  );
  const words = `(array[${WORDS.map((w) => `'${w}'`).join(',')}])`;
  const per = Math.max(0, Math.floor((tasks - heavy) / Math.max(1, users - 1)));
  const ids = (await db.query(`select id from users order by email`)).rows.map((r) => r.id);
  const plan = ids.map((id, i) => [id, i === 0 ? heavy : per]);
  const batch = 50;
  const t0 = Date.now();
  let done = 0;
  for (let i = 0; i < plan.length; i += batch) {
    const part = plan.slice(i, i + batch);
    await db.query(
      `insert into tasks (user_id, title, description, status, priority, due_date, tags, completed_at, created_at, updated_at)
       select p.uid,
              initcap(${words}[1 + (g * 7 + p.ord) % 20]) || ' ' || ${words}[1 + (g * 13 + 3) % 20] || ' ' || g,
              case when g % 3 = 0 then 'Notes about ' || ${words}[1 + (g * 11) % 20] || ' and ' || ${words}[1 + (g * 17) % 20] else '' end,
              s.status,
              (array['low','medium','high','urgent'])[1 + (g * 5) % 4],
              case when g % 4 = 0 then null else now() + ((g % 60) - 20) * interval '1 day' end,
              case when g % 5 = 0 then array[${words}[1 + g % 20]] else '{}'::text[] end,
              case when s.status = 'completed' then c.created + interval '2 hours' end,
              c.created, c.created
       from unnest($1::uuid[], $2::int[], $3::int[]) as p(uid, n, ord)
       cross join lateral generate_series(1, p.n) g
       cross join lateral (select (array['pending','in_progress','completed','cancelled'])[1 + (g * 3 + p.ord) % 4] as status) s
       cross join lateral (select now() - (p.n - g) * interval '1 minute' - (p.ord % 7) * interval '1 second' as created) c`,
      [part.map((p) => p[0]), part.map((p) => p[1]), part.map((_, j) => i + j)],
    );
    done += part.reduce((a, p) => a + p[1], 0);
    log(`  seeded ${done}/${tasks} tasks (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
}

/**
 * Make sure the database holds the data set; returns seconds spent seeding (0 when it was already there).
 * `migrate` is called first (starting the API once applies the migrations).
 */
export async function ensureData(url, size, { migrate, log = console.log, forceSql = false }) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const have = await seededWith(db);
    if (have && have.users === size.users && have.tasks === size.tasks && have.heavy === size.heavy) {
      log(
        `data set already seeded (${have.source}, took ${Math.round(have.seconds)} s): ${have.users} users, ${have.tasks} tasks`,
      );
      return { seconds: have.seconds, source: have.source, reused: true };
    }
    await migrate();
    const t0 = Date.now();
    let source = 'seed-script';
    if (!forceSql && existsSync(SEED_SCRIPT)) {
      log(`seeding with the project's seed script: ${size.users} users, ${size.tasks} tasks, heavy ${size.heavy}`);
      await run(
        'npm',
        [
          'run',
          '--silent',
          'db:seed',
          '--',
          '--users',
          String(size.users),
          '--tasks',
          String(size.tasks),
          '--heavy-user',
          String(size.heavy),
          '--seed',
          '42',
          '--force',
        ],
        { DATABASE_URL: url, JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'warn' },
        30 * 60_000,
      );
    } else {
      source = 'bench-sql';
      log(`seeding with the bench SQL generator: ${size.users} users, ${size.tasks} tasks, heavy ${size.heavy}`);
      await sqlSeed(db, size, log);
    }
    await db.query('vacuum analyze');
    const seconds = (Date.now() - t0) / 1000;
    await db.query(
      'create table if not exists _bench_seed (users int, tasks int, heavy int, source text, seconds real)',
    );
    await db.query('truncate _bench_seed');
    await db.query('insert into _bench_seed values ($1, $2, $3, $4, $5)', [
      size.users,
      size.tasks,
      size.heavy,
      source,
      seconds,
    ]);
    log(`seeded in ${seconds.toFixed(1)} s (${source})`);
    return { seconds, source };
  } finally {
    await db.end();
  }
}

/** The password the project's seed script gives every account it creates (apps/api/src/scripts/seed.ts). */
export const SEED_PASSWORD = 'primetrade-bench-password';

/** The bench's data sets (quality.md: 1,000 users, 1,000,000 tasks, a heavy user with 100,000; quick: a small one). */
export const DATA_SIZES = {
  quick: { users: 50, tasks: 30_000, heavy: 12_000 },
  full: { users: 1000, tasks: 1_000_000, heavy: 100_000 },
};

/**
 * A PGlite data directory (a DATA_DIR) holding the same data set as the PostgreSQL side (bench P12): the project's
 * seed script with the same size and seed (42), so the same users (by email), task titles, dates and counts. Seeded
 * once per size into a cache under the OS temp dir (built beside it and renamed into place, so a run that stops
 * midway leaves nothing half-seeded); each run works on a copy. Its accounts' password is SEED_PASSWORD.
 */
export async function ensurePgliteData(size, { log = console.log } = {}) {
  const dir = path.join(os.tmpdir(), `pt-bench-pglite-${size.users}-${size.tasks}-${size.heavy}`);
  const marker = path.join(dir, 'bench-seed.json');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    log(`PGlite data set already seeded (${Math.round(m.seconds)} s): ${dir}`);
    return { dir, seconds: m.seconds, reused: true };
  }
  if (!existsSync(SEED_SCRIPT)) throw new Error('P12 needs the seed script (apps/api/src/scripts/seed.ts)');
  const staging = `${dir}.seeding-${randomBytes(4).toString('hex')}`;
  log(`seeding a PGlite data dir with the project's seed script: ${size.users} users, ${size.tasks} tasks`);
  const t0 = Date.now();
  try {
    await run(
      'npm',
      ['run', '--silent', 'db:seed', '--', '--users', String(size.users), '--tasks', String(size.tasks)].concat([
        '--heavy-user',
        String(size.heavy),
        '--seed',
        '42',
        '--force',
      ]),
      { DATABASE_URL: '', DATA_DIR: staging, JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'warn' },
      60 * 60_000,
    );
    const seconds = (Date.now() - t0) / 1000;
    writeFileSync(path.join(staging, 'bench-seed.json'), JSON.stringify({ ...size, seconds }));
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    log(`PGlite data dir seeded in ${seconds.toFixed(1)} s: ${dir}`);
    return { dir, seconds, reused: false };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** A throwaway copy of a seeded PGlite DATA_DIR (the API migrates it and writes sessions; the cache stays clean). */
export function copyPgliteData(seededDir) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-bench-pglite-run-'));
  cpSync(path.join(seededDir, 'pglite'), path.join(dir, 'pglite'), { recursive: true });
  return dir;
}

/**
 * Delete the rows earlier runs wrote (P5's probe, P6's creates and raw inserts, P8's events, bench/profile.mjs's
 * creates and PATCH targets), so every run
 * measures the seeded data set — and the heavy user stays the seeded one: P6's user would otherwise outgrow it.
 */
export async function removeBenchWrites(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rowCount } = await db.query(
      `delete from tasks where title in ('bench create', 'stats exactness probe')
         or title like 'raw insert %' or title like 'sse %' or title like 'bench patch %'
         or title = 'profile create' or title like 'profile patch %'`,
    );
    if (rowCount > 0) await db.query('vacuum analyze tasks');
    return rowCount;
  } finally {
    await db.end();
  }
}

/** Pick the bench users (heavy, typical ones) and give them the bench password. */
export async function benchUsers(url, typicalCount) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const counts = (
      await db.query(
        // Only the data set's own users: the ones a bench registers while it runs (P13–P15: …@example.com) keep
        // their tasks between runs and must not become the heavy or typical user (P12's PGlite copy lacks them).
        `select u.id, u.email, count(t.id)::int as n from users u left join tasks t on t.user_id = u.id
         where u.is_active and u.email not like '%@example.com'
         group by u.id, u.email order by n desc, u.email`,
      )
    ).rows;
    const heavy = counts[0];
    const typical = counts
      .filter((r) => r.n > 20 && r.id !== heavy.id)
      .sort((a, b) => (a.email < b.email ? -1 : 1))
      .slice(0, typicalCount);
    const pw = await hash(BENCH_PASSWORD, ARGON2);
    const ids = [heavy.id, ...typical.map((r) => r.id)];
    await db.query('update users set password_hash = $1 where id = any($2::uuid[])', [pw, ids]);
    return { heavy, typical };
  } finally {
    await db.end();
  }
}
