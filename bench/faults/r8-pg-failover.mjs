/**
 * Fault test R8 (quality.md): the PostgreSQL primary SIGKILLed under a write load, Patroni + etcd + HAProxy with
 * synchronous replication (deploy/ha/pg-stack.mjs, ports 55xx, a temp dir, every process stopped by its PID).
 *
 * The built API (apps/api/dist/server.js) runs with DATABASE_URL → HAProxy's write port and DATABASE_REPLICA_URL →
 * its read port, unchanged. N clients create tasks, each with a client-chosen title (the marker) and an
 * Idempotency-Key, retrying 0/503 (and 409 "still in progress") with the same key. After a few seconds the
 * postmaster of the Patroni leader is SIGKILLed by its PID. Gates, each at the bar's own number:
 *   - the kill happened (the PID is gone) and writes failed after it (the fault was seen);
 *   - a replica was promoted (Patroni's /cluster names another leader);
 *   - writes served again ≤ 15 s after the kill (the first 201 of a request sent after the first failure);
 *   - every failure the clients saw was a 503 with Retry-After or a refused connection — never a 500;
 *   - the Jepsen-style set check on the new leader: every acknowledged create exists exactly once (0 lost,
 *     0 duplicates), and no row that was never attempted;
 *   - the old leader rejoins as a replica (pg_rewind) and holds every acknowledged row too.
 *
 *   node bench/faults/r8-pg-failover.mjs [--clients 8] [--kill postgres|node] [--keep]
 *   FAULTS_PLANT=r8-lose | r8-nokill | r8-async   (show a gate failing; see PLANTS)
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureHaPackages, PgHaStack } from '../../deploy/ha/pg-stack.mjs';
import {
  API_SERVER,
  apiEnv,
  apiOrError,
  BENCH,
  BENCH_PASSWORD,
  cliArgs,
  round,
  sleep,
  start,
  stop,
  waitHttp,
} from '../lib/util.mjs';
import { plantedFaults } from './plants.mjs';

const { argv, arg } = cliArgs();
const CLIENTS = Number(arg('--clients', '8'));
// --kill postgres (default, the bar's fault): the leader's postmaster. --kill node: its Patroni too (a whole node
// gone: the leader key must expire, ttl 10 s, before another node may take over); the old node's Patroni is started
// again once a new leader is serving, so that it can rejoin.
const KILL = arg('--kill', 'postgres');
if (!['postgres', 'node'].includes(KILL)) throw new Error('--kill postgres|node');
const API_PORT = 5560;
// FAULTS_API_DIST=<dir>: another build's dist/ (as in run.mjs).
const SERVER = process.env.FAULTS_API_DIST
  ? path.join(path.resolve(process.env.FAULTS_API_DIST), 'server.js')
  : API_SERVER;
const BAR = { servedAgainS: 15 };

const PLANTS = {
  'r8-lose': 'one acknowledged create deleted on the new leader before the check → "0 lost" misses',
  'r8-nokill': 'the leader is not killed → "kill happened" and "promoted" miss',
  'r8-async':
    'synchronous_mode off before the kill (asynchronous replication: an acknowledged commit may be lost; not every run loses one)',
};
const { planted: PLANTED, isPlanted: planted } = plantedFaults(PLANTS, (x) => x.startsWith('r8'));

const t00 = Date.now();
const results = { gates: [] };
const violations = [];
function gate(what, figure, bar, ok) {
  console.log(`R8 ${what} ${figure} (bar ${bar}) ${ok ? 'ok' : 'MISSED'}`);
  results.gates.push({ what, figure: String(figure), bar, ok });
  if (!ok) violations.push(`R8: ${what} ${figure} (bar ${bar})`);
}

/** One request that never throws (a refused connection or a timeout is status 0); 5000 ms unless told. */
const req = (base, method, url, opts = {}) => apiOrError(base, method, url, { timeoutMs: 5000, ...opts });

const retryable = (s) => s === 0 || s === 503 || s === 409;

async function register(base, tag) {
  const email = `${tag}-${randomUUID().slice(0, 8)}@faults.local`;
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await req(base, 'POST', '/api/v1/auth/register', {
      body: { name: tag, email, password: BENCH_PASSWORD },
    });
    if (r.status === 201) return { token: r.json.data.accessToken, userId: r.json.data.user.id };
    await sleep(500);
  }
  throw new Error(`register ${email} failed`);
}

async function main() {
  for (const p of PLANTED) console.log(`PLANTED FAULT ${p}: ${PLANTS[p]}`);
  ensureHaPackages();
  if (!existsSync(SERVER)) throw new Error(`${SERVER} missing: npm run build`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-r8-'));
  const stack = new PgHaStack(dir, { log: (m) => console.log(`  ${m}`) });
  let api;
  const cleanup = async () => {
    if (api) await stop(api);
    await stack.stop({ remove: !argv.includes('--keep') });
  };
  process.once('SIGINT', () => cleanup().then(() => process.exit(130)));
  process.once('SIGTERM', () => cleanup().then(() => process.exit(143)));
  try {
    console.log(
      `# R8 PostgreSQL leader (${KILL === 'node' ? 'Patroni + postmaster' : 'postmaster'}) SIGKILLed under ${CLIENTS} writing clients (Patroni + etcd + HAProxy) in ${dir}`,
    );
    await stack.start();
    const before = await stack.members();
    console.log(
      `  stack up in ${round((Date.now() - t00) / 1000, 1)} s: ${before.map((m) => `${m.name}=${m.role}`).join(' ')}`,
    );
    api = start('api-r8', process.execPath, [SERVER], {
      env: apiEnv(API_PORT, {
        DATABASE_URL: stack.writeUrl,
        DATABASE_REPLICA_URL: stack.readUrl,
        DATABASE_CONNECT_TIMEOUT_MS: '2000',
      }),
    });
    const base = `http://127.0.0.1:${API_PORT}`;
    await waitHttp(`${base}/health/ready`, { child: api, timeoutMs: 180_000 });
    const users = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => register(base, `r8c${i}`)));

    const attempted = new Set();
    const acked = new Map(); // title → id
    const outcomes = []; // { t0, t1, status, retryAfter }
    let retriedOk = 0; // creates acknowledged after a same-key retry
    let replayed = 0; // …of which the stored response (the first attempt had committed)
    let stopAt = Number.POSITIVE_INFINITY;
    const hardStop = performance.now() + 90_000;
    const client = async (u, c) => {
      for (let n = 0; performance.now() < Math.min(stopAt, hardStop); n++) {
        const title = `r8-${c}-${n}`;
        const key = randomUUID();
        attempted.add(title);
        for (let attempt = 0; performance.now() < hardStop; attempt++) {
          const r = await req(base, 'POST', '/api/v1/tasks', {
            token: u.token,
            body: { title },
            headers: { 'idempotency-key': key },
          });
          outcomes.push({ t0: r.t0, t1: r.t1, status: r.status, retryAfter: r.headers?.get('retry-after') ?? null });
          if (r.status === 201) {
            acked.set(title, r.json.data.id);
            if (attempt > 0) retriedOk++;
            if (r.headers.get('idempotent-replayed') === 'true') replayed++;
            break;
          }
          if (!retryable(r.status)) break;
          await sleep(Math.min(500, 50 * 2 ** attempt));
        }
      }
    };
    const load = Promise.all(users.map((u, c) => client(u, c)));

    await sleep(5000);
    const oldLeader = await stack.leader();
    const pid = stack.postmasterPid(oldLeader);
    if (planted('r8-async')) {
      // Asynchronous replication for the kill: what synchronous_mode protects against.
      await fetch(`http://127.0.0.1:${5531 + stack.names.indexOf(oldLeader)}/config`, {
        method: 'PATCH',
        body: JSON.stringify({ synchronous_mode: false }),
      });
      await sleep(2000);
    }
    const ackedBeforeKill = acked.size;
    const tKill = performance.now();
    let killed = false;
    if (!planted('r8-nokill')) {
      if (KILL === 'node') stack.procs[`patroni-${oldLeader}`].kill('SIGKILL');
      process.kill(pid, 'SIGKILL');
      // Gone, or a zombie its parent (Patroni) has not reaped yet.
      for (let i = 0; i < 100 && !killed; i++) {
        killed = !existsSync(`/proc/${pid}`) || /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        if (!killed) await sleep(20);
      }
    }
    if (KILL === 'node' && !planted('r8-nokill')) {
      const patroni = stack.procs[`patroni-${oldLeader}`];
      if (patroni.exitCode === null && patroni.signalCode === null) await new Promise((r) => patroni.once('exit', r));
      killed &&= patroni.signalCode === 'SIGKILL';
    }
    console.log(
      `  ${planted('r8-nokill') ? 'NOT KILLED (planted)' : 'SIGKILL'} → ${KILL === 'node' ? 'Patroni and ' : ''}postmaster ${pid} of leader ${oldLeader} (${ackedBeforeKill} creates acknowledged so far)`,
    );

    // A new leader (Patroni's own view).
    let newLeader = null;
    let promotedS = Number.NaN;
    while (performance.now() - tKill < 30_000) {
      const l = await stack.leader();
      if (l && l !== oldLeader) {
        newLeader = l;
        promotedS = (performance.now() - tKill) / 1000;
        break;
      }
      await sleep(100);
    }
    // Served again: the first 201 of a request sent after the first failure the clients saw after the kill.
    let servedS = Number.NaN;
    let firstFail;
    while (performance.now() - tKill < 30_000) {
      firstFail ??= outcomes.find((o) => o.t1 >= tKill && o.status !== 201);
      const ok = firstFail && outcomes.find((o) => o.status === 201 && o.t0 > firstFail.t1);
      if (ok) {
        servedS = (ok.t1 - tKill) / 1000;
        break;
      }
      if (!firstFail && performance.now() - tKill > 10_000) break;
      await sleep(50);
    }
    if (KILL === 'node' && !planted('r8-nokill')) stack.startPatroni(oldLeader);
    await sleep(5000); // writes go on for a while on the new leader
    stopAt = performance.now();
    await load;

    // The old leader rejoins as a replica.
    let rejoinedS = Number.NaN;
    const end = performance.now() + 90_000;
    while (performance.now() < end) {
      const m = (await stack.members()).find((x) => x.name === oldLeader);
      if (
        m &&
        (m.role === 'replica' || m.role === 'sync_standby') &&
        (m.state === 'running' || m.state === 'streaming')
      ) {
        rejoinedS = (performance.now() - tKill) / 1000;
        break;
      }
      await sleep(250);
    }
    const after = await stack.members();

    // The set check, on the new leader (through HAProxy's write port).
    const userIds = users.map((u) => u.userId);
    const db = new pg.Client({ connectionString: stack.writeUrl });
    await db.connect();
    if (planted('r8-lose')) {
      const victim = [...acked.values()][Math.floor(acked.size / 2)];
      await db.query('delete from tasks where id = $1', [victim]);
    }
    const rows = (await db.query('select id, title from tasks where user_id = any($1::uuid[])', [userIds])).rows;
    await db.end();
    const byTitle = new Map();
    for (const r of rows) byTitle.set(r.title, [...(byTitle.get(r.title) ?? []), r.id]);
    const lost = [...acked].filter(([t, id]) => !(byTitle.get(t) ?? []).includes(id));
    const duplicates = [...byTitle].filter(([, ids]) => ids.length > 1);
    const unexpected = rows.filter((r) => !attempted.has(r.title));
    const indeterminate = [...attempted].filter((t) => !acked.has(t) && byTitle.has(t)).length;

    // The rejoined old leader holds the acknowledged rows too (its WAL was rewound onto the new timeline).
    let oldHas = Number.NaN;
    if (Number.isFinite(rejoinedS)) {
      const url = stack.nodeUrls[stack.names.indexOf(oldLeader)];
      const until = performance.now() + 30_000;
      while (performance.now() < until) {
        try {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          const got = (
            await c.query('select count(*)::int as n from tasks where id = any($1::uuid[])', [[...acked.values()]])
          ).rows[0].n;
          await c.end();
          oldHas = got;
          if (got >= acked.size - (planted('r8-lose') ? 1 : 0)) break;
        } catch {}
        await sleep(500);
      }
    }

    const post = outcomes.filter((o) => o.t1 >= tKill);
    const codes = {};
    for (const o of outcomes) codes[o.status] = (codes[o.status] ?? 0) + 1;
    const fiveHundreds = outcomes.filter((o) => o.status >= 500 && o.status !== 503).length;
    const no503RetryAfter = outcomes.filter((o) => o.status === 503 && !o.retryAfter).length;
    const figures = {
      kill: KILL,
      clients: CLIENTS,
      old_leader: oldLeader,
      new_leader: newLeader ?? '-',
      promoted_s: round(promotedS, 2),
      first_write_after_kill_s: round(servedS, 2),
      old_leader_rejoined_s: round(rejoinedS, 1),
      acked: acked.size,
      acked_after_kill: acked.size - ackedBeforeKill,
      attempted: attempted.size,
      lost: lost.length,
      duplicates: duplicates.length,
      unexpected: unexpected.length,
      indeterminate_committed: indeterminate,
      failures_after_kill: post.filter((o) => o.status !== 201).length,
      acked_after_retry: retriedOk,
      replayed,
      codes: JSON.stringify(codes),
      members_after: after.map((m) => `${m.name}=${m.role}/${m.state}/tl${m.timeline}`).join(' '),
    };
    console.log(
      `R8 ${Object.entries(figures)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    Object.assign(results, figures);

    gate(
      `leader ${KILL === 'node' ? 'Patroni and postmaster' : 'postmaster'} SIGKILLed (PID gone)`,
      killed ? `yes (${pid})` : 'no',
      'yes',
      killed,
    );
    gate(
      'writes failed after the kill (the fault was seen)',
      figures.failures_after_kill,
      '> 0',
      figures.failures_after_kill > 0,
    );
    gate(
      'a replica promoted (Patroni /cluster)',
      newLeader ? `${oldLeader} → ${newLeader} in ${round(promotedS, 2)} s` : 'no',
      'another leader',
      !!newLeader,
    );
    gate(
      'writes served again after the kill',
      `${round(servedS, 2)} s`,
      `≤ ${BAR.servedAgainS} s`,
      servedS <= BAR.servedAgainS,
    );
    gate(
      'answers other than 201/503/409/refused',
      `${fiveHundreds} 5xx other than 503, ${no503RetryAfter} 503 without Retry-After`,
      '0',
      fiveHundreds === 0 && no503RetryAfter === 0,
    );
    gate(
      'acknowledged creates lost',
      `${lost.length}${
        lost.length
          ? ` (${lost
              .slice(0, 3)
              .map(([t]) => t)
              .join(', ')})`
          : ''
      } of ${acked.size}`,
      '0',
      lost.length === 0 && acked.size > 0,
    );
    gate('duplicated creates (one marker, two rows)', duplicates.length, '0', duplicates.length === 0);
    gate('rows never attempted', unexpected.length, '0', unexpected.length === 0);
    gate(
      'the old leader rejoined as a replica',
      Number.isFinite(rejoinedS) ? `${round(rejoinedS, 1)} s after the kill` : 'no',
      'yes',
      Number.isFinite(rejoinedS),
    );
    const wantOld = acked.size - (planted('r8-lose') ? 1 : 0);
    gate(
      'acknowledged rows on the rejoined old leader',
      `${oldHas}/${wantOld}`,
      `${wantOld}/${wantOld}`,
      oldHas === wantOld,
    );
  } finally {
    await cleanup();
  }
  mkdirSync(path.join(BENCH, 'results/tmp'), { recursive: true });
  writeFileSync(
    path.join(
      BENCH,
      PLANTED.size || KILL !== 'postgres' ? `results/tmp/r8-${[...PLANTED, KILL].join('-')}.json` : 'results/r8.json',
    ),
    `${JSON.stringify({ date: new Date().toISOString(), seconds: Math.round((Date.now() - t00) / 1000), results, violations }, null, 2)}\n`,
  );
  console.log(`\nR8 done in ${Math.round((Date.now() - t00) / 1000)} s; ${violations.length} violation(s)`);
  for (const v of violations) console.log(`  VIOLATION ${v}`);
  return violations.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
