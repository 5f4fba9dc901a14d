/**
 * P6 baseline: raw INSERTs of a task through node-postgres (prepared, pool of `pool` (10), `concurrency` loops) for
 * `duration` seconds. Input (argv[2], JSON): { url, userId, concurrency, duration, warmup }. Prints one JSON line.
 */
import pg from 'pg';

const o = JSON.parse(process.argv[2]);
const pool = new pg.Pool({ connectionString: o.url, max: o.pool ?? 10 });
const SQL =
  'insert into "tasks" ("user_id", "title", "description", "status", "priority", "due_date", "tags", "completed_at") ' +
  'values ($1, $2, $3, $4, $5, $6, $7, $8) returning "id", "title", "description", "status", "priority", "due_date", ' +
  '"tags", "completed_at", "created_at", "updated_at", "version"';

async function phase(seconds) {
  const until = performance.now() + seconds * 1000;
  let n = 0;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < until) {
      try {
        await pool.query({
          name: 'bench_insert',
          text: SQL,
          values: [o.userId, `raw insert ${n}`, '', 'pending', 'medium', null, [], null],
        });
        n++;
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.concurrency ?? 50 }, loop));
  return { rps: n / ((performance.now() - t0) / 1000), total: n, errors };
}

if (o.warmup) await phase(o.warmup);
const r = await phase(o.duration ?? 10);
await pool.end();
console.log(JSON.stringify(r));
