/**
 * P11 (quality.md): "10,000 simulated users with ~10 s think time ≈ 1,000 req/s of mixed traffic as an arrival rate
 * for 5 minutes on this 2-core box: p95 ≤ 200 ms, 0 errors; stretch 2,000 req/s".
 *
 * An OPEN-model load generator: requests arrive at a fixed mean rate whatever the API answers (a Poisson process:
 * exponential gaps, which is what many independent users with random think times add up to), each one over a pool
 * of keep-alive node:http connections (--connections, default 1,000; a request that finds none free waits in the
 * agent's queue, and that wait counts). Latency runs from the request's *scheduled* arrival time to the last byte
 * of the answer, so a slow API (or a late generator) shows in the figures instead of slowing the arrivals down
 * (no coordinated omission). It is not autocannon, whose fixed set of connections is a closed loop.
 *
 * The population: --users simulated users (default 10,000) with --think seconds of think time (default 10): rate =
 * users / think = 1,000 req/s unless --rate is given. They are mapped onto real accounts of the bench data set
 * (`benchUsers`: up to --accounts of them, default 200, the heavy user included — 0.5 % of the traffic): each
 * account is logged in once up front; its first list page gives the cursor (page 2) and the title words (search),
 * its 100 newest tasks the ids (get, update) its simulated users use. A request picks a random simulated user, i.e. a random
 * account. A login in the mix replaces that account's access token with the new one; a refresh replaces both tokens
 * (rotation). An account has at most one refresh in flight, as a client serialises its own (the web app takes a
 * Web Lock): a refresh drawn for an account that is refreshing goes to another account.
 *
 * The mix (weights in %, --mix kind=w,… to change them) — quality.md's P11: logins 0.5 % and refreshes 1 % (a
 * session signs in about once per 30 minutes of use), the rest in the first version's proportions (35 : 20 : 10 :
 * 12 : 10 : 8, which had logins at 5 %) scaled to 98.5 %:
 *   list    36.3  GET /api/v1/tasks — 60 % the first page, 25 % ?status=<one of four>, 15 % ?cursor=<page 2>
 *   get     20.7  GET /api/v1/tasks/:id (one of the account's 100 newest tasks)
 *   update  10.4  PATCH /api/v1/tasks/:id { status } or { priority } (absolute values, no If-Match)
 *   stats   12.4  GET /api/v1/tasks/stats
 *   search  10.4  GET /api/v1/tasks?q=<a word of the account's titles> (ranked)
 *   create   8.3  POST /api/v1/tasks { title, priority } with an Idempotency-Key (as the web app sends)
 *   login    0.5  POST /api/v1/auth/login { email, password } — one argon2id verify each (~5–25 ms of CPU)
 *   refresh  1    POST /api/v1/auth/refresh { refreshToken } — the account's current refresh token, rotated
 * Expected answers: 201 for create, 200 for the rest. Anything else is an error: a 4xx, a 5xx (503 = the API's
 * load shedding, counted apart as well), a network error, or no answer within --timeout seconds (default 10) of
 * the scheduled time.
 *
 * The API under test: the built server (apps/api/dist/server.js) on port 4112, NODE_ENV=production, every
 * production middleware on, rate limits raised so that they count but never refuse (bench/lib/util.mjs apiEnv, as
 * bench/run.mjs), DATABASE_POOL_MAX --pool (default 20, the API's own default), PostgreSQL's bench database
 * (`primetrade_bench`, or `primetrade_bench_quick` with --quick; seed it with `node bench/run.mjs --seed-only
 * [--quick]`); --redis URL puts the rate limits, cache and fan-out on Redis (REDIS_KEY_PREFIX ptbench:). --api URL
 * targets an API already running instead (against the same database: the accounts come from it).
 *
 * The generator is a second process (this file with a JSON argument), the API a third; this one starts them,
 * samples the CPU of the API, the generator, PostgreSQL and Redis (/proc) over the measured window, and writes the
 * results. A --warmup (default 10 s; 5 with --quick) at the same rate comes first and is not counted. The tasks
 * the run created are deleted afterwards through the API (POST /tasks/bulk), unless --keep; before the run, as in
 * bench/run.mjs, the rows earlier bench runs wrote are removed (`removeBenchWrites`, and this script's own).
 *
 * Prints one line starting with `P11`; writes bench/results/mixed.{json,md} (--quick: mixed-quick.*, not
 * committed). Exit 1 when the bar is missed (p95 ≤ 200 ms, 0 errors, achieved ≥ 95 % of the target rate), unless
 * --no-fail (always 0).
 *
 *   node bench/mixed.mjs [--rate R | --users N --think S] [--duration 300] [--warmup 10] [--quick] [--redis URL]
 *                        [--api URL] [--accounts 200] [--connections 1000] [--timeout 10] [--pool 20]
 *                        [--mix list=35,get=20,…] [--keep] [--no-fail] [--pg postgres://…/postgres] [--db URL]
 *                        [--cpu-prof]
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchUsers, removeBenchWrites } from './lib/data.mjs';
import {
  API_SERVER,
  api,
  BENCH,
  BENCH_PASSWORD,
  login,
  onExitCleanup,
  percentile,
  ROOT,
  round,
  startApi,
  stop,
  stopAll,
  cliArgs,
  machineInfo,
  spawnJson,
} from './lib/util.mjs';

const SELF = fileURLToPath(import.meta.url);
const KINDS = ['list', 'get', 'update', 'stats', 'search', 'create', 'login', 'refresh'];
const DEFAULT_MIX = {
  list: 36.3,
  get: 20.7,
  update: 10.4,
  stats: 12.4,
  search: 10.4,
  create: 8.3,
  login: 0.5,
  refresh: 1,
};
const EXPECTED = { create: 201 };
const BAR = { p95: 200, minAchieved: 0.95 };
const STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const SERIES_S = 10;
/** Every task this script creates has a title starting with it (clean-up). */
const MARKER = 'P11 mixed';

// ---------------------------------------------------------------------------------------------------------------
// The generator (its own process): `node bench/mixed.mjs '{"file": "…/setup.json"}'`.

async function generator(file) {
  const o = JSON.parse(readFileSync(file, 'utf8'));
  const target = new URL(o.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  const accounts = o.accounts.map((a) => ({ ...a, created: [...(a.created ?? [])] }));
  const rand = (n) => Math.floor(Math.random() * n);
  const pick = (xs) => xs[rand(xs.length)];
  const cum = [];
  let total = 0;
  for (const k of KINDS) {
    total += o.mix[k] ?? 0;
    cum.push([total, k]);
  }
  const chooseKind = () => {
    const r = Math.random() * total;
    for (const [c, k] of cum) if (r < c) return k;
    return cum[cum.length - 1][1];
  };

  const stats = Object.fromEntries(KINDS.map((k) => [k, { lat: [], statuses: {}, errors: 0 }]));
  const series = [];
  const samples = [];
  const genLag = [];
  let inflight = 0;
  let measureStart = Number.POSITIVE_INFINITY;
  let measureEnd = Number.POSITIVE_INFINITY;
  let sentMeasured = 0;

  function record(kind, sched, status, bodyText, errCode) {
    if (sched < measureStart || sched >= measureEnd) return;
    const ms = performance.now() - sched;
    const s = stats[kind];
    const key = status === -1 ? 'timeout' : status === 0 ? `net:${errCode ?? 'error'}` : String(status);
    s.statuses[key] = (s.statuses[key] ?? 0) + 1;
    const ok = status === (EXPECTED[kind] ?? 200);
    s.lat.push(ms);
    const b = Math.floor((sched - measureStart) / (SERIES_S * 1000));
    series[b] ??= { lat: [], errors: 0 };
    series[b].lat.push(ms);
    if (!ok) {
      s.errors++;
      series[b].errors++;
      if (samples.length < 8 && !samples.some((x) => x.kind === kind && x.status === key)) {
        samples.push({ kind, status: key, ms: round(ms, 1), body: bodyText?.slice(0, 200) });
      }
    }
  }

  /** One request; `done(status, body)` with status 0 = network error, -1 = timeout (from the scheduled time). */
  function send(kind, sched, method, urlPath, token, body, wantBody, done) {
    inflight++;
    let finished = false;
    let timedOut = false;
    const finish = (status, text, code) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      inflight--;
      record(kind, sched, status, text, code);
      if (done) done(status, text);
    };
    const headers = { authorization: token ? `Bearer ${token}` : undefined };
    if (!token) delete headers.authorization;
    let payload;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
      if (kind === 'create') headers['idempotency-key'] = randomUUID();
    }
    const req = http.request(
      { host: target.hostname, port: target.port, path: urlPath, method, agent, headers },
      (res) => {
        const ok = res.statusCode === (EXPECTED[kind] ?? 200);
        const chunks = wantBody || !ok ? [] : null;
        res.on('data', (c) => chunks?.push(c));
        res.on('end', () => finish(res.statusCode, chunks ? Buffer.concat(chunks).toString() : undefined));
        res.on('error', (e) => finish(timedOut ? -1 : 0, undefined, e.code));
      },
    );
    const timer = setTimeout(
      () => {
        timedOut = true;
        req.destroy(new Error('timeout'));
      },
      Math.max(1, sched + o.timeoutMs - performance.now()),
    );
    req.on('error', (e) => finish(timedOut ? -1 : 0, undefined, e.code));
    req.end(payload);
  }

  function dispatch(sched) {
    const a = accounts[rand(accounts.length)];
    const kind = chooseKind();
    const T = '/api/v1/tasks';
    switch (kind) {
      case 'list': {
        const r = Math.random();
        const p =
          r < 0.6 || (r >= 0.85 && !a.cursor)
            ? T
            : r < 0.85
              ? `${T}?status=${pick(STATUSES)}`
              : `${T}?cursor=${encodeURIComponent(a.cursor)}`;
        return send(kind, sched, 'GET', p, a.token);
      }
      case 'get':
        return send(kind, sched, 'GET', `${T}/${pick(a.ids)}`, a.token);
      case 'update':
        return send(
          kind,
          sched,
          'PATCH',
          `${T}/${pick(a.ids)}`,
          a.token,
          Math.random() < 0.5 ? { status: pick(STATUSES) } : { priority: pick(PRIORITIES) },
        );
      case 'stats':
        return send(kind, sched, 'GET', `${T}/stats`, a.token);
      case 'search':
        return send(kind, sched, 'GET', `${T}?q=${encodeURIComponent(pick(a.words))}`, a.token);
      case 'create':
        return send(
          kind,
          sched,
          'POST',
          T,
          a.token,
          { title: `${o.marker} ${pick(a.words)} ${rand(1e6)}`, priority: pick(PRIORITIES) },
          true,
          (status, text) => {
            if (status !== 201) return;
            try {
              a.created.push(JSON.parse(text).data.id);
            } catch {
              // counted as answered; the id is only needed for the clean-up
            }
          },
        );
      case 'refresh': {
        // One refresh in flight per account (a client serialises its own); another account when this one is busy.
        let r = a;
        for (let tries = 0; r.refreshing && tries < 20; tries++) r = accounts[rand(accounts.length)];
        r.refreshing = true;
        return send(
          kind,
          sched,
          'POST',
          '/api/v1/auth/refresh',
          undefined,
          { refreshToken: r.refreshToken },
          true,
          (status, text) => {
            r.refreshing = false;
            if (status !== 200) return;
            try {
              const data = JSON.parse(text).data;
              r.refreshToken = data.refreshToken;
              r.token = data.accessToken;
            } catch {
              // keep the previous pair
            }
          },
        );
      }
      default:
        return send(
          'login',
          sched,
          'POST',
          '/api/v1/auth/login',
          undefined,
          { email: a.email, password: o.password },
          true,
          (status, text) => {
            if (status !== 200) return;
            try {
              a.token = JSON.parse(text).data.accessToken;
            } catch {
              // keep the previous token
            }
          },
        );
    }
  }

  // The arrival process. `next` is the scheduled time of the next arrival; every tick sends all that are due.
  const meanGapMs = 1000 / o.rate;
  const t0 = performance.now();
  measureStart = t0 + o.warmup * 1000;
  measureEnd = measureStart + o.duration * 1000;
  let next = t0;
  let announced = false;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!announced && now >= measureStart) {
        announced = true;
        console.log('MEASURE');
      }
      while (next <= now && next < measureEnd) {
        if (next >= measureStart) {
          sentMeasured++;
          genLag.push(now - next);
        }
        dispatch(next);
        next += -Math.log(1 - Math.random()) * meanGapMs;
      }
      if (next >= measureEnd) {
        console.log('END');
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, Math.floor(next - performance.now())));
    };
    tick();
  });
  const drainUntil = performance.now() + o.timeoutMs + 2000;
  while (inflight > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));

  // Results.
  const pct = (xs) => {
    xs.sort((a, b) => a - b);
    return {
      p50: round(percentile(xs, 50), 1),
      p95: round(percentile(xs, 95), 1),
      p99: round(percentile(xs, 99), 1),
      max: round(xs[xs.length - 1], 1),
    };
  };
  const byKind = {};
  const all = [];
  const statuses = {};
  for (const k of KINDS) {
    const s = stats[k];
    for (const x of s.lat) all.push(x);
    for (const [st, n] of Object.entries(s.statuses)) statuses[st] = (statuses[st] ?? 0) + n;
    byKind[k] = { n: s.lat.length, errors: s.errors, ...pct(s.lat), statuses: s.statuses };
  }
  const n = all.length;
  const errors = KINDS.reduce((acc, k) => acc + stats[k].errors, 0);
  const out = {
    sent: sentMeasured,
    answered: n,
    lost: sentMeasured - n,
    errors,
    ...pct(all),
    statuses,
    byKind,
    genLag: {
      p99: round(
        percentile(
          genLag.sort((a, b) => a - b),
          99,
        ),
        1,
      ),
      max: round(genLag[genLag.length - 1], 1),
    },
    series: series.map((b, i) => ({
      t: i * SERIES_S,
      n: b?.lat.length ?? 0,
      errors: b?.errors ?? 0,
      p95: b
        ? round(
            percentile(
              b.lat.sort((x, y) => x - y),
              95,
            ),
            1,
          )
        : null,
    })),
    samples,
    createdIds: accounts.reduce((acc, a) => acc + a.created.length, 0),
    cleanup: null,
  };

  // Clean-up (not measured): the created tasks go through the API, so its caches and versions stay right.
  if (!o.keep) {
    let deleted = 0;
    let failed = 0;
    for (const a of accounts) {
      for (let i = 0; i < a.created.length; i += 500) {
        const r = await api(o.base, 'POST', '/api/v1/tasks/bulk', {
          token: a.token,
          body: { action: 'delete', ids: a.created.slice(i, i + 500) },
        }).catch(() => ({ status: 0 }));
        if (r.status === 200) deleted += r.json.data.affected;
        else failed++;
      }
    }
    out.cleanup = { deleted, failedBatches: failed };
  }
  agent.destroy();
  console.log(JSON.stringify(out));
}

// ---------------------------------------------------------------------------------------------------------------
// The orchestrator.

const { argv, arg } = cliArgs();
const num = (name, def) => {
  const v = Number(arg(name, String(def)));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: a positive number, got ${arg(name)}`);
  return v;
};

/** CPU seconds of every process on the machine, by pid, with its command name. */
function allProcesses() {
  const out = {};
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out[d] = { comm, cpu: (Number(f[11]) + Number(f[12])) / 100 };
    } catch {
      // gone
    }
  }
  return out;
}

/** Machine CPU seconds from /proc/stat: busy (all but idle and iowait), of which kernel (system, irq, softirq). */
function machineCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const all = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (all - f[3] - f[4]) / 100, kernel: (f[2] + f[5] + f[6]) / 100, all: all / 100 };
}

function cpuSnapshot(pids) {
  return { t: performance.now(), machine: machineCpu(), procs: allProcesses(), pids: { ...pids } };
}

/**
 * Cores used by each part between two snapshots: the API and the generator by pid, PostgreSQL and Redis by command
 * name (every such process on the machine), the rest by command name (other engineers' work on a shared box).
 */
function cpuUse(a, b) {
  const secs = (b.t - a.t) / 1000;
  const parts = { api: 0, postgres: 0, redis: 0, generator: 0 };
  const others = {};
  for (const [pid, p] of Object.entries(b.procs)) {
    const before = a.procs[pid]?.cpu ?? 0; // by pid: a kernel worker's name changes with its work
    const d = Math.max(0, p.cpu - before) / secs;
    if (Number(pid) === b.pids.api) parts.api += d;
    else if (Number(pid) === b.pids.generator) parts.generator += d;
    else if (p.comm === 'postgres') parts.postgres += d;
    else if (p.comm === 'redis-server') parts.redis += d;
    else others[p.comm] = (others[p.comm] ?? 0) + d;
  }
  const r = (x) => round(x, 2);
  const busy = (b.machine.busy - a.machine.busy) / secs;
  const ours = parts.api + parts.postgres + parts.redis + parts.generator;
  return {
    cores: r((b.machine.all - a.machine.all) / secs),
    busy: r(busy),
    kernel: r((b.machine.kernel - a.machine.kernel) / secs),
    api: b.pids.api ? r(parts.api) : null,
    postgres: r(parts.postgres),
    redis: r(parts.redis),
    generator: r(parts.generator),
    other: r(Math.max(0, busy - ours)),
    otherTop: Object.entries(others)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 4)
      .filter(([, v]) => v >= 0.01)
      .map(([k, v]) => `${k} ${r(v)}`),
  };
}

async function checkDataSet(url) {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    const r = await c.query(`select to_regclass('public._bench_seed') is not null as ok`);
    if (!r.rows[0].ok) return null;
    return (await c.query('select users, tasks, heavy from _bench_seed limit 1')).rows[0] ?? null;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

async function removeOwnLeftovers(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`delete from tasks where title like '${MARKER} %'`)).rowCount;
  } finally {
    await c.end();
  }
}

/** The ids the API's own validation accepts (zod's `z.uuid()`: RFC 9562 version and variant nibbles). */
const RFC_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Log in every account (4 at a time: each is an argon2id verify), read its first page (cursor, title words) and up
 * to 100 task ids (get, update). Ids the API would refuse (a data set seeded before the seed script wrote RFC
 * UUIDs) are skipped and counted; an account left with none gets one task created for it (deleted afterwards).
 */
async function prepareAccounts(base, rows) {
  const out = [];
  const skipped = { ids: 0, accountsWithNone: 0 };
  let i = 0;
  const worker = async () => {
    while (i < rows.length) {
      const u = rows[i++];
      const { token, refreshToken } = await login(base, u.email);
      const page = await api(base, 'GET', '/api/v1/tasks', { token });
      if (page.status !== 200) throw new Error(`list for ${u.email}: ${page.status} ${page.text.slice(0, 200)}`);
      const tasks = page.json.data;
      if (tasks.length === 0) continue;
      const words = [
        ...new Set(tasks.flatMap((t) => t.title.toLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((w) => w !== 'mixed')),
      ];
      const more = await api(base, 'GET', '/api/v1/tasks?limit=100', { token });
      const all = more.status === 200 ? more.json.data.map((t) => t.id) : tasks.map((t) => t.id);
      const ids = all.filter((id) => RFC_UUID.test(id));
      skipped.ids += all.length - ids.length;
      const created = [];
      if (ids.length === 0) {
        skipped.accountsWithNone++;
        const c = await api(base, 'POST', '/api/v1/tasks', { token, body: { title: `${MARKER} setup task` } });
        if (c.status !== 201) throw new Error(`create for ${u.email}: ${c.status} ${c.text.slice(0, 200)}`);
        ids.push(c.json.data.id);
        created.push(c.json.data.id);
      }
      out.push({
        email: u.email,
        tasks: u.n,
        token,
        refreshToken,
        refreshing: false,
        ids,
        created,
        cursor: page.json.meta?.nextCursor ?? null,
        words: words.length ? words : ['task'],
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { accounts: out, skipped };
}

/**
 * The API's own counters (/metrics): requests shed (503), event-loop lag, and from the request-duration histogram
 * the requests it finished and the time it spent in them per route (handler time: no socket or accept queue).
 */
async function metricsOf(base) {
  try {
    const text = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(15_000) }).then((r) => r.text());
    const sum = (re) => [...text.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
    const routes = {};
    for (const m of text.matchAll(/^http_request_duration_seconds_(count|sum)\{([^}]*)\}\s+(\S+)/gm)) {
      const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      const key = `${labels.method} ${labels.route}`;
      routes[key] ??= { count: 0, sum: 0 };
      routes[key][m[1]] += Number(m[3]);
    }
    return {
      t: performance.now(),
      shed: sum(/^http_requests_shed_total(?:\{[^}]*\})?\s+(\S+)/gm),
      lagP99Ms: round(sum(/^nodejs_eventloop_lag_p99_seconds\s+(\S+)/gm) * 1000, 1),
      lagMaxMs: round(sum(/^nodejs_eventloop_lag_max_seconds\s+(\S+)/gm) * 1000, 1),
      routes,
    };
  } catch {
    return null;
  }
}

/** What the API finished between two scrapes: requests/s and mean handler time per route. */
function served(a, b) {
  if (!a || !b) return null;
  const secs = (b.t - a.t) / 1000;
  const byRoute = {};
  let n = 0;
  let time = 0;
  for (const [k, v] of Object.entries(b.routes)) {
    const dn = v.count - (a.routes[k]?.count ?? 0);
    const dt = v.sum - (a.routes[k]?.sum ?? 0);
    if (dn <= 0 || k.includes('/metrics')) continue;
    n += dn;
    time += dt;
    byRoute[k] = { perSecond: round(dn / secs, 1), meanMs: round((1000 * dt) / dn, 1) };
  }
  return {
    seconds: round(secs, 1),
    perSecond: round(n / secs, 1),
    meanMs: round((1000 * time) / Math.max(1, n), 1),
    byRoute,
  };
}

async function main() {
  onExitCleanup();
  const QUICK = argv.includes('--quick');
  const NO_FAIL = argv.includes('--no-fail');
  const users = num('--users', 10_000);
  const think = num('--think', 10);
  const rate = argv.includes('--rate') ? num('--rate', 0) : QUICK ? 200 : users / think;
  const duration = num('--duration', QUICK ? 30 : 300);
  const warmup = Number(arg('--warmup', QUICK ? '5' : '10'));
  const nAccounts = num('--accounts', 200);
  const connections = num('--connections', 1000);
  const timeoutMs = num('--timeout', 10) * 1000;
  const poolMax = num('--pool', 20);
  const REDIS = arg('--redis', '');
  const EXTERNAL = arg('--api', '');
  // --cpu-prof: the API runs under `node --cpu-prof`; the profile goes to bench/results/tmp/mixed-prof/ (not
  // committed) and the measured window's monotonic clock bounds (µs, as the profile's) to the results' JSON.
  const CPU_PROF = argv.includes('--cpu-prof') ? path.join(BENCH, 'results/tmp/mixed-prof') : '';
  if (CPU_PROF) rmSync(CPU_PROF, { recursive: true, force: true });
  const mix = { ...DEFAULT_MIX };
  for (const part of arg('--mix', '').split(',').filter(Boolean)) {
    const [k, w] = part.split('=');
    if (!KINDS.includes(k) || !(Number(w) >= 0)) throw new Error(`--mix: unknown kind or weight: ${part}`);
    mix[k] = Number(w);
  }
  const adminUrl = arg('--pg', process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbName = QUICK ? 'primetrade_bench_quick' : 'primetrade_bench';
  const dbUrl = arg(
    '--db',
    (() => {
      const u = new URL(adminUrl);
      u.pathname = `/${dbName}`;
      return u.toString();
    })(),
  );

  const seeded = await checkDataSet(dbUrl);
  if (!seeded) {
    console.error(
      `The bench data set is missing (${dbUrl}): run \`node bench/run.mjs --seed-only${QUICK ? ' --quick' : ''}\` first.`,
    );
    return { ok: false, setupError: true };
  }
  if (!EXTERNAL && !existsSync(API_SERVER)) {
    console.error('apps/api/dist/server.js is missing: run `npm run build` first.');
    return { ok: false, setupError: true };
  }
  // As bench/run.mjs: the rows earlier runs wrote go first (the heavy user stays the seeded one), and so do tasks a
  // killed run of this script left (its clean-up goes through the API; this is the fallback).
  const removed = (await removeBenchWrites(dbUrl)) + (await removeOwnLeftovers(dbUrl));
  if (removed > 0) console.log(`removed ${removed} tasks written by earlier runs`);
  const load0 = os.loadavg();
  console.log(
    `P11 mixed arrival-rate load (${QUICK ? 'quick' : 'full'}): ${round(rate, 0)} req/s for ${duration} s after a ${warmup} s warm-up; data ${seeded.users} users / ${seeded.tasks} tasks; ${os.cpus().length} CPUs, node ${process.version}, load ${load0.map((x) => x.toFixed(2)).join(' ')}`,
  );

  let apiProc = null;
  const PORT = 4112; // bench/run.mjs uses 4100–4105, bench/profile.mjs 4110
  let base = EXTERNAL.replace(/\/$/, '');
  if (!EXTERNAL) {
    apiProc = await startApi(
      'api',
      PORT,
      {
        DATABASE_URL: dbUrl,
        DATABASE_POOL_MAX: String(poolMax),
        ...(REDIS ? { REDIS_URL: REDIS, REDIS_KEY_PREFIX: 'ptbench:' } : {}),
        // --max-in-flight N: the API's admission cap (MAX_IN_FLIGHT; its default, 64, unless given).
        ...(arg('--max-in-flight', '') ? { MAX_IN_FLIGHT: arg('--max-in-flight', '') } : {}),
      },
      { nodeArgs: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [] },
    );
    base = `http://127.0.0.1:${PORT}`;
    console.log(
      `API ready in ${round(apiProc.readyMs / 1000, 1)} s (pool ${poolMax}, ${REDIS ? `Redis ${REDIS}` : 'no Redis'})`,
    );
  }

  const picked = await benchUsers(dbUrl, nAccounts - 1);
  const rows = [picked.heavy, ...picked.typical].slice(0, nAccounts);
  const t0 = performance.now();
  const { accounts, skipped } = await prepareAccounts(base, rows);
  if (skipped.ids) {
    console.warn(
      `warning: ${skipped.ids} task ids of the data set are not RFC 9562 UUIDs, which the API refuses (400): skipped (${skipped.accountsWithNone} accounts got a task created instead). Reseed: node bench/run.mjs --seed-only${QUICK ? ' --quick' : ''} --fresh`,
    );
  }
  console.log(
    `${accounts.length} accounts logged in and read in ${round((performance.now() - t0) / 1000, 1)} s (heavy user ${picked.heavy.email}: ${picked.heavy.n} tasks); ${users} simulated users → ${round(users / accounts.length, 0)} per account`,
  );

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pt-bench-mixed-'));
  const setupFile = path.join(tmp, 'setup.json');
  writeFileSync(
    setupFile,
    JSON.stringify({
      base,
      rate,
      duration,
      warmup,
      connections,
      timeoutMs,
      mix,
      keep: argv.includes('--keep'),
      password: BENCH_PASSWORD,
      marker: MARKER,
      accounts,
    }),
  );
  const before = apiProc ? await metricsOf(base) : null;
  const pids = { api: apiProc?.pid ?? null, generator: 0 };
  let snapStart = null;
  let snapEnd = null;
  let loadDuring = null;
  const windowUs = [0, 0];
  let mStart = null;
  let mEnd = null;
  const gen = spawnJson(
    SELF,
    { file: setupFile },
    {
      timeoutMs: (warmup + duration) * 1000 + timeoutMs + 300_000,
      onLine: (line) => {
        if (line === 'MEASURE') {
          windowUs[0] = Number(process.hrtime.bigint() / 1000n);
          snapStart = cpuSnapshot(pids);
          mStart = metricsOf(base);
          console.log(`warm-up done; measuring ${duration} s…`);
        }
        if (line === 'END') {
          windowUs[1] = Number(process.hrtime.bigint() / 1000n);
          snapEnd = cpuSnapshot(pids);
          loadDuring = os.loadavg();
          mEnd = metricsOf(base);
        }
      },
    },
  );
  pids.generator = gen.child.pid;
  let r;
  try {
    r = await gen.result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const after = await metricsOf(base);
  const apiServed = served(await mStart, await mEnd);
  const cpu = snapStart && snapEnd ? cpuUse(snapStart, snapEnd) : null;
  if (apiProc) await stop(apiProc, CPU_PROF ? 30_000 : 5000);
  // Creates whose 201 never reached the generator (it had timed out) still committed: with our own API stopped
  // (no cache to invalidate), they go by their title.
  if (r.cleanup && !EXTERNAL) r.cleanup.unacknowledged = await removeOwnLeftovers(dbUrl);
  if (CPU_PROF)
    console.log(`CPU profile of the API: ${path.relative(ROOT, CPU_PROF)}/ (window ${windowUs.join('–')} µs)`);

  // Verdict and report.
  const achieved = (r.answered - r.errors) / duration;
  const sentRate = r.sent / duration;
  const cls = { '5xx': 0, '4xx': 0, net: 0, timeouts: 0 };
  for (const [st, n] of Object.entries(r.statuses)) {
    if (st === 'timeout') cls.timeouts += n;
    else if (st.startsWith('net:')) cls.net += n;
    else if (Number(st) >= 500) cls['5xx'] += n;
    else if (Number(st) >= 400) cls['4xx'] += n;
  }
  const errors = r.errors + r.lost;
  const ok = r.p95 <= BAR.p95 && errors === 0 && achieved >= BAR.minAchieved * rate;
  const byKind = KINDS.map((k) => `${k}:n=${r.byKind[k].n},p95=${r.byKind[k].p95}ms,err=${r.byKind[k].errors}`).join(
    ',',
  );
  const shed = before && after ? after.shed - before.shed : null;
  const line = `P11 target=${round(rate, 0)}/s achieved=${round(achieved, 0)}/s sent=${round(sentRate, 0)}/s duration=${duration}s p50=${r.p50}ms p95=${r.p95}ms p99=${r.p99}ms max=${r.max}ms errors=${errors} (5xx=${cls['5xx']} 4xx=${cls['4xx']} net=${cls.net} timeouts=${cls.timeouts}${r.lost ? ` unanswered=${r.lost}` : ''}${shed ? ` shed503=${shed}` : ''}) by_kind=${byKind} ${ok ? 'ok' : 'missed'}`;
  console.log(line);
  if (r.samples.length) console.log(`error samples: ${JSON.stringify(r.samples)}`);
  if (cpu) {
    console.log(
      `CPU (cores, of ${cpu.cores}): busy ${cpu.busy} (kernel ${cpu.kernel}) = API ${cpu.api ?? 'n/a'} + PostgreSQL ${cpu.postgres} + Redis ${cpu.redis} + generator ${cpu.generator} + other ${cpu.other} (${cpu.otherTop.join(', ') || 'none'}); load ${loadDuring?.map((x) => x.toFixed(2)).join(' ')}`,
    );
  }
  if (apiServed) {
    const cpuMs = cpu?.api ? ` (${round((1000 * cpu.api) / apiServed.perSecond, 2)} ms of API CPU per request)` : '';
    console.log(
      `the API finished ${apiServed.perSecond} req/s in the window${cpuMs}, mean handler time ${apiServed.meanMs} ms: ${Object.entries(
        apiServed.byRoute,
      )
        .map(([k, v]) => `${k} ${v.perSecond}/s ${v.meanMs} ms`)
        .join('; ')}`,
    );
  }
  console.log(
    `generator lag p99 ${r.genLag.p99} ms (max ${r.genLag.max} ms); event-loop lag of the API at the end p99 ${after?.lagP99Ms ?? 'n/a'} ms; created ${r.createdIds} tasks${r.cleanup ? `, deleted ${r.cleanup.deleted} afterwards (+ ${r.cleanup.unacknowledged ?? 'n/a'} created for requests that had timed out)` : ''}`,
  );

  const doc = {
    date: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    machine: machineInfo(),
    config: {
      target: rate,
      users,
      think,
      duration,
      warmup,
      accounts: accounts.length,
      heavyUser: { email: picked.heavy.email, tasks: picked.heavy.n },
      skippedNonRfcIds: skipped.ids,
      connections,
      timeoutMs,
      poolMax,
      redis: REDIS || (EXTERNAL ? 'unknown (external API)' : 'none (in-process limits and cache)'),
      api: EXTERNAL || 'built server started by the bench',
      data: seeded,
      mix,
      arrivals: 'Poisson (exponential gaps); latency from the scheduled arrival time',
    },
    bar: 'p95 ≤ 200 ms, 0 errors, achieved ≥ 95 % of the target (quality.md P11: 1,000 req/s for 5 min; stretch 2,000)',
    pass: ok,
    line,
    achieved: round(achieved, 1),
    sent: r.sent,
    answered: r.answered,
    unanswered: r.lost,
    errors,
    errorClasses: cls,
    shed503: shed,
    latencyMs: { p50: r.p50, p95: r.p95, p99: r.p99, max: r.max },
    byKind: r.byKind,
    statuses: r.statuses,
    series: r.series,
    errorSamples: r.samples,
    generatorLagMs: r.genLag,
    cpuCores: cpu,
    loadAverage: { before: load0, end: loadDuring },
    apiEventLoop: after && { lagP99Ms: after.lagP99Ms, lagMaxMs: after.lagMaxMs },
    apiServed,
    created: r.createdIds,
    cleanup: r.cleanup,
    cpuProfile: CPU_PROF ? { dir: path.relative(ROOT, CPU_PROF), windowUs } : undefined,
  };
  const dir = path.join(BENCH, 'results');
  mkdirSync(dir, { recursive: true });
  const name = QUICK ? 'mixed-quick' : 'mixed';
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  const pctOf = (k) => `${round((100 * r.byKind[k].n) / Math.max(1, r.answered), 1)} %`;
  const md = [
    `# P11 mixed arrival-rate load (${doc.mode}, ${doc.date})`,
    '',
    `\`node bench/mixed.mjs ${argv.join(' ')}\` — ${doc.machine.cpus} CPUs (${doc.machine.model}), node ${doc.machine.node}; data ${seeded.users} users / ${seeded.tasks} tasks; ${accounts.length} accounts (heavy user included) for ${users} simulated users; ${doc.config.redis === 'none (in-process limits and cache)' ? 'no Redis' : `Redis: ${doc.config.redis}`}; pool ${poolMax}; Poisson arrivals, latency from the scheduled time; ${warmup} s warm-up not counted.`,
    '',
    `**${line}**`,
    '',
    `Bar: ${doc.bar} — **${ok ? 'met' : 'missed'}**.`,
    '',
    '| kind | requests | share | p50 ms | p95 ms | p99 ms | max ms | errors | statuses |',
    '|---|---|---|---|---|---|---|---|---|',
    ...KINDS.map((k) => {
      const b = r.byKind[k];
      return `| ${k} | ${b.n} | ${pctOf(k)} | ${b.p50} | ${b.p95} | ${b.p99} | ${b.max} | ${b.errors} | ${Object.entries(
        b.statuses,
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')} |`;
    }),
    `| **all** | ${r.answered} | | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${errors} | |`,
    '',
    cpu
      ? `CPU over the measured window (cores of ${cpu.cores}): busy ${cpu.busy} (kernel time ${cpu.kernel}) — API ${cpu.api ?? 'n/a'}, PostgreSQL ${cpu.postgres} (all its processes), Redis ${cpu.redis}, load generator ${cpu.generator}, the rest ${cpu.other} (top: ${cpu.otherTop.join(', ') || 'none'}; includes kernel time not charged to a process). Load average at the end: ${loadDuring?.map((x) => x.toFixed(2)).join(' ')}.`
      : '',
    '',
    apiServed
      ? `The API itself finished ${apiServed.perSecond} req/s during the window (its request-duration histogram, which may include answers to clients that had already timed out), mean handler time ${apiServed.meanMs} ms${cpu?.api ? `, ${round((1000 * cpu.api) / apiServed.perSecond, 2)} ms of API CPU per request` : ''}: ${Object.entries(
          apiServed.byRoute,
        )
          .map(([k, v]) => `\`${k}\` ${v.perSecond}/s ${v.meanMs} ms`)
          .join(', ')}.`
      : '',
    '',
    `Generator lag (dispatch − scheduled) p99 ${r.genLag.p99} ms, max ${r.genLag.max} ms. API event-loop lag p99 ${after?.lagP99Ms ?? 'n/a'} ms; 503 shed during the run: ${shed ?? 'n/a'}. Tasks created ${r.createdIds}${r.cleanup ? `, deleted afterwards ${r.cleanup.deleted} (+ ${r.cleanup.unacknowledged ?? 'n/a'} created for requests whose client had timed out)` : ''}.`,
    '',
    `Per ${SERIES_S} s window (by scheduled time):`,
    '',
    '| t (s) | requests | p95 ms | errors |',
    '|---|---|---|---|',
    ...r.series.map((s) => `| ${s.t} | ${s.n} | ${s.p95 ?? ''} | ${s.errors} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, `${name}.md`), md);
  console.log(`wrote bench/results/${name}.{json,md}`);
  return { ok, noFail: NO_FAIL };
}

if (process.argv[2]?.startsWith('{')) {
  generator(JSON.parse(process.argv[2]).file).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().then(
    ({ ok }) => process.exit(ok || argv.includes('--no-fail') ? 0 : 1),
    async (err) => {
      console.error(err);
      await stopAll();
      process.exit(argv.includes('--no-fail') ? 0 : 1);
    },
  );
}
