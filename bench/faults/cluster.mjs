/**
 * Throwaway infrastructure the fault tests own: a PostgreSQL cluster (initdb + pg_ctl as the postgres user, in a
 * temp dir, on its own port), a redis-server on its own port, nginx with its own prefix. The machine's shared
 * PostgreSQL and Redis are never touched. Missing Debian packages are installed (CI runs on a fresh machine).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { start, stop, waitHttp } from '../lib/util.mjs';
import { nginxArgs, renderDeployNginxConf } from './nginx-conf.mjs';

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 60_000, ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}: ${r.stderr || r.stdout}`);
  }
  return r;
}

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

export function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const v = readdirSync(base)
    .filter((d) => existsSync(path.join(base, d, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return v ? path.join(base, v, 'bin') : null;
}

/** apt-get install what is missing (root only; a no-op when everything is there). */
export function ensurePackages() {
  const need = [];
  if (!pgBinDir()) need.push('postgresql', 'postgresql-contrib');
  if (!has('redis-server')) need.push('redis-server');
  if (!has('nginx')) need.push('nginx');
  if (need.length === 0) return;
  console.log(`installing ${need.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update', '-qq'], { env, timeout: 300_000 });
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need], { env, timeout: 600_000 });
}

const asPostgres = (cmd, args, opts) => sh('runuser', ['-u', 'postgres', '--', cmd, ...args], opts);

export class PgCluster {
  constructor(dir, port) {
    this.bin = pgBinDir();
    this.dir = path.join(dir, 'pgdata');
    this.sock = path.join(dir, 'pgsock');
    this.log = path.join(dir, 'pg.log');
    this.port = port;
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  init() {
    mkdirSync(this.sock, { recursive: true });
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(path.dirname(this.dir), uid, gid);
    chownSync(this.sock, uid, gid);
    chmodSync(path.dirname(this.dir), 0o755);
    asPostgres(path.join(this.bin, 'initdb'), [
      '-D',
      this.dir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    // Durability as in production: fsync, synchronous_commit and full_page_writes on (the defaults; said out loud).
    const conf = path.join(this.dir, 'postgresql.conf');
    writeFileSync(
      conf,
      `${readFileSync(conf, 'utf8')}\nfsync = on\nsynchronous_commit = on\nfull_page_writes = on\nmax_connections = 200\nshared_buffers = 64MB\n`,
    );
  }

  start() {
    asPostgres(path.join(this.bin, 'pg_ctl'), [
      '-D',
      this.dir,
      '-l',
      this.log,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -k ${this.sock} -c listen_addresses=127.0.0.1`,
      'start',
    ]);
  }

  /** `pg_ctl stop -m immediate`: no checkpoint, clients cut — as close to a crash as a clean command gets. */
  crash() {
    asPostgres(path.join(this.bin, 'pg_ctl'), ['-D', this.dir, '-m', 'immediate', '-w', 'stop'], { allowFail: true });
  }

  stop() {
    asPostgres(path.join(this.bin, 'pg_ctl'), ['-D', this.dir, '-m', 'fast', '-w', 'stop'], { allowFail: true });
  }

  psql(sql) {
    return sh('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-qAtc',
      sql,
    ]).stdout.trim();
  }
}

export class Redis {
  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.url = `redis://127.0.0.1:${port}/0`;
  }

  async start() {
    this.proc = start('redis', 'redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
    ]);
    for (let i = 0; i < 100; i++) {
      if (sh('redis-cli', ['-p', String(this.port), 'ping'], { allowFail: true }).stdout.trim() === 'PONG') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis did not start: ${this.proc.tail()}`);
  }

  async kill() {
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }
}

export class Nginx {
  /**
   * deploy/nginx/nginx.conf itself, rendered for 127.0.0.1:`listen` in front of 127.0.0.1:`upstreamPorts` (only
   * the listen, upstream server addresses and log paths are substituted: bench/faults/nginx-conf.mjs; checked by
   * nginx-conf.test.ts), validated with `nginx -t` and run with its own prefix and pid file.
   */
  constructor(dir, listen, upstreamPorts) {
    this.prefix = path.join(dir, 'nginx');
    this.listen = listen;
    this.upstreams = upstreamPorts;
    this.url = `http://127.0.0.1:${listen}`;
  }

  async start() {
    mkdirSync(this.prefix, { recursive: true });
    const conf = renderDeployNginxConf({ listen: this.listen, upstreams: this.upstreams, prefix: this.prefix });
    // How long nginx keeps an upstream server it marked failed out of rotation (a rolling restart must wait longer).
    this.failTimeoutS = Number(/^ *server 127\.0\.0\.1:\d+ [^;]*fail_timeout=(\d+)s?[ ;]/m.exec(conf)?.[1] ?? 10);
    const file = path.join(this.prefix, 'nginx.conf');
    writeFileSync(file, conf);
    sh('nginx', ['-t', ...nginxArgs(this.prefix, file)]);
    this.proc = start('nginx', 'nginx', nginxArgs(this.prefix, file, { foreground: true }));
    await waitHttp(`${this.url}/health/live`, { child: this.proc, timeoutMs: 20_000 });
  }

  stop() {
    return stop(this.proc);
  }
}
