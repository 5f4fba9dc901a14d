/**
 * Shared helpers of the benchmarks and fault tests: child processes (servers, load generators), readiness polling,
 * RSS, percentiles. Every wait is bounded in time; every target is 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH = path.join(ROOT, 'bench');
/** The built API; BENCH_API_SERVER names another build (a copy of dist: before/after runs of one change). */
export const API_SERVER = process.env.BENCH_API_SERVER
  ? path.resolve(process.env.BENCH_API_SERVER)
  : path.join(ROOT, 'apps/api/dist/server.js');
export const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789abcdef';
export const BENCH_PASSWORD = 'Qx7vR2-bench-Lm9wT-kettle';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** A script's command line: `argv` (the flags) and `arg(name, default)`, the value after a flag. */
export function cliArgs(argv = process.argv.slice(2)) {
  const arg = (name, def) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : def;
  };
  return { argv, arg };
}

/** The machine a result was measured on (results.json, mixed.json). */
export function machineInfo() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    memGb: round(os.totalmem() / 2 ** 30, 1),
  };
}

export const round = (x, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const children = new Set();
/** Spawn a process whose output goes to a ring buffer (printed when it dies unexpectedly). */
export function start(name, cmd, args, { env = {}, cwd = ROOT, quiet = true } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  // pino lines at level error or fatal, kept apart so a test can show why a request got a 500.
  const errors = [];
  const keep = (d) => {
    const text = d.toString();
    tail.push(text);
    if (tail.length > 40) tail.shift();
    for (const line of text.split('\n')) {
      if (errors.length < 20 && /"level":"(error|fatal)"/.test(line)) errors.push(line);
    }
    if (!quiet) process.stderr.write(`[${name}] ${d}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.name = name;
  child.tail = () => tail.join('');
  child.errors = errors;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  children.add(child);
  return child;
}

/** Stop one child we started (SIGTERM, then SIGKILL after graceMs). */
export async function stop(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(t);
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stop(c, 3000)));
}

/** Poll url until it answers `status` (default 200) or timeoutMs passes; returns ms waited or throws. */
export async function waitHttp(url, { timeoutMs = 30_000, status = 200, child } = {}) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (child && child.exitCode !== null) throw new Error(`${child.name} exited: ${child.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === status) return performance.now() - t0;
    } catch {
      // not up yet
    }
    await sleep(50);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms${child ? `: ${child.tail()}` : ''}`);
}

/** Environment of an API process for benches: production middleware on, limits raised for load. */
export function apiEnv(port, extra = {}) {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${port}`,
    JWT_SECRET,
    LOG_LEVEL: 'warn',
    SERVE_WEB: 'false',
    RATE_LIMIT_API_MAX: '1000000',
    RATE_LIMIT_TASK_CREATE_MAX: '1000000',
    RATE_LIMIT_AUTH_IP_MAX: '1000000',
    RATE_LIMIT_LOGIN_FAILURES_MAX: '1000000',
    ...extra,
  };
}

export async function startApi(name, port, env, opts = {}) {
  // `opts.server`: another build's server.js (a before/after pair measured in one run).
  const child = start(name, process.execPath, [...(opts.nodeArgs ?? []), opts.server ?? API_SERVER], {
    env: apiEnv(port, env),
  });
  const ms = await waitHttp(`http://127.0.0.1:${port}/health/live`, { child, timeoutMs: opts.timeoutMs ?? 180_000 });
  child.port = port;
  child.readyMs = ms;
  return child;
}

/**
 * Run a Node script as a separate process: `{ child, result }`, `result` resolving with the JSON it prints last on
 * stdout. `onLine` sees every complete line before that (progress); past `timeoutMs` the process is killed.
 */
export function spawnJson(script, input, { timeoutMs = 120_000, nodeArgs = [], onLine } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, script, JSON.stringify(input)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let seen = 0;
  child.stdout.on('data', (d) => {
    out += d;
    if (!onLine) return;
    const lines = out.split('\n');
    for (; seen < lines.length - 1; seen++) onLine(lines[seen]);
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`${path.basename(script)} failed (${code}): ${err.slice(-2000)} ${out.slice(-500)}`));
      }
    });
  });
  return { child, result };
}

/** Run a Node script as a separate process and parse the JSON it prints last on stdout. */
export function runJson(script, input, opts = {}) {
  return spawnJson(script, input, opts).result;
}

export const LOAD = path.join(BENCH, 'lib/load.mjs');
export const LATENCY = path.join(BENCH, 'lib/latency.mjs');

/** autocannon in its own process. */
export function load(opts) {
  return runJson(LOAD, opts, { timeoutMs: (opts.duration ?? 10) * 1000 + 60_000 });
}

/** Closed-loop latency sampler (exact percentiles) in its own process. */
export function latency(opts) {
  return runJson(LATENCY, opts, { timeoutMs: (opts.duration ?? 10) * 1000 + 60_000 });
}

export async function api(base, method, url, { token, body, headers = {}, timeoutMs = 30_000 } = {}) {
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
  const { text, json } = await readBody(res);
  return { status: res.status, headers: res.headers, json, text };
}

/**
 * A lean JSON client for timed loops on this 2-core box: node:http over one kept-alive connection per caller
 * (`agent`), no fetch machinery (Headers, streams, an AbortSignal timer per request). The load generator shares the
 * cores with the API and PostgreSQL; with fetch it took 0.45 of a core at P14's ~270 req/s, and every ms it spends
 * is queueing in the measured latency of the server. `{ status, json }`.
 */
export function keepAliveAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

export function apiLean(agent, base, method, url, { token, body } = {}) {
  const payload = body !== undefined ? JSON.stringify(body) : undefined;
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(base + url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {}
        resolve({ status: res.statusCode, json, text });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * `api` that never throws, for clients that keep going through a failover: a refused connection or a timeout is
 * `{ status: 0, error }`. `t0` / `t1`: when the request was sent and when its answer (or error) came.
 */
export async function apiOrError(base, method, url, opts = {}) {
  const t0 = performance.now();
  try {
    return { ...(await api(base, method, url, opts)), t0, t1: performance.now() };
  } catch (err) {
    return { status: 0, error: err?.name ?? 'error', t0, t1: performance.now() };
  }
}

/** A response's text, and its JSON when it is JSON (else undefined). */
export async function readBody(res) {
  const text = await res.text();
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

export async function login(base, email, password = BENCH_PASSWORD) {
  const r = await api(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text.slice(0, 200)}`);
  return { token: r.json.data.accessToken, userId: r.json.data.user.id, refreshToken: r.json.data.refreshToken };
}

export function onExitCleanup() {
  const bye = async (sig) => {
    await stopAll();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', bye);
  process.once('SIGTERM', bye);
}

/**
 * Failed requests of a load run (load.mjs's autocannon summary): connection errors (autocannon counts timeouts
 * among them) plus every answer whose status `ok` refuses (default: not 2xx). A benchmark figure made with failed
 * requests is not a measurement (run.mjs fails the run on any).
 */
export function failedRequests(r, ok = (code) => code >= 200 && code < 300) {
  const bad = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => !ok(Number(code)))
    .reduce((a, [, v]) => a + (v.count ?? 0), 0);
  return (r.errors ?? 0) + bad;
}
