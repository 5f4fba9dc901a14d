#!/usr/bin/env node
/**
 * A local PostgreSQL HA stack on real engines (Debian packages: etcd-server, patroni, haproxy; PostgreSQL 15+
 * binaries from /usr/lib/postgresql/<v>/bin), on loopback ports 55xx and a temp directory:
 *
 *   etcd              client :5510, peer :5511   — ONE member (enough locally: Patroni's lock lives there; in
 *                                                   production run three or five, see docs/operations.md)
 *   Patroni pg1..pg3  PostgreSQL :5521..5523, REST :5531..5533, synchronous_mode on, primary_start_timeout 0
 *                     (a crashed primary is failed over, not restarted in place), pg_rewind on
 *   HAProxy           writes :5540 (→ the node whose Patroni answers 200 on GET /primary),
 *                     reads  :5541 (→ nodes answering 200 on GET /replica?lag=1MB), stats :5542
 *
 * Every process is spawned here and recorded by PID (state.json in the directory); `stop` signals exactly those
 * PIDs (and the postmasters Patroni started, from their postmaster.pid) — never a process by name, so the machine's
 * own PostgreSQL on :5432 keeps running.
 *
 *   node deploy/ha/pg-stack.mjs start  [--dir /tmp/pt-ha-pg]   (prints the URLs; stays up after it returns)
 *   node deploy/ha/pg-stack.mjs status [--dir …]
 *   node deploy/ha/pg-stack.mjs stop   [--dir …]
 *
 * bench/faults/r8-pg-failover.mjs imports PgHaStack and runs the same stack inside the fault test.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PORTS = {
  etcdClient: 5510,
  etcdPeer: 5511,
  pg: [5521, 5522, 5523],
  rest: [5531, 5532, 5533],
  haWrite: 5540,
  haRead: 5541,
  haStats: 5542,
};
export const SCOPE = 'pt-ha';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const v = readdirSync(base)
    .filter((d) => existsSync(path.join(base, d, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return v ? path.join(base, v, 'bin') : null;
}

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

/** apt-get install what is missing (root; CI runs on a fresh machine). */
export function ensureHaPackages() {
  const need = [];
  if (!has('patroni')) need.push('patroni');
  if (!has('etcd')) need.push('etcd-server');
  if (!has('etcdctl')) need.push('etcd-client');
  if (!has('haproxy')) need.push('haproxy');
  if (!pgBinDir()) need.push('postgresql');
  if (need.length === 0) return;
  console.log(`installing ${need.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  };
  run(['update', '-qq']);
  run(['install', '-y', '-qq', '--no-install-recommends', ...need]);
}

function postgresIds() {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

function patroniYaml(dir, i, bin) {
  const name = `pg${i + 1}`;
  const data = path.join(dir, name, 'data');
  // JSON is YAML: no YAML library needed here.
  return JSON.stringify(
    {
      scope: SCOPE,
      namespace: '/service/',
      name,
      log: { level: 'INFO', dir: path.join(dir, name), file_num: 2, file_size: 10_000_000 },
      restapi: { listen: `127.0.0.1:${PORTS.rest[i]}`, connect_address: `127.0.0.1:${PORTS.rest[i]}` },
      etcd3: { hosts: [`127.0.0.1:${PORTS.etcdClient}`] },
      bootstrap: {
        dcs: {
          // loop_wait + 2 × retry_timeout ≤ ttl. A crashed primary is seen within loop_wait; a dead Patroni (the
          // whole node gone) costs up to ttl before its leader key expires.
          ttl: 10,
          loop_wait: 1,
          retry_timeout: 4,
          maximum_lag_on_failover: 1048576,
          // Fail over instead of restarting a crashed primary in place (the default waits up to 300 s for it).
          primary_start_timeout: 0,
          // Commits wait for one synchronous standby, and only that standby may be promoted: an acknowledged
          // commit survives the loss of the primary.
          synchronous_mode: true,
          synchronous_mode_strict: false,
          postgresql: {
            use_pg_rewind: true,
            use_slots: true,
            parameters: {
              wal_level: 'replica',
              hot_standby: 'on',
              wal_log_hints: 'on',
              max_connections: 200,
              max_wal_senders: 10,
              max_replication_slots: 10,
              wal_keep_size: '128MB',
              shared_buffers: '32MB',
              synchronous_commit: 'on',
              fsync: 'on',
              full_page_writes: 'on',
            },
          },
        },
        initdb: [{ encoding: 'UTF8' }, { locale: 'C.UTF-8' }, 'data-checksums'],
        pg_hba: [
          'local all all trust',
          'host replication replicator 127.0.0.1/32 trust',
          'host all all 127.0.0.1/32 trust',
        ],
      },
      postgresql: {
        listen: `127.0.0.1:${PORTS.pg[i]}`,
        connect_address: `127.0.0.1:${PORTS.pg[i]}`,
        data_dir: data,
        bin_dir: bin,
        pgpass: path.join(dir, name, 'pgpass'),
        authentication: {
          superuser: { username: 'postgres', password: 'postgres' },
          replication: { username: 'replicator', password: 'replicator' },
          rewind: { username: 'postgres', password: 'postgres' },
        },
        parameters: { unix_socket_directories: path.join(dir, name) },
      },
      tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
    },
    null,
    2,
  );
}

function haproxyCfg() {
  const servers = (check) =>
    PORTS.pg
      .map((p, i) => `    server pg${i + 1} 127.0.0.1:${p} maxconn 100 check port ${PORTS.rest[i]}${check}`)
      .join('\n');
  return `# Generated by deploy/ha/pg-stack.mjs (the same shape as deploy/ha/haproxy.cfg for compose).
global
    maxconn 1000
    log stdout format raw local0 warning

defaults
    mode tcp
    log global
    retries 2
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 1s

listen stats
    mode http
    bind 127.0.0.1:${PORTS.haStats}
    stats enable
    stats uri /

# Writes: only the Patroni leader answers 200 on GET /primary. on-marked-down shutdown-sessions cuts every
# connection to a node the moment it stops being the primary, so no client keeps writing to a demoted node.
listen pg-write
    bind 127.0.0.1:${PORTS.haWrite}
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers('')}

# Reads: streaming replicas at most 1 MB behind answer 200 on GET /replica?lag=1MB (with none qualifying the read
# port refuses connections and lag-tolerant reads answer 503 until one does).
listen pg-read
    bind 127.0.0.1:${PORTS.haRead}
    balance roundrobin
    option httpchk GET /replica?lag=1MB
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
${servers('')}
`;
}

async function getJson(url, timeoutMs = 1000) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await r.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json };
  } catch {
    return { status: 0 };
  }
}

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class PgHaStack {
  constructor(dir, { detached = false, log = console.log } = {}) {
    this.dir = dir;
    this.detached = detached;
    this.log = log;
    this.procs = {}; // name → ChildProcess (when started here)
    this.pids = {}; // name → pid
    this.writeUrl = `postgres://postgres:postgres@127.0.0.1:${PORTS.haWrite}/postgres`;
    this.readUrl = `postgres://postgres:postgres@127.0.0.1:${PORTS.haRead}/postgres`;
    this.nodeUrls = PORTS.pg.map((p) => `postgres://postgres:postgres@127.0.0.1:${p}/postgres`);
    this.names = PORTS.pg.map((_, i) => `pg${i + 1}`);
  }

  statePath() {
    return path.join(this.dir, 'state.json');
  }

  saveState() {
    writeFileSync(this.statePath(), `${JSON.stringify({ pids: this.pids, dir: this.dir }, null, 2)}\n`);
  }

  spawnRecorded(name, cmd, args, opts = {}) {
    const out = path.join(this.dir, `${name}.out`);
    const fd = openSync(out, 'a'); // appends, so a restarted process keeps the earlier lines
    const child = spawn(cmd, args, {
      stdio: ['ignore', fd, fd],
      detached: this.detached,
      ...opts,
    });
    if (this.detached) child.unref();
    child.on('error', (e) => this.log(`${name}: ${e.message}`));
    this.procs[name] = child;
    this.pids[name] = child.pid;
    this.saveState();
    return child;
  }

  async start() {
    const bin = pgBinDir();
    if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
    for (const p of [...Object.values(PORTS).flat()]) {
      const busy = spawnSync('sh', ['-c', `ss -ltnH "sport = :${p}" | grep -q .`]).status === 0;
      if (busy) throw new Error(`port ${p} is in use (another HA stack running? node deploy/ha/pg-stack.mjs stop)`);
    }
    mkdirSync(this.dir, { recursive: true });
    const { uid, gid } = postgresIds();
    chownSync(this.dir, uid, gid);

    // etcd (one member; data in the temp dir).
    const etcdData = path.join(this.dir, 'etcd');
    this.spawnRecorded('etcd', 'etcd', [
      '--name',
      'etcd1',
      '--data-dir',
      etcdData,
      '--listen-client-urls',
      `http://127.0.0.1:${PORTS.etcdClient}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${PORTS.etcdClient}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${PORTS.etcdPeer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${PORTS.etcdPeer}`,
      '--initial-cluster',
      `etcd1=http://127.0.0.1:${PORTS.etcdPeer}`,
      '--initial-cluster-state',
      'new',
      '--log-level',
      'warn',
    ]);
    await this.until(
      async () => (await getJson(`http://127.0.0.1:${PORTS.etcdClient}/health`)).json?.health === 'true',
      30_000,
      'etcd healthy',
    );

    // Patroni nodes, as the postgres user (PostgreSQL refuses root). pg1 first so that it bootstraps the cluster.
    for (const [i, name] of this.names.entries()) {
      const nodeDir = path.join(this.dir, name);
      mkdirSync(nodeDir, { recursive: true, mode: 0o700 });
      chownSync(nodeDir, uid, gid);
      const cfg = path.join(nodeDir, 'patroni.yml');
      writeFileSync(cfg, patroniYaml(this.dir, i, bin));
      chownSync(cfg, uid, gid);
      this.startPatroni(name);
      if (i === 0)
        await this.until(async () => (await this.leader()) === name, 90_000, `${name} bootstrapped as leader`);
    }

    const cfg = path.join(this.dir, 'haproxy.cfg');
    writeFileSync(cfg, haproxyCfg());
    const check = spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`haproxy -c: ${check.stderr || check.stdout}`);
    this.spawnRecorded('haproxy', 'haproxy', ['-db', '-f', cfg]);

    await this.until(
      async () => {
        const m = await this.members();
        return (
          m.length === 3 &&
          m.filter((x) => x.state === 'streaming' || x.state === 'running').length === 3 &&
          m.some((x) => x.role === 'sync_standby')
        );
      },
      120_000,
      'three members running, one synchronous standby',
    );
    await this.until(() => canConnect(this.writeUrl), 30_000, 'HAProxy write port serving');
    await this.until(() => canConnect(this.readUrl), 30_000, 'HAProxy read port serving');
    return this;
  }

  /** (Re)start one node's Patroni (recorded by PID); it starts its PostgreSQL, rewinding it if it must. */
  startPatroni(name) {
    const { uid, gid } = postgresIds();
    const nodeDir = path.join(this.dir, name);
    return this.spawnRecorded(`patroni-${name}`, 'patroni', [path.join(nodeDir, 'patroni.yml')], {
      uid,
      gid,
      cwd: nodeDir,
      env: { ...process.env, HOME: nodeDir, PATH: `${pgBinDir()}:${process.env.PATH}` },
    });
  }

  async until(cond, ms, what) {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${this.tails()}`);
      await sleep(200);
    }
  }

  tails() {
    const out = [];
    for (const name of ['etcd', ...this.names.map((n) => `patroni-${n}`), 'haproxy']) {
      const f = path.join(this.dir, `${name}.out`);
      if (existsSync(f)) out.push(`--- ${name}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
    }
    return out.join('\n');
  }

  /** Patroni's view of the cluster (GET /cluster on any node that answers). */
  async members() {
    for (const p of PORTS.rest) {
      const r = await getJson(`http://127.0.0.1:${p}/cluster`);
      if (r.status === 200 && r.json?.members) return r.json.members;
    }
    return [];
  }

  async leader() {
    return (await this.members()).find((m) => m.role === 'leader' && m.state === 'running')?.name ?? null;
  }

  /** The postmaster PID of a node (its postmaster.pid), or null. */
  postmasterPid(name) {
    const f = path.join(this.dir, name, 'data', 'postmaster.pid');
    if (!existsSync(f)) return null;
    const pid = Number(readFileSync(f, 'utf8').split('\n')[0]);
    return alive(pid) ? pid : null;
  }

  async status() {
    const members = await this.members();
    const pids = this.loadPids();
    return {
      dir: this.dir,
      write: this.writeUrl,
      read: this.readUrl,
      processes: Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, { pid: v, alive: alive(v) }])),
      postmasters: Object.fromEntries(this.names.map((n) => [n, this.postmasterPid(n)])),
      members: members.map((m) => ({ name: m.name, role: m.role, state: m.state, timeline: m.timeline, lag: m.lag })),
    };
  }

  loadPids() {
    if (Object.keys(this.pids).length) return this.pids;
    if (!existsSync(this.statePath())) return {};
    return JSON.parse(readFileSync(this.statePath(), 'utf8')).pids ?? {};
  }

  /** Stop exactly the recorded PIDs: HAProxy, then each Patroni (SIGTERM stops its PostgreSQL), then etcd. */
  async stop({ remove = false } = {}) {
    const pids = this.loadPids();
    const postmasters = this.names.map((n) => this.postmasterPid(n)).filter(Boolean);
    const term = async (pid, graceMs) => {
      if (!alive(pid)) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {}
      const end = Date.now() + graceMs;
      while (alive(pid) && Date.now() < end) await sleep(100);
      if (alive(pid))
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      // A child of ours is a zombie until reaped: wait for its exit event.
      for (const c of Object.values(this.procs))
        if (c.pid === pid && c.exitCode === null && c.signalCode === null) await new Promise((r) => c.once('exit', r));
    };
    if (pids.haproxy) await term(pids.haproxy, 3000);
    await Promise.all(this.names.map((n) => term(pids[`patroni-${n}`], 20_000)));
    // A postmaster Patroni left behind (Patroni killed with -9): fast shutdown by its own PID.
    for (const pid of postmasters) await term(pid, 10_000);
    if (pids.etcd) await term(pids.etcd, 5000);
    if (remove) rmSync(this.dir, { recursive: true, force: true });
    else if (existsSync(this.statePath())) rmSync(this.statePath());
  }
}

export async function canConnect(url) {
  // A minimal startup + "select 1" through psql keeps this file dependency-free.
  const r = spawnSync('psql', [url, '-qAtc', 'select 1'], {
    encoding: 'utf8',
    timeout: 3000,
    env: { ...process.env, PGCONNECT_TIMEOUT: '2' },
  });
  return r.status === 0 && r.stdout.trim() === '1';
}

async function main() {
  const args = process.argv.slice(2);
  const cmd = args[0];
  const at = args.indexOf('--dir');
  const dir = at >= 0 ? path.resolve(args[at + 1]) : '/tmp/pt-ha-pg';
  const stack = new PgHaStack(dir, { detached: true });
  if (cmd === 'start') {
    ensureHaPackages();
    try {
      await stack.start();
    } catch (err) {
      console.error(err.message);
      await stack.stop();
      process.exit(1);
    }
    console.log(JSON.stringify(await stack.status(), null, 2));
    console.log(`\nDATABASE_URL=${stack.writeUrl}\nDATABASE_REPLICA_URL=${stack.readUrl}`);
  } else if (cmd === 'status') {
    console.log(JSON.stringify(await stack.status(), null, 2));
  } else if (cmd === 'stop') {
    await stack.stop({ remove: args.includes('--rm') });
    console.log(`stopped (${dir})`);
  } else {
    console.error('usage: node deploy/ha/pg-stack.mjs start|status|stop [--dir DIR] [--rm]');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
