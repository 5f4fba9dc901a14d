#!/usr/bin/env node
/**
 * The sqlmap gate of `.ci/suites/security.sh` (docs/security.md, "sqlmap"). Exit 0 only when:
 *   1. sqlmap is installed and reports the planted injectable routes of bench/security/planted-server.mjs as
 *      injectable (the positive control, run first with exactly the options of the real scan);
 *   2. every target of the real API (every list parameter of GET /api/v1/tasks, the export and admin queries, a
 *      path id, and the JSON bodies of the task, bulk, import, profile and auth routes) ends with sqlmap's own
 *      "all tested parameters do not appear to be injectable" verdict, every expected parameter shows up as tested,
 *      no injection point is reported (stdout, the output-dir `log` file or the results CSV), and the baseline
 *      request answered what it should (so the scan did not test an error path by mistake);
 *   3. nothing was cut by the time budget, no response was a 5xx and the API logged no error line.
 * Anything else (scanner missing, target unreachable, no verdict line, budget reached) fails.
 *
 * Options (environment): SQLMAP_BUDGET_SECONDS (wall-clock budget of all sqlmap runs against the API, default 420),
 * SQLMAP_PARALLEL (concurrent sqlmap processes, default 3), SQLMAP_THREADS (per process, default 4),
 * SQLMAP_LEVEL (≥ 3, default 3), SQLMAP_RISK (≥ 2, default 2), SQLMAP_ONLY (comma list of target names),
 * SQLMAP_FAULT (planted-fixed | unreachable: a planted fault that must make the gate fail),
 * SECURITY_PG_URL (a PostgreSQL maintenance URL; default postgres://postgres@127.0.0.1:5432/postgres; the API
 * and the planted server use a fresh database there, or embedded PGlite when it is not reachable).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = path.join(ROOT, 'bench/security');

const env = process.env;
const LEVEL = Number(env.SQLMAP_LEVEL ?? 3);
const RISK = Number(env.SQLMAP_RISK ?? 2);
const BUDGET_S = Number(env.SQLMAP_BUDGET_SECONDS ?? 420);
const PARALLEL = Number(env.SQLMAP_PARALLEL ?? 3);
const THREADS = Number(env.SQLMAP_THREADS ?? 4);
const TECHNIQUE = 'BEUSTQ';
const TIME_SEC = 2;
// A planted fault, to show the gate failing: planted-fixed (the control route binds its values) or unreachable
// (the API is killed before the scan).
const FAULT = env.SQLMAP_FAULT ?? '';
const ONLY = env.SQLMAP_ONLY ? new Set(env.SQLMAP_ONLY.split(',')) : null;
const PASSWORD = 'violet staple orbit lantern';

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`FAIL: ${msg}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

if (LEVEL < 3 || RISK < 2) {
  console.error(`sqlmap gate: level ${LEVEL} / risk ${RISK} is below the gate's floor (level ≥ 3, risk ≥ 2)`);
  process.exit(1);
}
const version = spawnSync('sqlmap', ['--version'], { encoding: 'utf8' });
if (version.status !== 0 && !version.stdout) {
  console.error('sqlmap gate: sqlmap is not installed or does not run; the scan could not be made (FAIL)');
  process.exit(1);
}
const sqlmapVersion = version.stdout.split('\n')[0].trim();

const work = mkdtempSync(path.join(os.tmpdir(), 'pt-sqlmap-'));
const children = new Set();
let dbDrop = null;
const scanners = new Set(); // sqlmap process groups still running

// Interrupted (CI timeout, Ctrl-C): stop our own children and drop the throwaway database before leaving.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    for (const pid of scanners) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    await stopAll();
    if (dbDrop) await dbDrop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
    console.error(`sqlmap gate: interrupted by ${signal} (FAIL)`);
    process.exit(1);
  });
}

// ---- processes --------------------------------------------------------------------------------------------------

/** The environment of a child: ours without the settings that would point it at shared services. */
function childEnv(extra) {
  const e = { ...env, ...extra };
  for (const k of ['REDIS_URL', 'METRICS_TOKEN', 'DATABASE_REPLICA_URL', 'SMTP_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'])
    delete e[k];
  if (!extra.DATABASE_URL) delete e.DATABASE_URL;
  return e;
}

function startProcess(name, cmd, args, extraEnv) {
  const log = path.join(work, `${name}.log`);
  const out = createWriteStream(log);
  const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return { child, log };
}

async function stopAll() {
  for (const child of children) child.kill('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (children.size && Date.now() < deadline) await sleep(100);
  for (const child of children) child.kill('SIGKILL');
}

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, timeoutMs, proc) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) return false;
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return true;
    } catch {}
    await sleep(250);
  }
  return false;
}

// ---- database -----------------------------------------------------------------------------------------------------

async function pickDatabase() {
  const adminUrl = env.SECURITY_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    return { kind: 'PGlite', reason: `PostgreSQL not reachable at ${adminUrl} (${err.message})` };
  }
  const name = `pt_security_${randomBytes(4).toString('hex')}`;
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'PostgreSQL',
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// ---- sqlmap -------------------------------------------------------------------------------------------------------

/** One sqlmap process; resolves with its parsed result. Killed (whole process group) at `deadline`. */
function runSqlmap(target, deadline) {
  const dir = path.join(work, 'sqlmap', target.name);
  const traffic = path.join(work, 'sqlmap', `${target.name}.traffic`);
  const args = [
    '-u',
    target.url,
    ...(target.data !== undefined ? ['--data', target.data] : []),
    ...(target.method && target.method !== 'GET' && target.method !== 'POST' ? ['--method', target.method] : []),
    ...(target.params ? ['-p', target.params.join(',')] : []),
    ...(target.skip ? [`--skip=${target.skip.join(',')}`] : []),
    ...(target.headers ? ['--headers', target.headers.join('\\n')] : []),
    '--batch',
    `--level=${LEVEL}`,
    `--risk=${RISK}`,
    `--technique=${TECHNIQUE}`,
    `--time-sec=${TIME_SEC}`,
    '--dbms=PostgreSQL',
    `--threads=${THREADS}`,
    '--ignore-code=401',
    '--timeout=15',
    '--retries=1',
    '--skip-waf',
    '--flush-session',
    '--disable-coloring',
    `--output-dir=${dir}`,
    '-t',
    traffic,
  ];
  mkdirSync(path.dirname(dir), { recursive: true });
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('sqlmap', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    scanners.add(child.pid);
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    let killed = false;
    const timer = setTimeout(
      () => {
        killed = true;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      },
      Math.max(0, deadline - Date.now()),
    );
    child.on('error', (err) => {
      log += `\nspawn error: ${err.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      scanners.delete(child.pid);
      writeFileSync(`${dir}.log`, log);
      resolve(parseRun(target, { log, code, killed, ms: Date.now() - started, dir, traffic }));
    });
  });
}

function parseRun(target, run) {
  const { log, dir, traffic } = run;
  const requests = existsSync(traffic) ? readFileSync(traffic, 'latin1') : '';
  const sent = (requests.match(/^HTTP request \[#\d+\]/gm) ?? []).length;
  const statuses = {};
  for (const m of requests.matchAll(/^HTTP response \[#\d+\] \((\d{3})/gm)) statuses[m[1]] = (statuses[m[1]] ?? 0) + 1;
  const tested = [
    ...new Set([...log.matchAll(/testing for SQL injection on (?:.+? )?parameter '([^']+)'/g)].map((m) => m[1])),
  ];
  const clean = /all tested parameters do not appear to be injectable/.test(log);
  // Findings, from every place sqlmap records one: the stdout summary, the `log` file of the output dir, and the
  // results CSV (a row whose note is not "false positive or unexploitable").
  const points = new Set([...log.matchAll(/^Parameter: (.+?) \(/gm)].map((m) => m[1]));
  let found = /sqlmap identified the following injection point/.test(log);
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir, { recursive: true })) {
      const file = path.join(dir, String(entry));
      if (!statSync(file).isFile()) continue;
      const base = path.basename(file);
      if (base === 'log' && statSync(file).size > 0) {
        found = true;
        for (const m of readFileSync(file, 'utf8').matchAll(/^Parameter: (.+?) \(/gm)) points.add(m[1]);
      }
      if (base.startsWith('results-') && base.endsWith('.csv')) {
        for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
          const cols = line.split(',');
          if (cols.length >= 5 && cols.at(-1).trim() === '') {
            found = true;
            points.add(cols.at(-3));
          }
        }
      }
    }
  }
  const errors = log
    .split('\n')
    .filter((l) => /\[(ERROR|CRITICAL)\]/.test(l) && !/all tested parameters do not appear/.test(l))
    .map((l) => l.trim());
  return { ...run, target, sent, statuses, tested, clean, found, points: [...points], errors };
}

// ---- the run ------------------------------------------------------------------------------------------------------

async function api(base, method, url, { token, body, headers = {} } = {}) {
  const r = await fetch(base + url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, json, text };
}

async function metricsTotals(base) {
  const r = await fetch(`${base}/metrics`).catch(() => null);
  if (!r?.ok) return null;
  const totals = { all: 0, s5xx: 0 };
  for (const m of (await r.text()).matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    const n = Number(m[2]);
    totals.all += n;
    const status = /status="(\d+)"/.exec(m[1])?.[1] ?? '';
    if (status.startsWith('5')) totals.s5xx += n;
  }
  return totals;
}

function printRow(kind, r, verdict, ok) {
  const st = Object.entries(r.statuses)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  const params = r.tested.length ? r.tested.join(', ') : '—';
  console.log(
    `${ok ? 'PASS' : 'FAIL'}  ${kind.padEnd(7)} ${r.target.name.padEnd(18)} ${verdict.padEnd(34)} ${String(r.sent).padStart(5)} req  ${secs(r.ms).padStart(7)}  [${params}]  ${st}`,
  );
}

/**
 * The parameter names sqlmap must report as tested: the -p list (JSON keys as "JSON <key>"), else every JSON key
 * that holds a scalar (array items get sqlmap's "#n*" names and are counted by jsonLeaves), plus User-Agent at
 * level ≥ 3 unless skipped.
 */
function expectedNames(t) {
  if (t.params) return t.params.map((p) => (t.data && p !== 'User-Agent' ? `JSON ${p}` : p));
  const names = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (x === null || typeof x !== 'object') names.push(`JSON ${k}`);
        else walk(x);
      }
    }
  };
  if (t.data) walk(JSON.parse(t.data));
  if (!t.skip?.includes('User-Agent')) names.push('User-Agent');
  return names;
}

/** Expected injection points of a JSON body: every scalar leaf (sqlmap marks strings, numbers, booleans, null). */
function jsonLeaves(value) {
  if (Array.isArray(value)) return value.reduce((n, v) => n + jsonLeaves(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n, v) => n + jsonLeaves(v), 0);
  return 1;
}

async function main() {
  console.log(
    `sqlmap gate: ${sqlmapVersion}; level ${LEVEL}, risk ${RISK}, techniques ${TECHNIQUE}, --time-sec=${TIME_SEC}, ${THREADS} threads × ${PARALLEL} parallel runs, budget ${BUDGET_S} s`,
  );
  const db = await pickDatabase();
  dbDrop = db.drop ?? null;
  console.log(`database: ${db.kind}${db.reason ? ` (${db.reason})` : ''}`);

  // ---- the planted control -------------------------------------------------------------------------------------
  const plantedPort = await freePort();
  const planted = startProcess('planted', process.execPath, [path.join(HERE, 'planted-server.mjs')], {
    PORT: String(plantedPort),
    ...(db.url ? { PLANTED_DATABASE_URL: db.url } : {}),
    ...(FAULT === 'planted-fixed' ? { PLANTED_FIXED: '1' } : {}),
  });
  const plantedBase = `http://127.0.0.1:${plantedPort}`;

  // ---- the API -------------------------------------------------------------------------------------------------
  const apiPort = await freePort();
  const dist = path.join(ROOT, 'apps/api/dist/server.js');
  const [cmd, args] = existsSync(dist)
    ? [process.execPath, [dist]]
    : [path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'apps/api/src/server.ts')]];
  const apiEnv = {
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    SERVE_WEB: 'false',
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(work, 'data'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_API_MAX: '1000000',
    RATE_LIMIT_AUTH_IP_MAX: '1000000',
    RATE_LIMIT_LOGIN_FAILURES_MAX: '1000000',
    RATE_LIMIT_TASK_CREATE_MAX: '1000000',
    // Load shedding off as well: like the rate limits, it would answer some payloads 503 before any handler ran.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_IN_FLIGHT: '0',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
  };
  const apiProc = startProcess('api', cmd, args, apiEnv);
  const base = `http://127.0.0.1:${apiPort}`;

  if (!(await waitHttp(`${plantedBase}/planted/stats`, 60_000, planted))) {
    fail(`the planted control server did not start:\n${readFileSync(planted.log, 'utf8').slice(-2000)}`);
    return;
  }
  const controls = [
    { name: 'planted-get', url: `${plantedBase}/planted/notes?q=report`, params: ['q'], expect: 'q' },
    {
      name: 'planted-json',
      url: `${plantedBase}/planted/login`,
      data: JSON.stringify({ email: 'ada@example.test', password: 'correct horse' }),
      skip: ['User-Agent', 'Referer'],
      expect: 'JSON email',
    },
  ];
  const controlDeadline = Date.now() + 120_000;
  console.log('\n--- positive control: the planted injectable routes (must be reported injectable)');
  const controlResults = await Promise.all(controls.map((c) => runSqlmap(c, controlDeadline)));
  for (const r of controlResults) {
    const ok = r.found && r.points.includes(r.target.expect) && !r.killed;
    printRow(
      'control',
      r,
      r.killed ? 'budget reached' : r.found ? `injectable: ${r.points.join(', ')}` : 'NOT found',
      ok,
    );
    if (!ok) {
      fail(
        `control ${r.target.name}: sqlmap did not report '${r.target.expect}' injectable — the scan cannot be trusted`,
      );
      console.error(r.log.split('\n').slice(-25).join('\n'));
    }
  }
  if (failures.length) return;

  // ---- seed the API --------------------------------------------------------------------------------------------
  if (!(await waitHttp(`${base}/health/ready`, 180_000, apiProc))) {
    fail(`the API did not become ready on ${base}:\n${readFileSync(apiProc.log, 'utf8').slice(-3000)}`);
    return;
  }
  const email = 'sqlmap@example.test';
  const reg = await api(base, 'POST', '/api/v1/auth/register', { body: { name: 'Sqlmap', email, password: PASSWORD } });
  if (reg.status !== 201) {
    fail(`seed: register answered ${reg.status}: ${reg.text.slice(0, 300)}`);
    return;
  }
  const { accessToken: token, refreshToken } = reg.json.data;
  const ids = [];
  for (const title of ['alpha report', 'beta invoice', 'gamma review']) {
    const r = await api(base, 'POST', '/api/v1/tasks', {
      token,
      body: { title, tags: ['work'], dueDate: '2031-01-01T00:00:00Z' },
    });
    if (r.status !== 201) {
      fail(`seed: create task answered ${r.status}: ${r.text.slice(0, 300)}`);
      return;
    }
    ids.push(r.json.data.id);
  }
  // A second user for the write targets, so that what they create or change never shows up in the reader's lists
  // while those are being scanned (a list that changes under sqlmap reads as a boolean difference).
  const wreg = await api(base, 'POST', '/api/v1/auth/register', {
    body: { name: 'Writer', email: 'writer@example.test', password: PASSWORD },
  });
  const writerToken = wreg.json?.data?.accessToken;
  const writerId = wreg.json?.data?.user?.id;
  const writerIds = [];
  for (const title of ['delta draft', 'epsilon plan', 'zeta notes']) {
    const r = await api(base, 'POST', '/api/v1/tasks', { token: writerToken, body: { title, tags: ['work'] } });
    if (r.status !== 201) {
      fail(`seed: create task (writer) answered ${r.status}: ${r.text.slice(0, 300)}`);
      return;
    }
    writerIds.push(r.json.data.id);
  }
  const page1 = await api(base, 'GET', '/api/v1/tasks?limit=1', { token });
  const cursor = page1.json?.meta?.nextCursor;
  // An admin for GET /admin/users (the documented CLI; PostgreSQL only: embedded PGlite is held by the server).
  let adminToken = null;
  if (db.kind === 'PostgreSQL') {
    const adminEmail = 'sqlmap-admin@example.test';
    await api(base, 'POST', '/api/v1/auth/register', {
      body: { name: 'Sqlmap Admin', email: adminEmail, password: PASSWORD },
    });
    const cliJs = path.join(ROOT, 'apps/api/dist/cli.js');
    const [ccmd, cargs] = existsSync(cliJs)
      ? [process.execPath, [cliJs]]
      : [path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'apps/api/src/cli.ts')]];
    const made = spawnSync(ccmd, [...cargs, 'make-admin', adminEmail], {
      cwd: ROOT,
      env: childEnv({ ...apiEnv, PORT: '0' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    const login = await api(base, 'POST', '/api/v1/auth/login', { body: { email: adminEmail, password: PASSWORD } });
    if (made.status === 0 && login.status === 200 && login.json.data.user.role === 'admin') {
      adminToken = login.json.data.accessToken;
    } else fail(`seed: make-admin failed (${made.status}): ${made.stderr || made.stdout}`);
  }

  const bearer = [`Authorization: Bearer ${token}`];
  const writer = [`Authorization: Bearer ${writerToken}`];
  const noHeaders = ['User-Agent', 'Referer'];
  const T = `${base}/api/v1/tasks`;
  const A = `${base}/api/v1/auth`;
  // `expect`: the status the unmodified request must get (checked before the scan); `weight`: rough cost, the
  // heaviest start first. Auth bodies keep the User-Agent as a parameter (it is stored with the session).
  const targets = [
    { name: 'list-q', url: `${T}?q=report&limit=5`, params: ['q'], headers: bearer, expect: 200, weight: 1 },
    { name: 'list-q-nomatch', url: `${T}?q=zzqxv&limit=5`, params: ['q'], headers: bearer, expect: 200, weight: 1 },
    {
      name: 'list-filters',
      url: `${T}?status=pending&priority=medium&tag=work&sort=title&limit=5`,
      params: ['status', 'priority', 'tag', 'sort', 'limit'],
      headers: bearer,
      expect: 200,
      weight: 3,
    },
    {
      name: 'list-dates',
      url: `${T}?dueBefore=2040-01-01T00:00:00Z&dueAfter=2020-01-01T00:00:00Z&overdue=false`,
      params: ['dueBefore', 'dueAfter', 'overdue'],
      headers: bearer,
      expect: 200,
      weight: 2,
    },
    {
      name: 'list-cursor',
      url: `${T}?limit=1&cursor=${encodeURIComponent(cursor ?? '')}`,
      params: ['cursor'],
      headers: bearer,
      expect: 200,
      weight: 1,
    },
    { name: 'list-page', url: `${T}?page=1&limit=5`, params: ['page'], headers: bearer, expect: 200, weight: 1 },
    {
      name: 'export',
      url: `${T}/export?format=json&q=report`,
      params: ['format', 'q'],
      headers: bearer,
      expect: 200,
      weight: 2,
    },
    // A custom '*' marker: sqlmap then tests only the marked point (the path id), no headers.
    { name: 'task-id', url: `${T}/${ids[0]}*`, headers: bearer, skip: noHeaders, expect: 200, weight: 1, points: 1 },
    {
      name: 'task-create',
      url: T,
      data: {
        title: 'alpha report',
        description: 'some text',
        status: 'pending',
        priority: 'medium',
        dueDate: '2031-01-01T00:00:00Z',
        tags: ['work', 'home'],
      },
      headers: writer,
      skip: noHeaders,
      expect: 201,
      weight: 4,
    },
    {
      name: 'task-patch',
      url: `${T}/${writerIds[0]}`,
      method: 'PATCH',
      data: {
        title: 'delta draft',
        description: 'some text',
        status: 'in_progress',
        priority: 'high',
        dueDate: '2031-01-01T00:00:00Z',
        tags: ['work'],
      },
      headers: writer,
      skip: noHeaders,
      expect: 200,
      weight: 4,
    },
    {
      name: 'task-put',
      url: `${T}/${writerIds[2]}`,
      method: 'PUT',
      data: {
        title: 'zeta notes',
        description: 'x',
        status: 'pending',
        priority: 'urgent',
        dueDate: null,
        tags: ['work'],
      },
      headers: writer,
      skip: noHeaders,
      expect: 200,
      weight: 4,
    },
    {
      name: 'preferences',
      url: `${base}/api/v1/users/me/preferences`,
      method: 'PATCH',
      data: { remindersEnabled: true, reminderLeadMinutes: 60 },
      headers: writer,
      skip: noHeaders,
      expect: 200,
      weight: 1,
    },
    {
      name: 'bulk',
      url: `${T}/bulk`,
      data: { action: 'update', ids: [writerIds[1]], patch: { priority: 'low', tags: ['work'] } },
      headers: writer,
      skip: noHeaders,
      expect: 200,
      weight: 3,
    },
    {
      name: 'import',
      url: `${T}/import`,
      data: [{ title: 'imported row', description: 'x', status: 'pending', priority: 'low', tags: ['work'] }],
      headers: writer,
      skip: noHeaders,
      expect: 200,
      weight: 4,
    },
    {
      name: 'users-me',
      url: `${base}/api/v1/users/me`,
      method: 'PATCH',
      data: { name: 'Writer', timezone: 'Europe/Paris' },
      headers: writer,
      skip: noHeaders,
      expect: 200,
      weight: 2,
    },
    {
      name: 'login',
      url: `${A}/login`,
      data: { email, password: PASSWORD },
      skip: ['Referer'],
      expect: 200,
      weight: 10,
    },
    {
      name: 'register',
      url: `${A}/register`,
      data: { name: 'Sqlmap', email, password: PASSWORD },
      skip: ['Referer'],
      expect: 409,
      weight: 10,
    },
    {
      name: 'verify-email',
      url: `${A}/verify-email`,
      data: { token: 'b'.repeat(43) },
      params: ['token'],
      expect: 400,
      weight: 1,
    },
    { name: 'forgot-password', url: `${A}/forgot-password`, data: { email }, skip: noHeaders, expect: 202, weight: 1 },
    {
      name: 'reset-password',
      url: `${A}/reset-password`,
      data: { token: 'a'.repeat(43), password: `${PASSWORD} two` },
      // sqlmap ignores parameters named like a token below level 4 unless -p names them.
      params: ['token', 'password'],
      expect: 400,
      weight: 2,
    },
    {
      name: 'refresh',
      url: `${A}/refresh`,
      data: { refreshToken: `${refreshToken.slice(0, -4)}AAAA` },
      params: ['refreshToken', 'User-Agent'],
      expect: 401,
      weight: 2,
    },
    ...(adminToken
      ? [
          {
            name: 'admin-users',
            url: `${base}/api/v1/admin/users?q=sqlmap&page=1&limit=5`,
            params: ['q', 'page', 'limit'],
            headers: [`Authorization: Bearer ${adminToken}`],
            expect: 200,
            weight: 3,
          },
          {
            name: 'admin-user-patch',
            url: `${base}/api/v1/admin/users/${writerId}`,
            method: 'PATCH',
            data: { role: 'user', isActive: true },
            headers: [`Authorization: Bearer ${adminToken}`],
            skip: noHeaders,
            expect: 200,
            weight: 1,
          },
        ]
      : []),
  ]
    .filter((t) => !ONLY || ONLY.has(t.name))
    .map((t) => ({ ...t, data: t.data === undefined ? undefined : JSON.stringify(t.data) }));
  if (!adminToken)
    console.log('admin-users: not measured (needs PostgreSQL: the CLI cannot open PGlite while the API holds it)');

  // Baselines: the unmodified request must answer what the scan assumes (an error path would test nothing).
  for (const t of targets) {
    const auth = t.headers?.[0]?.replace(/^Authorization: Bearer /, '');
    const r = await api(base, t.method ?? (t.data ? 'POST' : 'GET'), t.url.replace(base, '').replace(/\*$/, ''), {
      token: auth,
      body: t.data,
    });
    if (r.status !== t.expect)
      fail(`${t.name}: the baseline request answered ${r.status} (expected ${t.expect}): ${r.text.slice(0, 200)}`);
  }
  if (failures.length) return;

  const before = await metricsTotals(base);
  if (FAULT === 'unreachable') {
    apiProc.child.kill('SIGKILL');
    while (apiProc.child.exitCode === null && apiProc.child.signalCode === null) await sleep(50);
    console.log('(planted fault: the API was killed before the scan)');
  }
  console.log(`\n--- the API (${targets.length} targets; every one must end "not injectable")`);
  const started = Date.now();
  const deadline = started + BUDGET_S * 1000;
  const queue = [...targets].sort((a, b) => b.weight - a.weight);
  const results = [];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      while (queue.length) {
        const t = queue.shift();
        if (Date.now() >= deadline) {
          results.push({ target: t, sent: 0, statuses: {}, tested: [], ms: 0, killed: true, notStarted: true });
          continue;
        }
        const r = await runSqlmap(t, deadline);
        results.push(r);
        judge(r);
      }
    }),
  );
  const wall = Date.now() - started;
  for (const r of results.filter((x) => x.notStarted)) {
    printRow('target', r, 'not started: budget reached', false);
    fail(`${r.target.name}: not scanned, the budget of ${BUDGET_S} s was used up`);
  }
  const after = await metricsTotals(base);

  // ---- the API's own log: any error-level line (a SQL error would be one) fails ---------------------------------
  const apiLog = readFileSync(apiProc.log, 'utf8');
  const errorLines = apiLog.split('\n').filter((l) => /"level":("error"|"fatal"|50|60)/.test(l));
  if (errorLines.length) {
    fail(
      `the API logged ${errorLines.length} error line(s) during the scan, e.g.:\n${errorLines.slice(0, 3).join('\n')}`,
    );
  }

  const sent = results.reduce((n, r) => n + r.sent, 0) + controlResults.reduce((n, r) => n + r.sent, 0);
  const apiSent = results.reduce((n, r) => n + r.sent, 0);
  const params = results.reduce((n, r) => n + (r.tested?.length ?? 0), 0);
  const findings = results.filter((r) => r.found).length;
  const served = before && after ? after.all - before.all : null;
  console.log(
    `\nsqlmap summary: ${results.length} API runs in ${secs(wall)} (budget ${BUDGET_S} s); ${params} parameters tested; ` +
      `${apiSent} requests to the API (server counted ${served ?? 'n/a'}; ${after ? after.s5xx - before.s5xx : 'n/a'} × 5xx), ` +
      `${sent} including the planted control; findings: ${findings} on the API, ` +
      `${controlResults.filter((r) => r.found).length}/${controlResults.length} on the planted control (expected all)`,
  );
  if (before && after && after.s5xx - before.s5xx > 0)
    fail(`the API answered ${after.s5xx - before.s5xx} × 5xx during the scan`);
}

function judge(r) {
  const t = r.target;
  const expected = expectedNames(t);
  const missing = expected.filter((p) => !r.tested.includes(p));
  const minPoints = t.params ? t.params.length : t.data ? jsonLeaves(JSON.parse(t.data)) : (t.points ?? 1);
  const s5xx = Object.entries(r.statuses)
    .filter(([k]) => k.startsWith('5'))
    .reduce((n, [, v]) => n + v, 0);
  let verdict;
  let ok = false;
  if (r.killed) verdict = 'budget reached';
  else if (r.found) verdict = `INJECTABLE: ${r.points.join(', ')}`;
  else if (!r.clean) verdict = 'no verdict';
  else if (missing.length || r.tested.length < minPoints) verdict = `not all tested (${r.tested.length}/${minPoints})`;
  else if (s5xx) verdict = `${s5xx} × 5xx`;
  else {
    // sqlmap's own re-check of a candidate (a boolean difference it could not confirm): named, not hidden.
    const fp = [
      ...r.log.matchAll(/checking if the injection point on .*?parameter '([^']+)' is a false positive/g),
    ].map((m) => m[1]);
    verdict = `not injectable (${r.tested.length} params${fp.length ? `; sqlmap discarded a false positive on ${fp.join(', ')}` : ''})`;
    ok = true;
  }
  printRow('target', r, verdict, ok);
  if (!ok) {
    fail(`${t.name}: ${verdict}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`);
    const tail = r.errors.length ? r.errors.slice(-5) : r.log.split('\n').slice(-12);
    console.error(tail.join('\n'));
  }
}

let code = 1;
try {
  await main();
  code = failures.length ? 1 : 0;
} catch (err) {
  console.error(`sqlmap gate: ${err.stack ?? err}`);
} finally {
  await stopAll();
  if (dbDrop) await dbDrop().catch(() => {});
  if (!env.SQLMAP_KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
console.log(code === 0 ? 'sqlmap gate: PASS' : `sqlmap gate: FAIL (${failures.length} problem(s))`);
process.exit(code);
