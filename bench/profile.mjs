/**
 * Where the API's time goes on one hot route: runs the built API with `node --cpu-prof` against the bench database,
 * drives the route with 50 connections (autocannon, another process; 32 for writes), stops it, and prints the self
 * time by source package/file (through dist's source map) and the hottest functions.
 *
 *   node bench/profile.mjs [--quick] [--pglite] [--seconds 15] [--route list|conditional|get|create|patch|stats|search|sse|login] [--path /api/v1/…]
 * `--route` (default list) picks a preset: the list (P1), login (P7), one task (P2's route without If-None-Match), create (P6),
 * PATCH (P17, round-robin over 200 tasks), stats (P5), a search (P4's `q`), or the SSE fan-out (200 open streams of
 * the user — `--streams N` — while creates run: the profile is the fan-out's, the creates' share included). `--path` profiles any GET.
 * Writes bench/results/profile[-<route>].txt. Needs the bench data set (`npm run bench:quick` or `npm run bench` once).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import {
  benchUsers,
  copyPgliteData,
  DATA_SIZES,
  ensureDatabase,
  ensurePgliteData,
  removeBenchWrites,
  SEED_PASSWORD,
} from './lib/data.mjs';
import {
  API_SERVER,
  api,
  BENCH,
  BENCH_PASSWORD,
  cliArgs,
  load,
  login,
  ROOT,
  round,
  sleep,
  startApi,
  stop,
} from './lib/util.mjs';

const { argv, arg } = cliArgs();
const QUICK = argv.includes('--quick');
const SECONDS = Number(arg('--seconds', '15'));
const ROUTE = arg('--route', 'list');
const PATH = arg('--path', '');
const STREAMS = Number(arg('--streams', '200'));
/** `--pglite`: the embedded mode (P12's side) on the seeded PGlite copy of the same data set; no PostgreSQL. */
const PGLITE = argv.includes('--pglite');
const dir = path.join(BENCH, 'results/profile');
const LIST = '/api/v1/tasks';

const url = await ensureDatabase(
  process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  QUICK ? 'primetrade_bench_quick' : 'primetrade_bench',
);
// The creates of earlier profile runs (and of the benches) are removed first: left in place they grew the profiled
// user past the heavy one (~12,000 'profile create' tasks once), which changed which user every bench picks and turned
// the search preset into a heavy-user search.
await removeBenchWrites(url);
const users = await benchUsers(url, 1);
rmSync(dir, { recursive: true, force: true });
const dataDir = PGLITE ? copyPgliteData((await ensurePgliteData(QUICK ? DATA_SIZES.quick : DATA_SIZES.full)).dir) : '';
const apiProc = await startApi(
  'api-prof',
  4110,
  // The SSE preset holds STREAMS streams of one user: the per-user cap (default 20) raised above that.
  {
    ...(PGLITE ? { DATA_DIR: dataDir } : { DATABASE_URL: url }),
    SSE_MAX_STREAMS_PER_USER: String(STREAMS + 1),
  },
  { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], timeoutMs: 180_000 },
);
// A failed run must not leave its API holding the port (the next run's API would fail to listen and its load
// would hit this one).
process.on('exit', () => {
  if (apiProc.exitCode === null) apiProc.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
const base = 'http://127.0.0.1:4110';
// Right after start, on a loaded machine, the load shedding may refuse the first login (503): retried.
let u;
for (let attempt = 1; !u; attempt++) {
  try {
    u = await login(base, users.typical[0].email, PGLITE ? SEED_PASSWORD : undefined);
  } catch (e) {
    if (attempt >= 5 || !/ 503 /.test(String(e))) throw e;
    await sleep(2000);
  }
}
const headers = { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' };
const createBody = JSON.stringify({
  title: 'profile create',
  description: 'created by bench/profile.mjs',
  priority: 'high',
});

/** The load of each preset: autocannon options, and what to clean up afterwards. */
async function preset() {
  if (PATH) return { label: `GET ${PATH}`, opts: { url: base + PATH, headers } };
  const one = (await api(base, 'GET', `${LIST}?limit=1`, { token: u.token })).json.data[0];
  switch (ROUTE) {
    case 'list':
      return { label: `GET ${LIST}`, opts: { url: base + LIST, headers } };
    case 'get':
      return { label: `GET ${LIST}/:id`, opts: { url: `${base}${LIST}/${one.id}`, headers } };
    case 'conditional': {
      // P2: the list with its current ETag in If-None-Match, answered 304 (counted as non-2xx below: all of them).
      const first = await fetch(base + LIST, { headers: { authorization: headers.authorization } });
      await first.arrayBuffer();
      const etag = first.headers.get('etag') ?? '';
      return {
        label: `GET ${LIST} + If-None-Match (304)`,
        opts: { url: base + LIST, headers: { ...headers, 'if-none-match': etag } },
      };
    }
    case 'stats':
      return { label: `GET ${LIST}/stats`, opts: { url: `${base}${LIST}/stats`, headers } };
    case 'search': {
      const word = (one.title.split(/\s+/).find((w) => w.length > 4) ?? one.title).toLowerCase();
      return { label: `GET ${LIST}?q=${word}`, opts: { url: `${base}${LIST}?q=${encodeURIComponent(word)}`, headers } };
    }
    case 'login':
      // P7's route at P7's 4 connections: the main thread's share is what a login costs beyond its hash (argon2
      // runs on libuv's threadpool, which --cpu-prof does not sample).
      return {
        label: 'POST /api/v1/auth/login',
        connections: 4,
        opts: {
          url: `${base}/api/v1/auth/login`,
          method: 'POST',
          body: JSON.stringify({ email: users.typical[0].email, password: BENCH_PASSWORD }),
          headers: { 'content-type': 'application/json' },
        },
      };
    case 'create':
      return {
        label: `POST ${LIST}`,
        connections: 32,
        opts: { url: base + LIST, method: 'POST', body: createBody, headers },
      };
    case 'patch': {
      const ids = [];
      for (let i = 0; i < 200; i++) {
        const r = await api(base, 'POST', LIST, { token: u.token, body: { title: `profile patch ${i}` } });
        ids.push(r.json.data.id);
      }
      const bodies = ids.flatMap((id, i) =>
        [0, 1, 2, 3].map((k) => ({
          path: `${LIST}/${id}`,
          body: { status: k % 2 ? 'pending' : 'in_progress', title: `profile patch ${i} ${k}` },
        })),
      );
      return {
        label: `PATCH ${LIST}/:id`,
        connections: 32,
        opts: { url: base + LIST, method: 'PATCH', bodies, headers },
      };
    }
    case 'sse': {
      // bench/lib/sse-client.mjs (P8's stream holder, its own process): --streams (200) streams of this user, held for
      // the run. The fan-out's cost per event per stream = (API CPU per create here − without streams) ÷ streams.
      const input = { base, tokens: [u.token], streams: STREAMS, listen: SECONDS + 10, batch: 100 };
      const holder = spawn(process.execPath, [path.join(BENCH, 'lib/sse-client.mjs'), JSON.stringify(input)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const ready = await new Promise((resolve) => {
        let out = '';
        holder.stdout.on('data', (d) => {
          out += d;
          const m = /READY (\d+) (\d+)/.exec(out);
          if (m) resolve({ open: Number(m[1]), failed: Number(m[2]) });
        });
      });
      if (ready.open < STREAMS)
        throw new Error(`only ${ready.open} of ${STREAMS} streams opened (${ready.failed} refused)`);
      return {
        label: `SSE fan-out: ${STREAMS} streams of the user, POST ${LIST} at 32 connections`,
        connections: 32,
        opts: { url: base + LIST, method: 'POST', body: createBody, headers },
        after: () => holder.kill('SIGKILL'),
      };
    }
    default:
      throw new Error(`unknown --route ${ROUTE} (list, get, create, patch, stats, search, sse, login)`);
  }
}

/** CPU seconds (user + system) of a process, or of every process named `comm`, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** CPU seconds of every process named `comm`, by PID. */
function cpuByPid(comm) {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) out.set(pid, cpuSeconds(pid));
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * The PIDs of the PostgreSQL backends serving this API process: its sockets (from /proc/<pid>/fd) matched in
 * /proc/net/tcp{,6} to their local ports, and those ports to `pg_stat_activity.client_port`. Only these are
 * counted — on a shared machine the other PostgreSQL sessions (other suites, other engineers) come and go, and a
 * session that exits during the window would even subtract its whole past from a machine-wide sum.
 */
async function backendsOf(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length < 10 || !inodes.has(c[9])) continue;
      const [, localPort] = c[1].split(':');
      const [, remotePort] = c[2].split(':');
      if (Number.parseInt(remotePort, 16) === 5432) ports.push(Number.parseInt(localPort, 16));
    }
  }
  if (ports.length === 0) return [];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query('select pid from pg_stat_activity where client_port = any($1::int[])', [ports]);
    return r.rows.map((row) => String(row.pid));
  } finally {
    await client.end();
  }
}

const p = await preset();
const connections = p.connections ?? 50;
// V8's profile timestamps and hrtime are both CLOCK_MONOTONIC (µs / ns): keep only the samples of the measured
// window (after the load's 3 s warm-up), so start-up (module loading, migrations) is not counted.
const WARMUP = 3;
const windowStart = Number(process.hrtime.bigint() / 1000n) + WARMUP * 1e6;
const cpu0 = { api: cpuSeconds(apiProc.pid), pg: cpuByPid('postgres') };
const r = await load({ ...p.opts, connections, duration: SECONDS, warmup: WARMUP });
const windowEnd = Number(process.hrtime.bigint() / 1000n);
// CPU per request over the whole load (warm-up included, counted at the measured rate): the API process, and the
// PostgreSQL backends serving it (not the server's background processes: WAL writer, checkpointer, autovacuum).
const perReq = (s) => round((1000 * s) / Math.max(1, r.rps * (SECONDS + WARMUP)), 2);
const pg1 = cpuByPid('postgres');
const ours = await backendsOf(apiProc.pid);
const cpu = {
  api: cpuSeconds(apiProc.pid) - cpu0.api,
  // A backend born during the load started at ~0 (its fork and authentication are counted from there).
  pg: ours.reduce((sum, pid) => sum + (pg1.get(pid) ?? 0) - (cpu0.pg.get(pid) ?? 0), 0),
};
const cpuLine = PGLITE
  ? `CPU per request: API with its embedded PGlite ${perReq(cpu.api)} ms (the API's with --cpu-prof's own cost)`
  : `CPU per request: API ${perReq(cpu.api)} ms, PostgreSQL ${perReq(cpu.pg)} ms (its ${ours.length} backends serving this API; the API's with --cpu-prof's own cost)`;
console.log(`load: ${round(r.rps)} req/s p50=${r.p50}ms p99=${r.p99}ms non2xx=${r.non2xx}; ${cpuLine}`);
await p.after?.();
await stop(apiProc, 20_000);

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no .cpuprofile written');
const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const distDir = path.dirname(API_SERVER);
// One source map per emitted file: the build splits code into chunks (chunk-*.js), so server.js.map alone maps
// most frames to the wrong source.
const maps = new Map();
function mapOf(file) {
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
    } catch {
      maps.set(file, null);
    }
  }
  return maps.get(file);
}

// Self time per node: samples × their time deltas.
const self = new Map();
let ts = prof.startTime;
prof.samples.forEach((id, i) => {
  ts += prof.timeDeltas[i] ?? 0;
  if (ts < windowStart || ts > windowEnd) return;
  self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(cf) {
  if (!cf.url) return { pkg: `(${cf.functionName || 'native'})`, file: '' };
  if (cf.url.startsWith('node:')) return { pkg: 'node internals', file: cf.url };
  const p = cf.url.replace('file://', '');
  if (p.startsWith(distDir)) {
    const e = mapOf(p)?.findEntry(cf.lineNumber, cf.columnNumber);
    // Sources are relative to the map's folder (../src/…, ../../../node_modules/…): made absolute.
    const src = e?.originalSource ? path.resolve(distDir, e.originalSource.replace(/^file:\/\//, '')) : '';
    const nm = src.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = src.slice(nm + 13).split('/');
      const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
      return { pkg, file: src.slice(nm + 13) };
    }
    // A build in another folder (BENCH_API_SERVER=apps/api/.dist-x/server.js from a copy like apps/api/.x/src) maps to the same areas.
    const m = /(apps|packages)\/.*$/.exec(src.replace(/\/\.[^/]+\/src\//, '/src/'));
    return { pkg: m ? m[0].split('/').slice(0, 4).join('/') : 'app', file: m ? m[0] : src };
  }
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + 13).split('/');
    return { pkg: rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0], file: p.slice(nm + 13) };
  }
  return { pkg: p, file: p };
}

const byPkg = new Map();
const byFn = new Map();
for (const n of prof.nodes) {
  const ms = self.get(n.id) ?? 0;
  if (!ms) continue;
  const w = where(n.callFrame);
  byPkg.set(w.pkg, (byPkg.get(w.pkg) ?? 0) + ms);
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${w.file}`;
  byFn.set(key, (byFn.get(key) ?? 0) + ms);
}
const top = (m, k) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(
      ([name, ms]) =>
        `${round((100 * ms) / total, 1)
          .toString()
          .padStart(5)} %  ${name}`,
    );
const out = [
  `CPU profile of the API under ${p.label} (${connections} connections, ${SECONDS} s, ${round(r.rps)} req/s, ${r.non2xx} non-2xx): ${round(total / 1000, 1)} s of samples`,
  cpuLine,
  '',
  'self time by package / source area:',
  ...top(byPkg, 20),
  '',
  'hottest functions (self time):',
  ...top(byFn, 25),
];
console.log(out.join('\n'));
const name = `${PATH || ROUTE === 'list' ? 'profile' : `profile-${ROUTE}`}${PGLITE ? '-pglite' : ''}.txt`;
writeFileSync(path.join(BENCH, 'results', name), `${out.join('\n')}\n`);
process.exit(0);
