/**
 * Fault tests (quality.md R1–R4, R6, R7): `npm run test:faults`. R5 (worker killed mid-job) belongs to the jobs
 * suite and is not run here.
 *
 * Everything runs on infrastructure this script starts and owns: a throwaway PostgreSQL cluster (initdb/pg_ctl in a
 * temp dir, port 5499), a redis-server (port 6390), nginx with its own prefix (port 4200) in front of API
 * instances on 4201/4202. The machine's shared PostgreSQL and Redis are never stopped.
 *
 * Exit code 1 on a real violation only: an acknowledged write lost, a duplicate or unexpected row, a 5xx where
 * the bar forbids one, a hang, a failed client request during a rolling restart, a lost update, errors in the
 * soak. Timings (recovery seconds, exit seconds, RSS growth) are printed against their bars; only gross misses
 * (several times the bar) fail, so a noisy shared machine does not make CI flaky.
 *
 *   node bench/faults/run.mjs [--only R1,R6] [--soak 120] [--r1-seconds 30] [--r1-clients 10] [--keep]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  API_SERVER,
  apiEnv,
  BENCH,
  BENCH_PASSWORD,
  load,
  median,
  onExitCleanup,
  round,
  rssMb,
  sleep,
  start,
  stop,
  stopAll,
  waitHttp,
  cliArgs,
} from '../lib/util.mjs';
import { ensurePackages, Nginx, PgCluster, Redis } from './cluster.mjs';

const { argv, arg } = cliArgs();
const ONLY = arg('--only', '')
  .split(',')
  .filter(Boolean)
  .map((s) => s.toUpperCase());
const want = (id) => ONLY.length === 0 || ONLY.includes(id.toUpperCase());
const SOAK_SECONDS = Number(arg('--soak', '120'));
const R1_SECONDS = Number(arg('--r1-seconds', '30'));
const R1_CLIENTS = Number(arg('--r1-clients', '10'));

const PG_PORT = 5499;
const REDIS_PORT = 6390;
const NGINX_PORT = 4200;
const API_PORTS = [4201, 4202];

const results = {};
const violations = [];
const t00 = Date.now();

function section(name) {
  console.log(`\n# ${name} (${Math.round((Date.now() - t00) / 1000)} s)`);
}
function report(id, fields, { violations: v = [], ...extra } = {}) {
  const line = `${id} ${Object.entries(fields)
    .map(([k, x]) => `${k}=${typeof x === 'number' ? round(x) : x}`)
    .join(' ')}${v.length ? ` VIOLATION: ${v.join('; ')}` : ' ok'}`;
  console.log(line);
  results[id] = { ...fields, ...extra, violations: v, line };
  for (const x of v) violations.push(`${id}: ${x}`);
}

/** One HTTP request; status 0 = network error or timeout (never throws). */
async function req(base, method, url, { token, body, headers = {}, timeoutMs = 10_000 } = {}) {
  const t0 = performance.now();
  try {
    const res = await fetch(base + url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, headers: res.headers, ms: performance.now() - t0 };
  } catch (err) {
    return { status: 0, error: err?.name ?? 'error', ms: performance.now() - t0 };
  }
}

const retryable = (s) => s === 0 || s === 502 || s === 503 || s === 504 || s === 409;

class Api {
  constructor(name, port, env) {
    this.name = name;
    this.port = port;
    this.env = env;
    this.base = `http://127.0.0.1:${port}`;
  }

  async start() {
    this.proc = start(this.name, process.execPath, [API_SERVER], { env: apiEnv(this.port, this.env) });
    await waitHttp(`${this.base}/health/live`, { child: this.proc, timeoutMs: 180_000 });
    this.up = true;
    return this;
  }

  async kill9() {
    this.up = false;
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }

  /** SIGTERM; resolves with the seconds until the process exited. */
  async term() {
    const t0 = performance.now();
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 30_000);
    const r = await this.proc.exited;
    clearTimeout(killer);
    return { seconds: (performance.now() - t0) / 1000, ...r };
  }
}

async function register(base, tag) {
  const email = `${tag}-${randomUUID().slice(0, 8)}@faults.local`;
  const r = await req(base, 'POST', '/api/v1/auth/register', {
    body: { name: tag, email, password: BENCH_PASSWORD },
  });
  if (r.status !== 201) throw new Error(`register ${email}: ${r.status} ${JSON.stringify(r.json)}`);
  return { email, token: r.json.data.accessToken, userId: r.json.data.user.id };
}

/** Create with an Idempotency-Key, retrying 0/502/503/504/409 with the same key until `deadline`. */
async function createWithRetry(base, token, body, deadline, stats) {
  const key = randomUUID();
  for (let attempt = 0; performance.now() < deadline; attempt++) {
    const r = await req(base, 'POST', '/api/v1/tasks', {
      token,
      body,
      headers: { 'idempotency-key': key },
      timeoutMs: 5000,
    });
    stats.codes[r.status] = (stats.codes[r.status] ?? 0) + 1;
    if (r.status === 201)
      return {
        ok: true,
        id: r.json.data.id,
        retries: attempt,
        replayed: r.headers.get('idempotent-replayed') === 'true',
      };
    if (!retryable(r.status)) return { ok: false, status: r.status };
    await sleep(Math.min(1000, 50 * 2 ** attempt));
  }
  return { ok: false, status: 'deadline' };
}

async function readAll(url, userIds) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (
      await db.query('select id, user_id, title, description from tasks where user_id = any($1::uuid[])', [userIds])
    ).rows;
  } finally {
    await db.end();
  }
}

/** The Jepsen-style set check: acknowledged ⊆ read, every title at most once, nothing never attempted. */
function setCheck(attempted, acked, rows) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const titles = new Map();
  for (const r of rows) titles.set(r.title, (titles.get(r.title) ?? 0) + 1);
  const lost = [...acked.entries()].filter(([, id]) => !byId.has(id));
  const duplicates = [...titles.entries()].filter(([, n]) => n > 1);
  const unexpected = rows.filter((r) => !attempted.has(r.title));
  const recovered = rows.filter((r) => attempted.has(r.title) && !acked.has(r.title)).length;
  return { lost, duplicates, unexpected, recovered };
}

// ---------------------------------------------------------------------------------------------------------------

async function r1(cluster, redis, { retryNonIdempotent = true, id = 'R1' } = {}) {
  section(
    `${id} kill -9 of one of two instances behind nginx (${retryNonIdempotent ? 'nginx replays POST/PATCH' : 'deploy policy: clients retry'}), ${R1_SECONDS} s of creates/updates`,
  );
  const env = { DATABASE_URL: cluster.url, REDIS_URL: redis.url };
  const apis = [];
  for (const [i, p] of API_PORTS.entries()) apis.push(await new Api(`api-${i + 1}`, p, env).start());
  const nginx = new Nginx(path.dirname(cluster.dir), NGINX_PORT, API_PORTS, { retryNonIdempotent });
  await nginx.start();
  const base = nginx.url;
  const clients = await Promise.all(Array.from({ length: R1_CLIENTS }, (_, i) => register(base, `r1c${i}`)));
  const attempted = new Set();
  const acked = new Map(); // title → id
  const updates = new Map(); // id → { attempted: [values], ackedIndex }
  const stats = { codes: {}, retriedOk: 0, replayed: 0, updateFailures: 0 };
  const deadline = performance.now() + R1_SECONDS * 1000;
  const hardDeadline = deadline + 30_000;
  let kills = 0;

  // Every 8 s SIGKILL one instance (alternating) and restart it in the background; never both down at once.
  const restarts = [];
  const killer = (async () => {
    await sleep(4000);
    while (performance.now() < deadline - 4000) {
      const victim = apis[kills % apis.length];
      const other = apis[(kills + 1) % apis.length];
      if (victim.up && other.up) {
        await victim.kill9();
        kills++;
        restarts.push(sleep(1000).then(() => victim.start()));
      }
      await sleep(8000);
    }
    await Promise.all(restarts);
  })();

  await Promise.all(
    clients.map(async (c, ci) => {
      let n = 0;
      const mine = [];
      while (performance.now() < deadline) {
        if (mine.length > 0 && n % 3 === 2) {
          // An update: PATCH sets an absolute value, so a retry (ours or nginx's) is harmless.
          const id = mine[n % mine.length];
          const u = updates.get(id) ?? { attempted: [], acked: -1 };
          updates.set(id, u);
          const value = `u${ci}-${n}`;
          u.attempted.push(value);
          let done = false;
          for (let a = 0; a < 20 && !done && performance.now() < hardDeadline; a++) {
            const r = await req(base, 'PATCH', `/api/v1/tasks/${id}`, {
              token: c.token,
              body: { description: value },
              timeoutMs: 5000,
            });
            stats.codes[r.status] = (stats.codes[r.status] ?? 0) + 1;
            if (r.status === 200) {
              u.acked = u.attempted.length - 1;
              done = true;
            } else if (!retryable(r.status)) break;
            else await sleep(100 * (a + 1));
          }
          if (!done) stats.updateFailures++;
        } else {
          const title = `r1-${ci}-${n}-${randomUUID().slice(0, 8)}`;
          attempted.add(title);
          const r = await createWithRetry(base, c.token, { title }, hardDeadline, stats);
          if (r.ok) {
            acked.set(title, r.id);
            mine.push(r.id);
            if (r.retries > 0) stats.retriedOk++;
            if (r.replayed) stats.replayed++;
          }
        }
        n++;
      }
    }),
  );
  await killer;
  const rows = await readAll(
    cluster.url,
    clients.map((c) => c.userId),
  );
  const { lost, duplicates, unexpected, recovered } = setCheck(attempted, acked, rows);
  // Updates: the final value is the last acknowledged one or one attempted after it.
  const byId = new Map(rows.map((r) => [r.id, r]));
  let lostUpdates = 0;
  for (const [id, u] of updates) {
    if (u.acked < 0) continue;
    const final = byId.get(id)?.description;
    if (!u.attempted.slice(u.acked).includes(final)) lostUpdates++;
  }
  const v = [];
  if (lost.length)
    v.push(
      `${lost.length} acknowledged creates lost (${lost
        .slice(0, 3)
        .map((x) => x[0])
        .join(', ')})`,
    );
  if (duplicates.length) v.push(`${duplicates.length} duplicated titles`);
  if (unexpected.length) v.push(`${unexpected.length} unexpected rows`);
  if (lostUpdates) v.push(`${lostUpdates} acknowledged updates lost`);
  const fivexx = Object.entries(stats.codes)
    .filter(([k]) => Number(k) >= 500 && ![502, 503, 504].includes(Number(k)))
    .reduce((a, [, n]) => a + n, 0);
  if (fivexx) v.push(`${fivexx} 5xx other than 502/503/504`);
  report(
    id,
    {
      kills,
      attempted: attempted.size,
      acknowledged: acked.size,
      read: rows.length,
      lost: lost.length,
      duplicates: duplicates.length,
      unexpected: unexpected.length,
      recovered,
      retried_ok: stats.retriedOk,
      updates_acked: [...updates.values()].filter((u) => u.acked >= 0).length,
      lost_updates: lostUpdates,
      codes: JSON.stringify(stats.codes),
    },
    { violations: v },
  );
  await nginx.stop();
  await Promise.all(apis.map((a) => stop(a.proc)));
}

async function r2(cluster, redis) {
  section('R2 PostgreSQL stopped for 10 s under load');
  const apiA = await new Api('api-r2', API_PORTS[0], {
    DATABASE_URL: cluster.url,
    REDIS_URL: redis.url,
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
  }).start();
  const base = apiA.base;
  const clients = await Promise.all(Array.from({ length: 5 }, (_, i) => register(base, `r2c${i}`)));
  const attempted = new Set();
  const acked = new Map();
  const log = []; // { t, status, ms, kind, body (of a 5xx) }
  const stats = { codes: {} };
  const record = (kind, r) => {
    log.push({ t: performance.now(), status: r.status, ms: r.ms, kind, body: r.status >= 500 ? r.json : undefined });
    stats.codes[r.status] = (stats.codes[r.status] ?? 0) + 1;
  };
  const t0 = performance.now();
  const LOAD_S = 35;
  const deadline = t0 + LOAD_S * 1000;
  let downAt = 0;
  let upAt = 0;
  const chaos = (async () => {
    await sleep(8000);
    downAt = performance.now();
    cluster.crash();
    await sleep(10_000);
    cluster.start();
    upAt = performance.now();
  })();
  await Promise.all(
    clients.map(async (c, ci) => {
      let n = 0;
      while (performance.now() < deadline) {
        const title = `r2-${ci}-${n}-${randomUUID().slice(0, 8)}`;
        attempted.add(title);
        const key = randomUUID();
        // One attempt per loop turn (the retry with the same key comes in the next turns until acknowledged).
        for (let a = 0; a < 200 && performance.now() < deadline + 20_000; a++) {
          const r = await req(base, 'POST', '/api/v1/tasks', {
            token: c.token,
            body: { title },
            headers: { 'idempotency-key': key },
            timeoutMs: 15_000,
          });
          record('create', r);
          if (r.status === 201) {
            acked.set(title, r.json.data.id);
            break;
          }
          if (!retryable(r.status)) break;
          record('list', await req(base, 'GET', '/api/v1/tasks?limit=5', { token: c.token, timeoutMs: 15_000 }));
          await sleep(200);
        }
        record('list', await req(base, 'GET', '/api/v1/tasks?limit=5', { token: c.token, timeoutMs: 15_000 }));
        n++;
      }
    }),
  );
  await chaos;
  const durability = cluster.psql(
    "select string_agg(name || '=' || setting, ',' order by name) from pg_settings where name in ('fsync','synchronous_commit','full_page_writes')",
  );
  const rows = await readAll(
    cluster.url,
    clients.map((c) => c.userId),
  );
  const { lost, duplicates, unexpected } = setCheck(attempted, acked, rows);
  const during = log.filter((x) => x.t > downAt + 500 && x.t < upAt);
  const after = log.filter((x) => x.t > upAt);
  const firstOk = after.find((x) => x.status >= 200 && x.status < 300);
  // Full service: from the first success on, everything succeeds.
  const lastBad = [...after].reverse().find((x) => !(x.status >= 200 && x.status < 300));
  const recoverS = firstOk ? ((lastBad && lastBad.t > firstOk.t ? lastBad.t : firstOk.t) - upAt) / 1000 : Number.NaN;
  const statusDuring = {};
  for (const x of during) statusDuring[x.status] = (statusDuring[x.status] ?? 0) + 1;
  const hangs = log.filter((x) => x.ms > 10_000 || x.status === 0).length;
  const maxMsDown = Math.max(0, ...during.map((x) => x.ms));
  const v = [];
  if (lost.length) v.push(`${lost.length} acknowledged writes lost`);
  if (duplicates.length) v.push(`${duplicates.length} duplicates`);
  if (unexpected.length) v.push(`${unexpected.length} unexpected rows`);
  const bad = log.filter((x) => x.status >= 500 && x.status !== 503);
  if (bad.length) {
    v.push(`${bad.length} 5xx other than 503`);
    for (const x of bad.slice(0, 5))
      console.log(
        `  ${x.kind} → ${x.status} at +${round((x.t - downAt) / 1000, 2)} s from the stop: ${JSON.stringify(x.body)}`,
      );
    for (const line of apiA.proc.errors) console.log(`  api error log: ${line.slice(0, 2000)}`);
  }
  if (hangs) v.push(`${hangs} hangs/timeouts (>10 s or no answer)`);
  if (!(recoverS <= 30)) v.push(`no full service ${round(recoverS)} s after PostgreSQL returned`);
  report(
    'R2',
    {
      status_while_down: JSON.stringify(statusDuring),
      max_ms_while_down: round(maxMsDown, 0),
      recovered_s: round(recoverS, 1),
      attempted: attempted.size,
      acknowledged: acked.size,
      lost: lost.length,
      duplicates: duplicates.length,
      durability,
    },
    { violations: v, bar: '503 while down, full service ≤10 s after, 0 lost', recoverBarMet: recoverS <= 10 },
  );
  await stop(apiA.proc);
}

async function r3(cluster, redis) {
  section('R3 rolling restart behind nginx (SIGTERM one instance at a time)');
  const env = { DATABASE_URL: cluster.url, REDIS_URL: redis.url };
  const apis = [];
  for (const [i, p] of API_PORTS.entries()) apis.push(await new Api(`api-r3-${i + 1}`, p, env).start());
  const nginx = new Nginx(path.dirname(cluster.dir), NGINX_PORT, API_PORTS);
  await nginx.start();
  const base = nginx.url;
  const clients = await Promise.all(Array.from({ length: 8 }, (_, i) => register(base, `r3c${i}`)));
  let stopLoad = false;
  const codes = {};
  const failures = [];
  let total = 0;
  const loadDone = Promise.all(
    clients.map(async (c, ci) => {
      let n = 0;
      const t0 = performance.now();
      while (!stopLoad && performance.now() - t0 < 120_000) {
        const write = n % 4 === 0;
        const r = write
          ? await req(base, 'POST', '/api/v1/tasks', {
              token: c.token,
              body: { title: `r3-${ci}-${n}` },
              headers: { 'idempotency-key': randomUUID() },
            })
          : await req(base, 'GET', '/api/v1/tasks?limit=20', { token: c.token });
        total++;
        codes[r.status] = (codes[r.status] ?? 0) + 1;
        if (!(r.status >= 200 && r.status < 300)) failures.push({ status: r.status, write, error: r.error });
        n++;
        await sleep(20);
      }
    }),
  );
  await sleep(4000);
  const exits = [];
  for (const a of apis) {
    const e = await a.term();
    exits.push(round(e.seconds, 2));
    await sleep(500);
    await a.start();
    await waitHttp(`${a.base}/health/ready`, { timeoutMs: 30_000 });
    await sleep(4000);
  }
  stopLoad = true;
  await loadDone;
  const v = [];
  if (failures.length) v.push(`${failures.length} failed client requests (${JSON.stringify(failures.slice(0, 3))})`);
  if (exits.some((s) => s > 30)) v.push(`an instance took ${Math.max(...exits)} s to exit`);
  report(
    'R3',
    { requests: total, failed: failures.length, exit_s: exits.join('/'), codes: JSON.stringify(codes) },
    { violations: v, bar: '0 failed client requests; exit ≤10 s', exitBarMet: exits.every((s) => s <= 10) },
  );
  await nginx.stop();
  await Promise.all(apis.map((a) => stop(a.proc)));
}

async function r4(cluster, redis) {
  section('R4 Redis stopped under task CRUD load');
  const apiA = await new Api('api-r4', API_PORTS[0], { DATABASE_URL: cluster.url, REDIS_URL: redis.url }).start();
  const base = apiA.base;
  const clients = await Promise.all(Array.from({ length: 5 }, (_, i) => register(base, `r4c${i}`)));
  const codes = {};
  const fivexx = [];
  let total = 0;
  let stopLoad = false;
  const loadDone = Promise.all(
    clients.map(async (c, ci) => {
      let n = 0;
      const t0 = performance.now();
      while (!stopLoad && performance.now() - t0 < 120_000) {
        const seen = [];
        const note = (op, r) => {
          total++;
          codes[r.status] = (codes[r.status] ?? 0) + 1;
          if (r.status >= 500 || r.status === 0) fivexx.push({ op, status: r.status });
          seen.push(r);
          return r;
        };
        const created = note(
          'create',
          await req(base, 'POST', '/api/v1/tasks', { token: c.token, body: { title: `r4-${ci}-${n}` } }),
        );
        const id = created.json?.data?.id;
        note('list', await req(base, 'GET', '/api/v1/tasks', { token: c.token }));
        note('stats', await req(base, 'GET', '/api/v1/tasks/stats', { token: c.token }));
        if (id) {
          note('get', await req(base, 'GET', `/api/v1/tasks/${id}`, { token: c.token }));
          note(
            'patch',
            await req(base, 'PATCH', `/api/v1/tasks/${id}`, { token: c.token, body: { status: 'completed' } }),
          );
          if (n % 2) note('delete', await req(base, 'DELETE', `/api/v1/tasks/${id}`, { token: c.token }));
        }
        n++;
        await sleep(50);
      }
    }),
  );
  await sleep(5000);
  const readyBefore = await req(base, 'GET', '/health/ready');
  await redis.kill();
  const tDown = performance.now();
  await sleep(12_000);
  const readyDown = await req(base, 'GET', '/health/ready');
  await redis.start();
  const tUp = performance.now();
  let recoverS = Number.NaN;
  while (performance.now() - tUp < 60_000) {
    const r = await req(base, 'GET', '/health/ready');
    if (r.status === 200) {
      recoverS = (performance.now() - tUp) / 1000;
      break;
    }
    await sleep(250);
  }
  await sleep(3000);
  stopLoad = true;
  await loadDone;
  const degraded = readyDown.status === 503 && readyDown.json?.status === 'degraded';
  const v = [];
  if (fivexx.length) v.push(`${fivexx.length} 5xx/no answer on task CRUD (${JSON.stringify(fivexx.slice(0, 3))})`);
  if (!degraded) v.push(`readiness while Redis down: ${readyDown.status} ${JSON.stringify(readyDown.json)}`);
  if (!(recoverS <= 30)) v.push('readiness not back to 200 within 30 s of Redis returning (no restart)');
  report(
    'R4',
    {
      requests: total,
      fivexx: fivexx.length,
      ready_before: readyBefore.status,
      ready_down: `${readyDown.status}/${readyDown.json?.status}`,
      ready_back_s: round(recoverS, 1),
      down_s: round((tUp - tDown) / 1000, 1),
      codes: JSON.stringify(codes),
    },
    { violations: v, bar: '0 5xx on CRUD, readiness degraded, recovery without restart' },
  );
  await stop(apiA.proc);
}

async function r6(cluster, redis) {
  section('R6 concurrent If-Match edits');
  const apiA = await new Api('api-r6', API_PORTS[0], { DATABASE_URL: cluster.url, REDIS_URL: redis.url }).start();
  const base = apiA.base;
  const u = await register(base, 'r6');
  const created = await req(base, 'POST', '/api/v1/tasks', { token: u.token, body: { title: 'r6 start' } });
  const id = created.json.data.id;
  const ROUNDS = 20;
  const K = 8;
  let winnersOk = 0;
  const other = {};
  let lastWinner = null;
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    const cur = await req(base, 'GET', `/api/v1/tasks/${id}`, { token: u.token });
    const etag = cur.headers.get('etag');
    const rs = await Promise.all(
      Array.from({ length: K }, (_, j) =>
        req(base, 'PATCH', `/api/v1/tasks/${id}`, {
          token: u.token,
          body: { title: `r6-${round_}-${j}` },
          headers: { 'if-match': etag },
        }),
      ),
    );
    const wins = rs.filter((r) => r.status === 200);
    for (const r of rs) if (r.status !== 200 && r.status !== 412) other[r.status] = (other[r.status] ?? 0) + 1;
    if (wins.length === 1 && rs.filter((r) => r.status === 412).length === K - 1) {
      winnersOk++;
      lastWinner = wins[0].json.data.title;
    }
  }
  const final = await req(base, 'GET', `/api/v1/tasks/${id}`, { token: u.token });
  const v = [];
  if (winnersOk !== ROUNDS) v.push(`${ROUNDS - winnersOk} rounds without exactly one winner and ${K - 1} × 412`);
  if (final.json.data.version !== ROUNDS + 1)
    v.push(`final version ${final.json.data.version}, expected ${ROUNDS + 1}`);
  if (final.json.data.title !== lastWinner) v.push('final title is not the last winner');
  report(
    'R6',
    {
      rounds: ROUNDS,
      writers: K,
      one_winner_rounds: winnersOk,
      final_version: final.json.data.version,
      other: JSON.stringify(other),
    },
    { violations: v },
  );
  await stop(apiA.proc);
}

async function r7(cluster, redis) {
  section(`R7 soak: ${SOAK_SECONDS} s at half the P1 rate`);
  const apiA = await new Api('api-r7', API_PORTS[0], { DATABASE_URL: cluster.url, REDIS_URL: redis.url }).start();
  const base = apiA.base;
  const u = await register(base, 'r7');
  for (let i = 0; i < 30; i++)
    await req(base, 'POST', '/api/v1/tasks', { token: u.token, body: { title: `r7 task ${i}` } });
  const target = { url: `${base}/api/v1/tasks`, headers: { authorization: `Bearer ${u.token}` } };
  const peak = await load({ ...target, connections: 50, duration: 5, warmup: 3 });
  const rate = Math.max(10, Math.floor(peak.rps / 2));
  const samples = [];
  const sampler = setInterval(() => samples.push({ t: (Date.now() - t00) / 1000, rss: rssMb(apiA.proc.pid) }), 5000);
  const soak = await load({ ...target, connections: 20, duration: SOAK_SECONDS, overallRate: rate });
  clearInterval(sampler);
  // Growth after the warm-up: the first samples past 30 s (or the first third) against the last three.
  const skip = Math.min(6, Math.floor(samples.length / 3));
  const early = median(samples.slice(skip, skip + 3).map((s) => s.rss));
  const late = median(samples.slice(-3).map((s) => s.rss));
  const growth = (late - early) / early;
  const errors = soak.errors + soak.timeouts + soak.non2xx;
  const v = [];
  if (errors) v.push(`${errors} errors/non-2xx during the soak`);
  if (growth > 0.5) v.push(`RSS grew ${round(growth * 100, 0)} % (gross leak)`);
  report(
    'R7',
    {
      seconds: SOAK_SECONDS,
      rate,
      served_rps: soak.rps,
      p99: `${soak.p99}ms`,
      errors,
      rss_early_mb: round(early, 0),
      rss_late_mb: round(late, 0),
      growth: `${round(growth * 100, 1)}%`,
    },
    { violations: v, bar: 'no error; RSS growth < 10 %', growthBarMet: growth < 0.1, samples },
  );
  await stop(apiA.proc);
}

async function main() {
  onExitCleanup();
  ensurePackages();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-faults-'));
  console.log(`fault tests — own PostgreSQL :${PG_PORT}, Redis :${REDIS_PORT}, nginx :${NGINX_PORT} under ${dir}`);
  console.log('R5 (worker killed mid-job) is covered by the jobs suite, not here.');
  const cluster = new PgCluster(dir, PG_PORT);
  cluster.init();
  cluster.start();
  const redisDir = path.join(dir, 'redis');
  mkdirSync(redisDir);
  const redis = new Redis(redisDir, REDIS_PORT);
  await redis.start();
  try {
    // Migrations once, by a first instance.
    await stop((await new Api('migrate', API_PORTS[0], { DATABASE_URL: cluster.url }).start()).proc);
    for (const [id, fn] of [
      ['R6', r6],
      ['R1', r1],
      ['R1b', (c, r) => r1(c, r, { retryNonIdempotent: false, id: 'R1b' })],
      ['R3', r3],
      ['R4', r4],
      ['R2', r2],
      ['R7', r7],
    ]) {
      if (!want(id)) continue;
      try {
        await fn(cluster, redis);
      } catch (err) {
        report(id, { crashed: true }, { violations: [`the test itself failed: ${err?.stack ?? err}`] });
      }
      if (redis.proc.exitCode !== null) await redis.start();
    }
  } finally {
    await stopAll();
    cluster.stop();
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  writeFileSync(
    path.join(BENCH, 'results/faults.json'),
    `${JSON.stringify({ date: new Date().toISOString(), seconds: Math.round((Date.now() - t00) / 1000), results, violations }, null, 2)}\n`,
  );
  console.log(`\nfault tests done in ${Math.round((Date.now() - t00) / 1000)} s; ${violations.length} violation(s)`);
  for (const v of violations) console.log(`  VIOLATION ${v}`);
  return violations.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    console.error(err);
    await stopAll();
    process.exit(2);
  },
);
