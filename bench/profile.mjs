/**
 * Where the API's time goes under P1 load: runs the built API with `node --cpu-prof` against the bench database,
 * drives GET /api/v1/tasks with 50 connections (autocannon, another process), stops it, and prints the self time
 * by source package/file (through dist's source map) and the hottest functions.
 *
 *   node bench/profile.mjs [--quick] [--seconds 15] [--path /api/v1/tasks]
 * Needs the bench data set (run `npm run bench:quick` or `npm run bench` once first).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { benchUsers, ensureDatabase } from './lib/data.mjs';
import { API_SERVER, BENCH, cliArgs, load, login, round, startApi, stop } from './lib/util.mjs';

const { argv, arg } = cliArgs();
const QUICK = argv.includes('--quick');
const SECONDS = Number(arg('--seconds', '15'));
const URL_PATH = arg('--path', '/api/v1/tasks');
const dir = path.join(BENCH, 'results/profile');

const url = await ensureDatabase(
  process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  QUICK ? 'primetrade_bench_quick' : 'primetrade_bench',
);
const users = await benchUsers(url, 1);
rmSync(dir, { recursive: true, force: true });
const apiProc = await startApi(
  'api-prof',
  4110,
  { DATABASE_URL: url },
  { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
);
const base = 'http://127.0.0.1:4110';
const u = await login(base, users.typical[0].email);
// V8's profile timestamps and hrtime are both CLOCK_MONOTONIC (µs / ns): keep only the samples of the measured
// window (after the load's 3 s warm-up), so start-up (module loading, migrations) is not counted.
const WARMUP = 3;
const windowStart = Number(process.hrtime.bigint() / 1000n) + WARMUP * 1e6;
const r = await load({
  url: base + URL_PATH,
  headers: { authorization: `Bearer ${u.token}` },
  connections: 50,
  duration: SECONDS,
  warmup: WARMUP,
});
const windowEnd = Number(process.hrtime.bigint() / 1000n);
console.log(`load: ${round(r.rps)} req/s p50=${r.p50}ms p99=${r.p99}ms non2xx=${r.non2xx}`);
await stop(apiProc, 20_000);

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no .cpuprofile written');
const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const map = new SourceMap(JSON.parse(readFileSync(`${API_SERVER}.map`, 'utf8')));
const distDir = path.dirname(API_SERVER);

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
    const e = map.findEntry(cf.lineNumber, cf.columnNumber);
    const src = e?.originalSource ?? '';
    const nm = src.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = src.slice(nm + 13).split('/');
      const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
      return { pkg, file: src.slice(nm + 13) };
    }
    const m = /(apps|packages)\/.*$/.exec(src);
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
  `CPU profile of the API under ${URL_PATH} (50 connections, ${SECONDS} s): ${round(total / 1000, 1)} s of samples`,
  '',
  'self time by package / source area:',
  ...top(byPkg, 20),
  '',
  'hottest functions (self time):',
  ...top(byFn, 25),
];
console.log(out.join('\n'));
writeFileSync(path.join(BENCH, 'results/profile.txt'), `${out.join('\n')}\n`);
process.exit(0);
