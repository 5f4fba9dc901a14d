/**
 * R9 (quality.md): the Redis master SIGKILLed under load, Redis Sentinel promotes a replica, and the API and the
 * workers follow the new master without a restart. `node bench/faults/r9-redis-failover.mjs` (run.mjs runs it as R9).
 *
 * It owns everything it uses: a throwaway PostgreSQL cluster (port 5497), the HA Redis stack of
 * deploy/ha/redis-stack.sh (3 nodes on 5601–5603, 3 Sentinels on 26601–26603, quorum 2, down-after 2 s) in a temp
 * dir, two API instances (4211, 4212) and the job worker, all configured with REDIS_SENTINELS +
 * REDIS_MASTER_NAME, and an SMTP sink for the worker's mail. The machine's own Redis and PostgreSQL are untouched;
 * every process is stopped by its PID.
 *
 * Load, across both instances: task CRUD clients (create/list/get/patch/delete), one SSE stream per CRUD user on
 * the *other* instance (so every event crosses Redis pub/sub; a stream that ends comes back with Last-Event-ID, as
 * EventSource does), and mail jobs (POST /auth/forgot-password → a mail.send job on BullMQ → the worker → the
 * sink). After a few seconds the master is SIGKILLed by its PID.
 *
 * Gates (the bar's numbers): the kill happened (PID gone) and Sentinel promoted a replica (get-master-addr-by-name
 * changed); each API instance ready again on the new master ≤ 10 s after the kill; the worker delivers a job queued
 * after the kill ≤ 10 s after the kill; 0 5xx (and 0 unanswered) on task CRUD; no job lost (every accepted reset
 * request's mail at the sink, or in an API's outbox when the queue refused it and the API sent it itself);
 * SSE: every created task's task.created event reached its user's stream (0 missed) and the streams resumed with
 * Last-Event-ID.
 *
 * R9_PLANT=plain-url: the API and worker get REDIS_URL of the master instead of the Sentinels — they cannot follow,
 * and the "follow ≤ 10 s" gates miss (shown once in docs/performance.md).
 *
 *   node bench/faults/r9-redis-failover.mjs [--before 6] [--after 20] [--json out.json]
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  apiEnv,
  apiOrError,
  BENCH,
  BENCH_PASSWORD,
  cliArgs,
  ROOT,
  round,
  sleep,
  start,
  stop,
  stopAll,
  waitHttp,
} from '../lib/util.mjs';
import { ensurePackages, PgCluster } from './cluster.mjs';
import { smtpSink } from './smtp-sink.mjs';

const DIST = process.env.FAULTS_API_DIST ? path.resolve(process.env.FAULTS_API_DIST) : path.join(ROOT, 'apps/api/dist');
const SERVER = path.join(DIST, 'server.js');
const WORKER = path.join(DIST, 'worker.js');
const STACK = path.join(ROOT, 'deploy/ha/redis-stack.sh');

const { arg } = cliArgs();
const BEFORE_S = Number(arg('--before', '6'));
const AFTER_S = Number(arg('--after', '20'));
const JSON_OUT = arg('--json', '');
const PLANT = process.env.R9_PLANT ?? '';
if (PLANT && PLANT !== 'plain-url') {
  console.error(`R9_PLANT: unknown "${PLANT}" (known: plain-url)`);
  process.exit(2);
}

/** The bar (quality.md R9): follow the new master ≤ 10 s. */
const BAR = { followS: 10 };
const PG_PORT = 5497;
const API_PORTS = [4211, 4212];
const WORKER_OPS_PORT = 4213;
const MASTER_NAME = 'primetrade';
const SENTINELS = '127.0.0.1:26601,127.0.0.1:26602,127.0.0.1:26603';
const CRUD_USERS = 4;
const JOB_USERS = 12;

const t00 = performance.now();
/** The stack's folder while it runs (stopped on SIGINT/SIGTERM too). */
let haDirOpen;
const results = { gates: [] };
const violations = [];

function gate(what, figure, bar, ok) {
  console.log(`R9 ${what} ${figure} (bar ${bar}) ${ok ? 'ok' : 'MISSED'}`);
  results.gates.push({ what, figure: String(figure), bar, ok });
  if (!ok) violations.push(`R9: ${what} ${figure} (bar ${bar})`);
}

function ensureSentinel() {
  ensurePackages();
  try {
    execFileSync('sh', ['-c', 'command -v redis-sentinel'], { stdio: 'ignore' });
  } catch {
    console.log('installing redis-sentinel…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-sentinel'], {
      env,
      stdio: 'ignore',
      timeout: 600_000,
    });
  }
}

const stackEnv = (dir) => ({ ...process.env, REDIS_HA_DIR: dir, REDIS_MASTER_NAME: MASTER_NAME });
const stack = (dir, ...args) => execFileSync('bash', [STACK, ...args], { env: stackEnv(dir), encoding: 'utf8' });
function stackPids(dir) {
  return Object.fromEntries(
    stack(dir, 'pids')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([name, port, pid]) => [name, { port: Number(port), pid: pid === '-' ? undefined : Number(pid) }]),
  );
}
function masterAddr(dir) {
  try {
    return stack(dir, 'master').trim();
  } catch {
    return '';
  }
}

/** One request that never throws (a refused connection or a timeout is status 0); 10_000 ms unless told. */
const req = (base, method, url, opts = {}) => apiOrError(base, method, url, { timeoutMs: 10_000, ...opts });

async function register(base, tag) {
  const email = `${tag}-${randomUUID().slice(0, 8)}@r9.local`;
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await req(base, 'POST', '/api/v1/auth/register', {
      body: { name: tag, email, password: BENCH_PASSWORD },
    });
    if (r.status === 201) return { email, token: r.json.data.accessToken, userId: r.json.data.user.id };
    if (r.status !== 503 && r.status !== 0) throw new Error(`register ${email}: ${r.status} ${JSON.stringify(r.json)}`);
    await sleep(500);
  }
  throw new Error(`register ${email}: no answer`);
}

/** SMTP sink: reset mails ("Reset your password") counted by recipient, with their arrival time. */
async function resetMailSink() {
  const mails = [];
  const sink = await smtpSink((mail, accept) => {
    if (/reset your password/i.test(mail.subject)) for (const to of mail.to) mails.push({ to, t: performance.now() });
    accept();
  });
  return { ...sink, mails };
}

/** Reset mails an API sent itself (the queue refused the job): its DATA_DIR/outbox, by recipient. */
function outboxResets(dataDir) {
  const dir = path.join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')))
    .filter((m) => /reset your password/i.test(m.subject ?? ''))
    .map((m) => String(m.to).toLowerCase());
}

/**
 * An SSE client like EventSource: reads GET /api/v1/events, and when the stream ends or fails comes back after
 * `retryMs` with Last-Event-ID. Records every task.created id it saw and how often it resumed.
 */
function sseClient(base, token, { retryMs = 500 } = {}) {
  const s = { created: new Set(), lastId: undefined, connects: 0, resumes: 0, stopped: false, events: 0 };
  let ctrl;
  const run = async () => {
    while (!s.stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch(`${base}/api/v1/events`, {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'text/event-stream',
            ...(s.lastId ? { 'last-event-id': s.lastId } : {}),
          },
          signal: ctrl.signal,
        });
        if (res.status === 200) {
          s.connects++;
          if (s.lastId) s.resumes++;
          const decoder = new TextDecoder();
          let buf = '';
          for await (const chunk of res.body) {
            buf += decoder.decode(chunk, { stream: true });
            let i = buf.indexOf('\n\n');
            while (i >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              i = buf.indexOf('\n\n');
              let id;
              let event = 'message';
              let data = '';
              for (const line of block.split('\n')) {
                if (line.startsWith('id: ')) id = line.slice(4);
                else if (line.startsWith('event: ')) event = line.slice(7);
                else if (line.startsWith('data: ')) data += line.slice(6);
              }
              if (id) s.lastId = id;
              if (event === 'task.created') {
                s.events++;
                try {
                  s.created.add(JSON.parse(data).id);
                } catch {}
              }
            }
          }
        } else await res.arrayBuffer().catch(() => {});
      } catch {
        // ended or refused: come back like EventSource
      }
      if (!s.stopped) await sleep(retryMs);
    }
  };
  s.done = run();
  s.stop = async () => {
    s.stopped = true;
    ctrl?.abort();
    await s.done;
  };
  return s;
}

async function main() {
  ensureSentinel();
  if (!existsSync(SERVER) || !existsSync(WORKER)) throw new Error(`no build at ${DIST}: npm run build`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-r9-'));
  const haDir = path.join(dir, 'redis-ha');
  haDirOpen = haDir;
  console.log(
    `\n# R9 Redis master SIGKILLed under load, Sentinel failover — own PostgreSQL :${PG_PORT}, Redis HA stack under ${haDir}`,
  );
  if (PLANT) console.log('PLANTED FAULT plain-url: the app gets REDIS_URL of the master, not the Sentinels');
  const cluster = new PgCluster(dir, PG_PORT);
  cluster.init();
  cluster.start();
  let sink;
  try {
    process.stdout.write(stack(haDir, 'start'));
    const master0 = masterAddr(haDir);
    const redisEnv =
      PLANT === 'plain-url'
        ? { REDIS_URL: `redis://${master0}/0` }
        : { REDIS_SENTINELS: SENTINELS, REDIS_MASTER_NAME: MASTER_NAME };
    sink = await resetMailSink();
    const common = { DATABASE_URL: cluster.url, REDIS_KEY_PREFIX: 'pt-r9:', ...redisEnv };
    // Migrations once, by a first instance.
    const mig = start('r9-migrate', process.execPath, [SERVER], {
      env: apiEnv(API_PORTS[0], { ...common, DATA_DIR: path.join(dir, 'data-m') }),
    });
    await waitHttp(`http://127.0.0.1:${API_PORTS[0]}/health/ready`, { child: mig, timeoutMs: 180_000 });
    await stop(mig);
    const apis = [];
    for (const [i, port] of API_PORTS.entries()) {
      const dataDir = path.join(dir, `data-${i}`);
      const proc = start(`r9-api-${i}`, process.execPath, [SERVER], {
        env: apiEnv(port, { ...common, DATA_DIR: dataDir }),
      });
      apis.push({ port, base: `http://127.0.0.1:${port}`, proc, dataDir });
    }
    for (const a of apis) await waitHttp(`${a.base}/health/ready`, { child: a.proc, timeoutMs: 180_000 });
    const worker = start('r9-worker', process.execPath, [WORKER], {
      env: {
        ...apiEnv(0, { ...common, DATA_DIR: path.join(dir, 'data-w') }),
        SMTP_URL: sink.url,
        LOG_LEVEL: 'info',
        WORKER_METRICS_PORT: String(WORKER_OPS_PORT),
        QUEUE_LOCK_DURATION_MS: '5000',
        QUEUE_STALLED_INTERVAL_MS: '2000',
      },
    });
    // The worker's whole log (info: every job done), kept for a failed run's diagnosis.
    const workerLog = path.join(BENCH, 'results/tmp/r9-worker.log');
    mkdirSync(path.dirname(workerLog), { recursive: true });
    writeFileSync(workerLog, '');
    worker.stdout.on('data', (d) => appendFileSync(workerLog, d));
    worker.stderr.on('data', (d) => appendFileSync(workerLog, d));
    await waitHttp(`http://127.0.0.1:${WORKER_OPS_PORT}/health/ready`, { child: worker, timeoutMs: 120_000 });

    const crudUsers = [];
    for (let i = 0; i < CRUD_USERS; i++) crudUsers.push(await register(apis[i % 2].base, `r9c${i}`));
    const jobUsers = [];
    for (let i = 0; i < JOB_USERS; i++) jobUsers.push(await register(apis[i % 2].base, `r9j${i}`));
    // Each CRUD user writes on one instance and listens on the other: every event crosses Redis.
    const streams = crudUsers.map((u, i) => sseClient(apis[(i + 1) % 2].base, u.token));
    await sleep(1000);

    let stopLoad = false;
    const codes = {};
    const fivexx = [];
    const createdBy = crudUsers.map(() => []);
    let crudTotal = 0;
    const note = (op, r) => {
      crudTotal++;
      codes[r.status] = (codes[r.status] ?? 0) + 1;
      if (r.status >= 500 || r.status === 0)
        fivexx.push({ op, status: r.status, at_s: round((performance.now() - t00) / 1000, 1) });
      return r;
    };
    const crud = Promise.all(
      crudUsers.map(async (u, ci) => {
        const base = apis[ci % 2].base;
        for (let n = 0; !stopLoad; n++) {
          const c = note(
            'create',
            await req(base, 'POST', '/api/v1/tasks', { token: u.token, body: { title: `r9-${ci}-${n}` } }),
          );
          const id = c.json?.data?.id;
          if (c.status === 201 && id) createdBy[ci].push(id);
          note('list', await req(base, 'GET', '/api/v1/tasks?limit=20', { token: u.token }));
          note('stats', await req(base, 'GET', '/api/v1/tasks/stats', { token: u.token }));
          if (id) {
            note('get', await req(base, 'GET', `/api/v1/tasks/${id}`, { token: u.token }));
            note(
              'patch',
              await req(base, 'PATCH', `/api/v1/tasks/${id}`, { token: u.token, body: { status: 'in_progress' } }),
            );
            if (n % 3 === 2) note('delete', await req(base, 'DELETE', `/api/v1/tasks/${id}`, { token: u.token }));
          }
          await sleep(40);
        }
      }),
    );
    // Mail jobs: one reset request every 150 ms, round-robin over the job users and the two instances.
    const accepted = new Map(jobUsers.map((u) => [u.email.toLowerCase(), 0]));
    const jobRequests = [];
    // The first half of the job users before the kill, the second half after it: the first mail at the sink for
    // a second-half user is a job queued after the kill (the worker's follow time).
    const half = JOB_USERS / 2;
    let killed = false;
    const jobs = (async () => {
      for (let n = 0; !stopLoad; n++) {
        const u = jobUsers[(n % half) + (killed ? half : 0)];
        const t = performance.now();
        const r = await req(apis[n % 2].base, 'POST', '/api/v1/auth/forgot-password', { body: { email: u.email } });
        jobRequests.push({ t, status: r.status, to: u.email.toLowerCase() });
        if (r.status === 202) accepted.set(u.email.toLowerCase(), (accepted.get(u.email.toLowerCase()) ?? 0) + 1);
        await sleep(150);
      }
    })();

    await sleep(BEFORE_S * 1000);
    // The kill: the master's PID from the stack's records, SIGKILL, and the PID is gone.
    const pids = stackPids(haDir);
    const masterPort = Number(master0.split(':')[1]);
    const victim = Object.entries(pids).find(([name, p]) => name.startsWith('redis-') && p.port === masterPort);
    const victimPid = victim?.[1].pid;
    if (!victimPid) throw new Error(`no recorded PID for the master ${master0}`);
    const readyBefore = await Promise.all(apis.map((a) => req(a.base, 'GET', '/health/ready')));
    process.kill(victimPid, 'SIGKILL');
    const tKill = performance.now();
    killed = true;
    // Gone = no such process, or a zombie (dead, waiting for its parent to reap it).
    const isAlive = (pid) => {
      try {
        return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      alive = isAlive(victimPid);
      if (alive) await sleep(20);
    }
    console.log(`killed the master ${master0} (${victim[0]}, PID ${victimPid}) at ${round((tKill - t00) / 1000, 1)} s`);

    // Promotion (Sentinel), then each API instance ready again (its Redis check answers on the new master).
    let master1 = master0;
    let promotedS = Number.NaN;
    const followS = apis.map(() => Number.NaN);
    const readyDown = apis.map(() => 0);
    const watchEnd = tKill + AFTER_S * 1000;
    while (performance.now() < watchEnd) {
      if (Number.isNaN(promotedS)) {
        const m = masterAddr(haDir);
        if (m && m !== master0) {
          master1 = m;
          promotedS = (performance.now() - tKill) / 1000;
          console.log(`Sentinel promoted ${m} after ${round(promotedS, 1)} s`);
        }
      }
      await Promise.all(
        apis.map(async (a, i) => {
          if (!Number.isNaN(followS[i])) return;
          const r = await req(a.base, 'GET', '/health/ready', { timeoutMs: 2000 });
          if (r.status === 200 && !Number.isNaN(promotedS)) followS[i] = (performance.now() - tKill) / 1000;
          else if (r.status !== 200) readyDown[i]++;
        }),
      );
      if (!Number.isNaN(promotedS) && followS.every((x) => !Number.isNaN(x))) break;
      await sleep(100);
    }
    const rest = watchEnd - performance.now();
    if (rest > 0) await sleep(rest);
    stopLoad = true;
    await Promise.all([crud, jobs]);

    // Drain: every accepted reset mail at the sink or in an outbox (up to 30 s), then the SSE streams catch up.
    const expectedJobs = [...accepted.values()].reduce((a, b) => a + b, 0);
    const delivered = () => sink.mails.length + apis.reduce((n, a) => n + outboxResets(a.dataDir).length, 0);
    const drainEnd = performance.now() + 30_000;
    while (delivered() < expectedJobs && performance.now() < drainEnd) await sleep(250);
    const sseEnd = performance.now() + 15_000;
    const missing = () =>
      crudUsers.reduce((n, _u, i) => n + createdBy[i].filter((id) => !streams[i].created.has(id)).length, 0);
    while (missing() > 0 && performance.now() < sseEnd) await sleep(250);
    await sleep(500);
    for (const s of streams) await s.stop();
    const diagnose = () => {
      const [h, p] = master1.split(':');
      const q = 'pt-r9:bull:primetrade';
      const cli = (...a) => execFileSync('redis-cli', ['-h', h, '-p', p, ...a], { encoding: 'utf8' }).trim();
      console.log(
        `queue on ${master1}: wait ${cli('LLEN', `${q}:wait`)} active ${cli('LLEN', `${q}:active`)} delayed ${cli('ZCARD', `${q}:delayed`)} prioritized ${cli('ZCARD', `${q}:prioritized`)} failed ${cli('ZCARD', `${q}:failed`)} completed ${cli('ZCARD', `${q}:completed`)}`,
      );
      const clients = cli('CLIENT', 'LIST')
        .split('\n')
        .map((l) => Object.fromEntries(l.split(' ').map((kv) => kv.split('='))));
      console.log(
        `clients on ${master1}: ${clients.length}, subscribed ${clients.filter((c) => Number(c.sub) > 0).length}, blocked ${clients.filter((c) => c.flags?.includes('b')).length}`,
      );
      for (const [name, p2] of Object.entries(stackPids(haDir)))
        if (name.startsWith('redis-') && p2.pid) {
          const role = execFileSync('redis-cli', ['-p', String(p2.port), 'ROLE'], { encoding: 'utf8' }).split('\n')[0];
          console.log(`${name} :${p2.port} role ${role}`);
        }
      try {
        console.log(
          readFileSync(path.join(haDir, 'sentinel-0/sentinel.log'), 'utf8').split('\n').slice(-25).join('\n'),
        );
      } catch {}
      console.log(`worker log: ${workerLog}`);
      for (const a of apis) console.log(`${a.proc.name} tail:\n${a.proc.tail().slice(-2000)}`);
    };

    // Jobs: per recipient, accepted requests vs mails (sink + outboxes).
    const got = new Map();
    for (const m of sink.mails) got.set(m.to, (got.get(m.to) ?? 0) + 1);
    let direct = 0;
    for (const a of apis)
      for (const to of outboxResets(a.dataDir)) {
        direct++;
        got.set(to, (got.get(to) ?? 0) + 1);
      }
    let lost = 0;
    let dup = 0;
    for (const [to, n] of accepted) {
      const g = got.get(to) ?? 0;
      if (g < n) lost += n - g;
      else dup += g - n;
    }
    const afterKill = jobRequests.filter((j) => j.t > tKill && j.status === 202);
    // The worker followed: the first mail at the sink for a user whose resets were all requested after the kill.
    const postUsers = new Set(jobUsers.slice(half).map((u) => u.email.toLowerCase()));
    const firstAfter = sink.mails
      .filter((m) => postUsers.has(m.to))
      .map((m) => m.t)
      .sort((a, b) => a - b)[0];
    const workerFollowS = firstAfter ? (firstAfter - tKill) / 1000 : Number.NaN;
    const created = createdBy.reduce((n, l) => n + l.length, 0);
    const missed = missing();
    const resumes = streams.reduce((n, s) => n + s.resumes, 0);
    const jobCodes = {};
    for (const j of jobRequests) jobCodes[j.status] = (jobCodes[j.status] ?? 0) + 1;

    Object.assign(results, {
      master_before: master0,
      master_after: master1,
      killed_pid: victimPid,
      promoted_s: round(promotedS, 1),
      api_ready_again_s: followS.map((x) => round(x, 1)).join('/'),
      api_not_ready_probes: readyDown.join('/'),
      ready_before: readyBefore.map((r) => r.status).join('/'),
      worker_first_job_after_kill_s: round(workerFollowS, 1),
      crud_requests: crudTotal,
      crud_codes: JSON.stringify(codes),
      jobs_accepted: expectedJobs,
      jobs_at_sink: sink.mails.length,
      jobs_sent_directly: direct,
      jobs_lost: lost,
      jobs_duplicated: dup,
      job_request_codes: JSON.stringify(jobCodes),
      sse_created: created,
      sse_events_seen: streams.reduce((n, s) => n + s.events, 0),
      sse_missed: missed,
      sse_resumes_with_last_event_id: resumes,
    });
    console.log(
      `R9 ${Object.entries(results)
        .filter(([k]) => k !== 'gates')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    if (lost > 0 || missed > 0 || !(workerFollowS <= BAR.followS) || process.env.R9_DEBUG) {
      try {
        diagnose();
      } catch (err) {
        console.log(`diagnose: ${err.message}`);
      }
    }
    gate('master SIGKILLed by PID (gone)', `PID ${victimPid} ${alive ? 'still alive' : 'gone'}`, 'gone', !alive);
    gate(
      'Sentinel promoted a replica (get-master-addr-by-name changed)',
      `${master0} → ${master1} in ${round(promotedS, 1)} s`,
      'changed',
      master1 !== master0 && !Number.isNaN(promotedS),
    );
    gate(
      'API instances ready on the new master after the kill (same processes)',
      `${followS.map((x) => (Number.isNaN(x) ? `not within ${AFTER_S} s` : `${round(x, 1)} s`)).join(', ')}`,
      `≤ ${BAR.followS} s each`,
      followS.every((x) => x <= BAR.followS),
    );
    gate(
      'worker delivered a job queued after the kill',
      Number.isNaN(workerFollowS)
        ? 'none (of the jobs queued after the kill)'
        : `${round(workerFollowS, 1)} s after the kill`,
      `≤ ${BAR.followS} s`,
      workerFollowS <= BAR.followS,
    );
    gate(
      '5xx or no answer on task CRUD',
      `${fivexx.length} of ${crudTotal}${fivexx.length ? ` ${JSON.stringify(fivexx.slice(0, 4))}` : ''}`,
      '0',
      fivexx.length === 0 && crudTotal > 0,
    );
    gate(
      'jobs lost (accepted reset requests without their mail)',
      `${lost} of ${expectedJobs} (${sink.mails.length} by the worker, ${direct} sent by the API itself)`,
      '0',
      lost === 0 && expectedJobs > 0 && afterKill.length > 0,
    );
    gate(
      'SSE task.created events missed (streams on the other instance)',
      `${missed} of ${created}`,
      '0',
      missed === 0 && created > 0,
    );
    gate('SSE streams resumed with Last-Event-ID', `${resumes}`, '≥ 1', resumes >= 1);
  } finally {
    await stopAll();
    await sink?.close();
    try {
      stack(haDir, 'stop');
    } catch (err) {
      console.log(`stack stop: ${err.message}`);
    }
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = Math.round((performance.now() - t00) / 1000);
  const out = JSON_OUT || path.join(BENCH, PLANT ? `results/tmp/r9-${PLANT}.json` : 'results/r9.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), seconds, results, violations }, null, 2)}\n`);
  console.log(`\nR9 done in ${seconds} s; ${violations.length} violation(s)`);
  for (const v of violations) console.log(`  VIOLATION ${v}`);
  return violations.length ? 1 : 0;
}

const bye = async () => {
  await stopAll();
  if (haDirOpen) {
    try {
      stack(haDirOpen, 'stop');
    } catch {}
  }
  process.exit(143);
};
process.once('SIGINT', bye);
process.once('SIGTERM', bye);
main().then(
  (code) => process.exit(code),
  async (err) => {
    console.error(err);
    await stopAll();
    process.exit(2);
  },
);
