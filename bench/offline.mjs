/**
 * P15 (quality.md): 100 writes queued offline, replayed on reconnect — all applied once (0 duplicates), < 5 s.
 *
 * In Debian's Chromium (playwright-core, CHROMIUM_PATH) against the built app served by the built API on a free port
 * (PGlite in a throwaway DATA_DIR, or the PostgreSQL database given): a user signs in through the form and opens the
 * task list; the browser context goes offline; 100 tasks are created through the New task dialog (each one queued
 * in IndexedDB, shown as pending); the context goes back online and the clock runs from there until the queue is
 * empty. Then the API is asked: each of the 100 titles must exist exactly once.
 *
 * Baseline: the same 100 POST /tasks (same bodies, an Idempotency-Key each) sent directly from the same page, one
 * after the other, online — the cost the replay cannot avoid. Prints `P15 replay_s=… baseline_s=… ratio=…`.
 *
 *   node bench/offline.mjs [--writes 100] [--pg postgres://…/db] [--no-fail]
 *   node bench/offline.mjs '{"databaseUrl":"…"}'   (run.mjs: prints one JSON line last)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  api,
  BENCH,
  BENCH_PASSWORD,
  cliArgs,
  onExitCleanup,
  ROOT,
  round,
  startApi,
  stop,
  waitHttp,
} from './lib/util.mjs';

const jsonInput = process.argv[2]?.startsWith('{') ? JSON.parse(process.argv[2]) : null;
const { argv, arg } = cliArgs();
const WRITES = Number(jsonInput?.writes ?? arg('--writes', '100'));
const DATABASE_URL = jsonInput?.databaseUrl ?? arg('--pg', '');
const NO_FAIL = argv.includes('--no-fail');
const BAR_S = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const WEB_INDEX = path.join(ROOT, 'apps/web/dist/index.html');
const API_SERVER = path.join(ROOT, 'apps/api/dist/server.js');
const log = (...a) => console.error('[P15]', ...a);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Writes still in the page's offline queue (IndexedDB). */
const queued = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('primetrade-offline');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('queue')) return resolve(0);
          const count = db.transaction('queue').objectStore('queue').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => resolve(-1);
        };
        open.onerror = () => resolve(-1);
      }),
  );

async function main() {
  onExitCleanup();
  if (!existsSync(WEB_INDEX) || !existsSync(API_SERVER)) {
    log('building the app (npm run build)…');
    const r = spawnSync('npm', ['run', 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const { chromium } = await import('playwright-core');
  for (const k of ['DATABASE_URL', 'DATABASE_REPLICA_URL', 'REDIS_URL']) delete process.env[k];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pt-p15-'));
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'pt-p15-chromium-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server;
  let context;
  try {
    server = await startApi('p15-api', port, {
      DATA_DIR: dataDir,
      SERVE_WEB: 'true',
      ...(DATABASE_URL ? { DATABASE_URL } : {}),
    });
    await waitHttp(`${base}/health/ready`, { child: server, timeoutMs: 180_000 });
    const email = `p15-${Date.now().toString(36)}@example.com`;
    const reg = await api(base, 'POST', '/api/v1/auth/register', {
      body: { name: 'Offline Bench', email, password: BENCH_PASSWORD },
    });
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.text.slice(0, 300)}`);
    const token = reg.json.data.accessToken;

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(30_000);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}/login`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(BENCH_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/dashboard');
    await page.goto(`${base}/tasks`);
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();

    // Baseline: the same requests, straight from the page, online (after a warm-up of 20, so neither side pays
    // for a cold server).
    const direct = (n) =>
      page.evaluate(async (n) => {
        const csrf = decodeURIComponent(/(?:^|;\s*)csrf_token=([^;]+)/.exec(document.cookie)?.[1] ?? '');
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          const res = await fetch('/api/v1/tasks', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-csrf-token': csrf,
              'idempotency-key': crypto.randomUUID(),
            },
            body: JSON.stringify({ title: `P15 baseline ${i}` }),
          });
          if (res.status !== 201) throw new Error(`baseline POST ${res.status}`);
        }
        return performance.now() - t0;
      }, n);
    await direct(20);
    const baselineMs = await direct(WRITES);

    // Queue WRITES creates offline through the UI.
    await context.setOffline(true);
    log(`offline; queueing ${WRITES} creates through the New task dialog…`);
    const t0q = Date.now();
    for (let i = 0; i < WRITES; i++) {
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title').fill(`P15 offline ${i}`);
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    const inQueue = await queued(page);
    if (inQueue !== WRITES) throw new Error(`expected ${WRITES} queued writes, found ${inQueue}`);
    log(`${inQueue} writes queued in ${round((Date.now() - t0q) / 1000, 1)} s; going online`);

    // Replay: from reconnecting to an empty queue.
    const t0 = performance.now();
    await context.setOffline(false);
    // The header's "N changes waiting" goes when the queue is empty (polled on animation frames: no extra load).
    await page.waitForFunction(() => !document.querySelector('[data-testid="pending-count"]'), null, {
      polling: 'raf',
      timeout: 120_000,
    });
    const replayMs = performance.now() - t0;
    const left = await queued(page);
    if (left !== 0) throw new Error(`${left} writes still queued when the header said none`);

    // Exactly once, asked of the API.
    const titles = [];
    for (let cursor; ; ) {
      const r = await api(base, 'GET', `/api/v1/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token });
      if (r.status !== 200) throw new Error(`list ${r.status}`);
      titles.push(...r.json.data.map((t) => t.title));
      if (!r.json.meta?.hasMore) break;
      cursor = encodeURIComponent(r.json.meta.nextCursor);
    }
    const counts = new Map();
    for (const t of titles.filter((t) => t.startsWith('P15 offline '))) counts.set(t, (counts.get(t) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    const missing = WRITES - counts.size;
    const result = {
      writes: WRITES,
      replay_s: round(replayMs / 1000, 2),
      baseline_s: round(baselineMs / 1000, 2),
      ratio: round(replayMs / baselineMs, 2),
      applied: counts.size,
      duplicates,
      missing,
      database: DATABASE_URL ? 'postgresql' : 'pglite',
      bar: `${WRITES} writes applied once (0 duplicates), < ${BAR_S} s`,
    };
    result.pass = duplicates === 0 && missing === 0 && replayMs < BAR_S * 1000;
    return result;
  } finally {
    await context?.close().catch(() => {});
    if (server) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (r) => {
    const line = `P15 replay_s=${r.replay_s} baseline_s=${r.baseline_s} ratio=${r.ratio} applied=${r.applied} duplicates=${r.duplicates} missing=${r.missing} (${r.database}) ${r.pass ? 'met' : 'MISSED'}`;
    if (jsonInput) {
      console.log(JSON.stringify({ ...r, line }));
    } else {
      console.log(line);
      mkdirSync(path.join(BENCH, 'results'), { recursive: true });
      writeFileSync(
        path.join(BENCH, 'results', 'offline.json'),
        `${JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2)}\n`,
      );
    }
    process.exit(r.pass || NO_FAIL ? 0 : 1);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
