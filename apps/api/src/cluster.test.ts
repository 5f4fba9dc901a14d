/**
 * `npm run start:cluster` (cluster.ts, the node:cluster primary) as a real process tree — the built entry when it is
 * newer than its sources, else the source with tsx (the workers are forked with the primary's --import tsx): N
 * workers start and serve the shared port; a worker killed with SIGKILL is replaced; SIGTERM to the primary drains
 * every worker (a request in flight completes) and the primary exits 0 within 10 s. Needs PostgreSQL (the cluster refuses PGlite): runs with TEST_DATABASE_URL,
 * in `npm run test:cluster` (not `npm test`: it takes 20–50 s, most of it the workers starting).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from './config';
import { runMigrations } from './infra/db/migrate';
import { freshPostgres } from './test/context';
import { type CapturedProcess, freePort, spawnCaptured } from './test/server-process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { testDatabaseUrl } = testConfig();
const WORKERS = 2;

/** The newest modification time of the build's inputs (sources and migrations; tests are not inputs). */
function newestInput(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'test' && e.name !== 'node_modules') newest = Math.max(newest, newestInput(p));
    } else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The built entry when it is newer than every source it is built from (CI builds right before the suites; starting
 * is then seconds, not tens of seconds of tsx compiling in every worker), else the source through tsx.
 */
function entry(): string[] {
  const built = path.join(ROOT, 'apps/api/dist/cluster.js');
  if (existsSync(built)) {
    const inputs = ['apps/api/src', 'apps/api/drizzle', 'packages/shared/src'].map((d) => path.join(ROOT, d));
    if (statSync(built).mtimeMs > Math.max(...inputs.map(newestInput))) return [built];
  }
  return ['--import', 'tsx', 'apps/api/src/cluster.ts'];
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

async function until(cond: () => boolean, what: () => string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(testDatabaseUrl)('the cluster primary (node:cluster, cluster.ts)', () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let proc: CapturedProcess | undefined;
  let primary: ChildProcess;
  const output = () => proc?.output() ?? '';
  let port = 0;
  let dataDir = '';
  const exited = () => (proc as CapturedProcess).exited;
  /** Worker pids that logged "ready", in order. */
  const readyPids = () => {
    const pids: number[] = [];
    for (const line of output().split('\n')) {
      if (!line.includes('is ready on')) continue;
      try {
        const pid = (JSON.parse(line) as { pid?: number }).pid;
        if (pid && !pids.includes(pid)) pids.push(pid);
      } catch {
        /* not a log line */
      }
    }
    return pids;
  };

  beforeAll(async () => {
    db = await freshPostgres(testDatabaseUrl as string, 2);
    await runMigrations(db.database); // the workers' own migration run is then a no-op
    port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'pt-cluster-'));
    const args = entry();
    console.info(`cluster entry: node ${args.join(' ')}`);
    proc = spawnCaptured(args, {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: '3',
      JWT_SECRET: randomBytes(32).toString('hex'),
      CLUSTER_WORKERS: String(WORKERS),
      SERVE_WEB: 'false',
      LOG_LEVEL: 'info',
      TEST_ROUTES: 'true',
      SHUTDOWN_TIMEOUT_MS: '10000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    primary = proc.child;
  }, 60_000);

  afterAll(async () => {
    if (primary && primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
    for (const pid of readyPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  it(`starts ${WORKERS} workers, replaces one killed with SIGKILL, and drains all on SIGTERM within 10 s`, async () => {
    await until(
      () => readyPids().length >= WORKERS,
      () => `${WORKERS} workers ready\n${output()}`,
      120_000,
    );
    const first = readyPids();
    expect(first).toHaveLength(WORKERS);
    expect(first).not.toContain(primary.pid);
    for (const pid of first) expect(alive(pid)).toBe(true);
    expect(await get(port, '/health/ready')).toMatchObject({ status: 200 });

    // One worker dies hard: the primary notices and forks a new one, which becomes ready; the port keeps serving.
    const victim = first[0] as number;
    process.kill(victim, 'SIGKILL');
    await until(
      () => output().includes(`worker ${victim} exited (SIGKILL)`),
      () => `the primary to see the death\n${output()}`,
      10_000,
    );
    await until(
      () => readyPids().length >= WORKERS + 1,
      () => `a replacement worker\n${output()}`,
      120_000,
    );
    const replacement = readyPids().at(-1) as number;
    expect(first).not.toContain(replacement);
    expect(alive(victim)).toBe(false);
    expect(await get(port, '/health/ready')).toMatchObject({ status: 200 });
    const workers = readyPids().filter((pid) => pid !== victim);
    expect(workers).toHaveLength(WORKERS);

    // A request in flight when the primary gets SIGTERM completes; every worker exits; the primary exits 0 ≤ 10 s.
    const slow = get(port, '/__test/slow?ms=3000');
    // Scrapes go round-robin to the workers: wait until one reports the slow request in flight (plus the scrape).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const m = await get(port, '/metrics');
      const n = 'body' in m ? Number(/^http_requests_in_flight(?:\{[^}]*\})? (\d+)/m.exec(m.body)?.[1] ?? 0) : 0;
      if (n >= 2) break;
      expect(Date.now()).toBeLessThan(deadline);
    }
    const done = exited();
    const t0 = Date.now();
    primary.kill('SIGTERM');
    const { code, signal, at } = await done;
    console.info(`primary exited ${code} ${at - t0} ms after SIGTERM`);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(at - t0).toBeLessThanOrEqual(10_000);
    expect(await slow).toMatchObject({ status: 200 });
    for (const pid of workers) expect(alive(pid)).toBe(false);
    expect(output().match(/shutdown complete/g)?.length).toBe(WORKERS);
  }, 300_000);
});
