/**
 * The cluster harness (`npm run test:cluster`): two app instances — buildApp twice, in this process — on ONE
 * PostgreSQL database and ONE Redis, as two API processes behind a load balancer would be. Each instance has its own
 * database pool, its own Redis connections (commands, subscriber, queue) and shares only the signing secret and the
 * key prefix, so anything one instance learns from the other went through PostgreSQL or Redis.
 *
 * Also here: a real streaming replica of the PostgreSQL server (pg_basebackup), and the real worker process, for the
 * read-your-writes and mail-path proofs. Needs TEST_DATABASE_URL and TEST_REDIS_URL (`clusterServices`); the
 * *.cluster.test.ts suites skip without them and `npm run test:cluster` refuses to start.
 *
 * Faults (`InstanceFaults`) build an instance with one shared piece replaced by its in-process counterpart, so each
 * suite can show its check fails without the piece it proves.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { type App, buildApp } from '../app';
import { composeModules, type Modules } from '../composition';
import { type Config, type TestConfigOverrides, testConfig } from '../config';
import { createPlatform, type Platform } from '../platform';
import { MemoryCache } from '../infra/cache/cache';
import { type Database, openPostgres } from '../infra/db/client';
import { runMigrations } from '../infra/db/migrate';
import { ReadRouter } from '../infra/db/read-router';
import { MemoryMailer } from '../infra/mail/mailer';
import { createRedis, waitReady } from '../infra/redis/client';
import { freshPostgres, RATE_LIMITS_OFF, testPlatform } from './context';
import { freePort, spawnCaptured } from './server-process';
import { listen } from './sse';

/** The shared services of the cluster suites (CI exports both); either missing → the suites skip. */
export const clusterServices = (() => {
  const { testDatabaseUrl, testRedisUrl } = testConfig();
  return testDatabaseUrl && testRedisUrl ? { databaseUrl: testDatabaseUrl, redisUrl: testRedisUrl } : undefined;
})();

/** One shared piece of an instance replaced by its single-instance counterpart (a planted fault). */
export interface InstanceFaults {
  /** The session guard neither publishes nor hears revocations (no RevocationBus). */
  noRevocationBus?: boolean;
  /** The in-process cache instead of the tiered L1 + Redis one (data versions not shared). */
  localCache?: boolean;
  /** The read-your-writes mark kept in this process only (not SET in Redis). */
  localReadMark?: boolean;
  /** SSE fan-out and Last-Event-ID history in this process only (no Redis streams or channel). */
  localEvents?: boolean;
}

export interface Instance {
  name: 'A' | 'B';
  app: App;
  platform: Platform;
  modules: Modules;
  /** This instance's own pool (and replica pool) on the shared database. */
  database: Database;
  /** http://127.0.0.1:<port> when the instance listens (SSE needs a real socket); else undefined. */
  url: string | undefined;
}

export interface TwoInstances {
  a: Instance;
  b: Instance;
  /** The shared database's URL (the worker process and direct checks use it). */
  databaseUrl: string;
  /** A pool of the test's own on the shared primary (assertions, never the instances'). */
  primary: Database;
  /** The Redis key prefix both instances use (unique per harness). */
  prefix: string;
  /** A Redis connection of the test's own (assertions), on the shared Redis. */
  redis: Redis;
  jwtSecret: string;
  config: Config;
  close(): Promise<void>;
}

export interface TwoInstanceOptions {
  config?: TestConfigOverrides;
  /** A replica both instances read lag-tolerant data from (DATABASE_REPLICA_URL), e.g. startStreamingReplica's. */
  replicaUrl?: (databaseName: string) => string;
  /** Planted faults of instance B (A is always the production build). */
  faultsB?: InstanceFaults;
  /** Listen on loopback ports (SSE streams). */
  listen?: boolean;
  /**
   * Mail as production sends it: requests queue it (QueuedMailer → BullMQ) and only a worker delivers. The
   * instances' own fallback transport is `fallbackMail` (it receives mail only if queueing failed).
   */
  queuedMail?: boolean;
}

function requireServices() {
  if (!clusterServices) throw new Error('the cluster harness needs TEST_DATABASE_URL and TEST_REDIS_URL');
  return clusterServices;
}

async function buildInstance(
  name: 'A' | 'B',
  config: Config,
  database: Database,
  jwtSecret: string,
  options: TwoInstanceOptions,
  faults: InstanceFaults = {},
): Promise<Instance> {
  const cache = faults.localCache ? { cache: new MemoryCache() } : {};
  let platform = options.queuedMail
    ? createPlatform(config, database, { jwtSecret, mailTransport: new MemoryMailer(), ...cache })
    : testPlatform(config, database, { jwtSecret, ...cache });
  if (platform.redis && !(await waitReady(platform.redis.client, 5000))) throw new Error('Redis is not reachable');
  if (faults.noRevocationBus) platform = { ...platform, revocationBus: undefined };
  if (faults.localReadMark) {
    const db = database;
    platform = {
      ...platform,
      reads: new ReadRouter(db.db, db.hasReplica ? db.reader : undefined, config.readYourWritesMs, undefined),
    };
  }
  // The events module is the only part composeModules builds from platform.redis besides the health check.
  const modules = composeModules(faults.localEvents ? { ...platform, redis: undefined } : platform);
  const app = await buildApp(platform, { modules });
  await app.ready();
  const url = options.listen ? await listen(app) : undefined;
  return { name, app, platform, modules, database, url };
}

/** Two instances on a fresh, migrated database of TEST_DATABASE_URL's server and TEST_REDIS_URL, keys prefixed. */
export async function startTwoInstances(options: TwoInstanceOptions = {}): Promise<TwoInstances> {
  const services = requireServices();
  const prefix = `pt-cluster:${randomUUID()}:`;
  const config = testConfig({
    redisUrl: services.redisUrl,
    redisKeyPrefix: prefix,
    rateLimit: RATE_LIMITS_OFF,
    ...options.config,
  });
  const fresh = await freshPostgres(services.databaseUrl, 4);
  await runMigrations(fresh.database);
  const databaseName = new URL(fresh.url).pathname.slice(1);
  const replicaUrl = options.replicaUrl?.(databaseName);
  const open = () =>
    openPostgres({ url: fresh.url, replicaUrl, poolMax: 5, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 });
  const jwtSecret = randomBytes(32).toString('hex');
  const redis = createRedis({ url: services.redisUrl, commandTimeoutMs: 5000 }, { enableOfflineQueue: true });
  const dbA = open();
  const dbB = open();
  const started: Instance[] = [];
  const close = async () => {
    for (const i of started) await i.app.close().catch(() => {});
    await Promise.all([dbA.close(), dbB.close()]).catch(() => {});
    await deleteKeys(redis, prefix).catch(() => {});
    redis.disconnect();
    await fresh.drop();
  };
  try {
    started.push(await buildInstance('A', config, dbA, jwtSecret, options));
    started.push(await buildInstance('B', config, dbB, jwtSecret, options, options.faultsB));
  } catch (err) {
    await close();
    throw err;
  }
  const [a, b] = started as [Instance, Instance];
  return { a, b, databaseUrl: fresh.url, primary: fresh.database, prefix, redis, jwtSecret, config, close };
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Wait until `cond()` is true (polled every 20 ms); throws `what` after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A real streaming replica
// ---------------------------------------------------------------------------------------------------------------

const PG_BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

function asPostgres(cmd: string, args: string[], timeout = 120_000) {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, cmd), ...args], {
    encoding: 'utf8',
    timeout,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} → ${r.status}: ${r.stderr || r.stdout || r.error}`);
  return r.stdout;
}

/**
 * Why the server cannot be replicated from, or undefined when it can: wal_level replica (or logical), a free WAL
 * sender, and a pg_hba rule that lets this host in for replication without a password — tried for real with a
 * replication connection (IDENTIFY_SYSTEM). The `all` database keyword does not cover replication connections, and
 * Debian's default `host replication all 127.0.0.1/32 scram-sha-256` wants a password the test does not have:
 * `.ci/suites/cluster.sh` puts `host replication all 127.0.0.1/32 trust` first and reloads.
 */
export async function replicationBlocker(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const problems: string[] = [];
  try {
    const level = (await c.query<{ wal_level: string }>('show wal_level')).rows[0]?.wal_level;
    const senders = Number(
      (await c.query<{ max_wal_senders: string }>('show max_wal_senders')).rows[0]?.max_wal_senders,
    );
    if (level !== 'replica' && level !== 'logical') problems.push(`wal_level is ${level} (needs replica)`);
    if (!(senders > 0)) problems.push('max_wal_senders is 0');
  } finally {
    await c.end();
  }
  const r = new pg.Client({ connectionString: url, replication: 'true' } as pg.ClientConfig);
  try {
    await r.connect();
    await r.query('IDENTIFY_SYSTEM');
  } catch (err) {
    problems.push(
      `a replication connection is refused (${err instanceof Error ? err.message : String(err)}): pg_hba.conf needs ` +
        '"host replication all 127.0.0.1/32 trust" before any other replication rule, then select pg_reload_conf()',
    );
  } finally {
    await r.end().catch(() => {});
  }
  return problems.length ? problems.join('; ') : undefined;
}

export interface StreamingReplica {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  urlOf(database: string): string;
  /** Stop applying WAL (pg_wal_replay_pause): from now on the replica is provably stale. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stop the replica's postmaster by its PID (fast shutdown) and remove its data directory. */
  stop(): Promise<void>;
}

/**
 * A hot standby of the server at `primaryUrl` (127.0.0.1:5432 in CI): pg_basebackup -R into a temp directory as the
 * postgres OS user, started on a free port with hot_standby on, streaming from the primary.
 */
export async function startStreamingReplica(primaryUrl: string): Promise<StreamingReplica> {
  const primary = new URL(primaryUrl);
  const blocker = await replicationBlocker(primaryUrl);
  if (blocker) throw new Error(`cannot start a streaming replica of ${primary.host}: ${blocker}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'pt-replica-'));
  const dataDir = path.join(dir, 'data');
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, uid, gid);
  const port = await freePort();
  let pid: number | undefined;
  const stop = async () => {
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGINT'); // fast shutdown
      } catch {
        /* already gone */
      }
      const end = Date.now() + 15_000;
      while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asPostgres('pg_basebackup', [
      '-h',
      primary.hostname,
      '-p',
      primary.port || '5432',
      '-U',
      decodeURIComponent(primary.username || 'postgres'),
      '-D',
      dataDir,
      '-X',
      'stream',
      '-R', // standby.signal + primary_conninfo
      '-c',
      'fast',
      '--no-sync',
    ]);
    // Debian keeps the configuration outside the data directory: give the copy its own minimal one.
    const own = (file: string, text: string) => {
      writeFileSync(path.join(dataDir, file), text);
      chownSync(path.join(dataDir, file), uid, gid);
    };
    own(
      'postgresql.conf',
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'hot_standby = on',
        'shared_buffers = 16MB',
        'fsync = off',
        "log_min_messages = 'warning'",
        '',
      ].join('\n'),
    );
    own('pg_hba.conf', 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    own('pg_ident.conf', '');
    asPostgres('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'replica.log'), '-w', '-t', '60', 'start']);
    pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch (err) {
    const log = path.join(dir, 'replica.log');
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tail}`);
  }
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const onReplica = async (statement: string) => {
    const c = new pg.Client({ connectionString: urlOf('postgres') });
    await c.connect();
    try {
      const inRecovery = (await c.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]?.r;
      if (!inRecovery) throw new Error('the replica is not in recovery (not a standby)');
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  return {
    port,
    urlOf,
    pauseReplay: () => onReplica('select pg_wal_replay_pause()'),
    resumeReplay: () => onReplica('select pg_wal_replay_resume()'),
    stop,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Until the replica has applied everything the primary has written so far (its LSN now). */
export async function waitReplicaCaughtUp(primaryUrl: string, replicaUrl: string, ms = 30_000): Promise<void> {
  const p = new pg.Client({ connectionString: primaryUrl });
  const r = new pg.Client({ connectionString: replicaUrl });
  await Promise.all([p.connect(), r.connect()]);
  try {
    const lsn = (await p.query<{ l: string }>('select pg_current_wal_lsn()::text as l')).rows[0]?.l;
    await waitFor(
      async () =>
        (await r.query<{ ok: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn])).rows[0]?.ok ===
        true,
      `the replica to replay up to ${lsn}`,
      ms,
    );
  } finally {
    await Promise.all([p.end(), r.end()]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The real worker process
// ---------------------------------------------------------------------------------------------------------------

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** `apps/api/src/worker.ts` (tsx, one process), on the harness's database, Redis prefix and signing secret. */
export async function startWorkerProcess(
  cluster: Pick<TwoInstances, 'databaseUrl' | 'prefix' | 'jwtSecret'>,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const services = requireServices();
  const { child, output, exited } = spawnCaptured(['--import', 'tsx', 'apps/api/src/worker.ts'], {
    NODE_ENV: 'production',
    DATABASE_URL: cluster.databaseUrl,
    JWT_SECRET: cluster.jwtSecret,
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: cluster.prefix,
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(() => output().includes('worker ready') || child.exitCode !== null, 'the worker to start', 120_000);
    if (child.exitCode !== null) throw new Error(`the worker exited:\n${output()}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, output, stop };
}
